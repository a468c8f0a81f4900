// Package demo holds the demo organisation that `portal serve --demo` (and `make run`) loads:
// Fernway, a fictional online retailer of home and garden goods that runs its own payments
// stack. The org is a tree of Backstage catalog-info.yaml files (domains, systems, components,
// APIs, resources, groups and users) with the docs, runbooks and decision records a real
// engineering organisation keeps beside its code, so search and the assistant have something
// worth answering from.
//
// The tree is embedded in the binary; Extract writes it to disk so the catalog can register it
// as an ordinary file location.
package demo

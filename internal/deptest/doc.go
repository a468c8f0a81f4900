// Package deptest holds the module's structural tests: the import rules of STYLE.md (which
// package may import gin, bleve, go-openai, the database drivers and the store) and the rule
// that every package has a package doc comment. It has no code of its own; the tests run
// `go list` over the whole module.
package deptest

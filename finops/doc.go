// Package finops ingests FOCUS cost data, allocates every cost row to a catalog entity,
// and keeps daily aggregates, budgets, forecasts and cost alerts.
//
// So far it holds its types, its sentinel errors and its Store interface, laid out the way
// CONTRIBUTING.md's recipe for a capability says; the behaviour (ingest, allocation,
// forecasts) comes with a later issue.
package finops

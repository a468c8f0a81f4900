// Package finops ingests FOCUS cost data, allocates every cost row to a catalog entity,
// and keeps daily aggregates, budgets, forecasts and cost alerts.
//
// It holds no code yet: a later issue builds it.
package finops

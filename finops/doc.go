// Package finops ingests FOCUS cost data, allocates every cost row to a catalog entity,
// and reports daily costs, movers and showback.
//
// Import reads a FOCUS 1.x CSV (plain or gzip) as a stream and replaces, in one
// transaction, the rows of every provider, billing account and billing period it holds.
// Allocation turns each row into Lines by tag rules and the nextportal.io/cost-tags
// annotation, rolled up to owner, system and domain; what matches nothing is the
// unallocated bucket (key ""). Budgets and forecasts build on Service.Daily.
package finops

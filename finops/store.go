package finops

import (
	"context"
)

// Store is what finops needs from a database. Package store implements it on SQLite and
// PostgreSQL (store/finops_*.go, with a compile-time check); storetest.FinOps holds the
// contract both engines pass.
type Store interface {
	// ReplaceCosts stores the cost rows next yields, each with its allocated Lines, in one
	// transaction: for every Scope among the rows, the rows and lines stored before are
	// deleted first, so that importing the same data twice stores it once. next returns
	// io.EOF after the last row; any other error from next (or ctx) aborts and nothing
	// changes. It returns the number of rows stored.
	ReplaceCosts(ctx context.Context, next func() (Cost, []Line, error)) (int64, error)
	// Reallocate replaces every stored Line with those alloc returns for every stored cost
	// row, in one transaction.
	Reallocate(ctx context.Context, alloc func(Cost) []Line) error
	// DailyCosts returns the daily sums of the lines matching q, grouped by q.GroupBy and
	// currency, oldest day first, then by key and currency.
	DailyCosts(ctx context.Context, q DailyQuery) ([]DailyCost, error)
	// SumCosts is DailyCosts summed over the days of [q.From, q.To): one DailyCost per key
	// and currency with Day zero, ordered by key then currency.
	SumCosts(ctx context.Context, q DailyQuery) ([]DailyCost, error)
	// CostEntities returns the distinct entity refs lines are allocated to, sorted ("" for
	// the unallocated bucket included when it has lines).
	CostEntities(ctx context.Context) ([]string, error)
	// CostTotals returns the sums of all stored cost rows (not lines) per currency, and
	// of the lines per currency: allocation is exhaustive when they are equal.
	CostTotals(ctx context.Context) (rows, lines []Total, err error)
}

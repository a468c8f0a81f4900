package finops

import (
	"context"
	"time"
)

// Store is what finops needs from a database. Package store implements it on SQLite and
// PostgreSQL (store/finops_*.go, with a compile-time check); storetest.FinOps will hold the
// contract both engines pass.
type Store interface {
	// AddCosts stores cost rows (already allocated) in one transaction.
	AddCosts(ctx context.Context, rows []Cost) error
	// DailyCosts returns the daily sums of entityRef's costs ("" for the unallocated
	// bucket) in [from, to), oldest first.
	DailyCosts(ctx context.Context, entityRef string, from, to time.Time) ([]DailyCost, error)
	// PutBudget creates a budget with ID and CreatedAt assigned; ErrConflict if one exists
	// for the entity and period.
	PutBudget(ctx context.Context, b Budget) (Budget, error)
	// Budgets returns the budgets of entityRef, or every budget when it is "".
	Budgets(ctx context.Context, entityRef string) ([]Budget, error)
	// DeleteBudget deletes a budget; ErrNotFound if there is none with that id.
	DeleteBudget(ctx context.Context, id string) error
}

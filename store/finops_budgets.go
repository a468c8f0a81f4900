package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/errkind"
)

var _ finops.BudgetStore = (*DB)(nil)

const budgetColumns = `id, entity_ref, month, amount, currency, created_at, updated_at`

func scanBudget(sc scanner) (finops.Budget, error) {
	var b finops.Budget
	err := sc.Scan(&b.ID, &b.EntityRef, &b.Month, &b.Amount, &b.Currency, &b.CreatedAt, &b.UpdatedAt)
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	return b, err
}

// CreateBudget stores a new budget; finops.ErrConflict when its entity has one for that month.
func (db *DB) CreateBudget(ctx context.Context, b finops.Budget) error {
	if b.ID == "" {
		return errkind.Errorf(finops.ErrInvalid, "create budget: id is required")
	}
	defer db.lockWrites()()
	_, err := db.sql.ExecContext(ctx, `INSERT INTO finops_budgets (`+budgetColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		b.ID, b.EntityRef, b.Month, b.Amount, b.Currency, createdAt(b.CreatedAt), createdAt(b.UpdatedAt))
	return translate("budget of "+b.EntityRef+" for month '"+b.Month+"'", err)
}

// Budget returns one budget, or finops.ErrNotFound.
func (db *DB) Budget(ctx context.Context, id string) (finops.Budget, error) {
	b, err := scanBudget(db.sql.QueryRowContext(ctx, `SELECT `+budgetColumns+` FROM finops_budgets WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return finops.Budget{}, errkind.Errorf(finops.ErrNotFound, "budget %s", id)
	}
	if err != nil {
		return finops.Budget{}, translate("budget "+id, err)
	}
	return b, nil
}

// UpdateBudget replaces a budget's month, amount, currency and updated time.
func (db *DB) UpdateBudget(ctx context.Context, b finops.Budget) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `UPDATE finops_budgets SET month = $2, amount = $3, currency = $4, updated_at = $5 WHERE id = $1`,
		b.ID, b.Month, b.Amount, b.Currency, createdAt(b.UpdatedAt))
	if err != nil {
		return translate("budget "+b.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate("budget "+b.ID, err)
	} else if n == 0 {
		return errkind.Errorf(finops.ErrNotFound, "budget %s", b.ID)
	}
	return nil
}

// DeleteBudget deletes a budget; finops.ErrNotFound when there is none.
func (db *DB) DeleteBudget(ctx context.Context, id string) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `DELETE FROM finops_budgets WHERE id = $1`, id)
	if err != nil {
		return translate("delete budget "+id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return translate("delete budget "+id, err)
	} else if n == 0 {
		return errkind.Errorf(finops.ErrNotFound, "budget %s", id)
	}
	return nil
}

// Budgets lists the budgets of entityRef, or all of them when it is "".
func (db *DB) Budgets(ctx context.Context, entityRef string) ([]finops.Budget, error) {
	q, args := `SELECT `+budgetColumns+` FROM finops_budgets`, []any{}
	if entityRef != "" {
		q, args = q+` WHERE entity_ref = $1`, append(args, entityRef)
	}
	out, err := collectRows(ctx, db.sql, q+` ORDER BY entity_ref, month`, args, scanBudget)
	if err != nil {
		return nil, translate("list budgets", err)
	}
	return out, nil
}

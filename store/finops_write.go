package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/nextportal/portal/finops"
)

var _ finops.Store = (*DB)(nil)

// costBatch is how many cost rows an import holds in memory between writes.
const costBatch = 5000

var costRowColumns = []string{"import_id", "line", "provider", "billing_account", "billing_period_start",
	"billing_period_end", "sub_account", "charge_start", "charge_end", "billed_cost", "effective_cost",
	"list_cost", "currency", "service", "service_category", "resource", "resource_name", "region",
	"charge_category", "tags"}

var costLineColumns = []string{"import_id", "provider", "billing_account", "billing_period_start", "day",
	"currency", "service", "resource", "entity", "owner", "system", "domain", "billed_cost", "effective_cost"}

// costTx is what ReplaceCosts and Reallocate write through: an *sql.Tx on SQLite, a pgx
// transaction (for COPY) on PostgreSQL.
type costTx interface {
	exec(ctx context.Context, query string, args ...any) error
	insert(ctx context.Context, table string, cols []string, rows [][]any) error
	query(ctx context.Context, query string, args []any, f func(scanner) error) error
}

type sqlCostTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt // prepared inserts, by table
}

func (t sqlCostTx) exec(ctx context.Context, query string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, query, args...)
	return err
}

func (t sqlCostTx) query(ctx context.Context, query string, args []any, f func(scanner) error) error {
	return eachRow(ctx, t.tx, query, args, func(r *sql.Rows) error { return f(r) })
}

// insert writes rows one by one through a statement prepared once per table and
// transaction: on SQLite that is faster than multi-row INSERTs, which are parsed anew each
// time and bind their parameters in time quadratic in their number.
func (t sqlCostTx) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	st := t.stmts[table]
	if st == nil {
		ph := make([]string, len(cols))
		for i := range ph {
			ph[i] = fmt.Sprintf("$%d", i+1)
		}
		var err error
		st, err = t.tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), strings.Join(ph, ", ")))
		if err != nil {
			return err
		}
		t.stmts[table] = st
	}
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

type pgCostTx struct{ tx pgx.Tx }

func (t pgCostTx) exec(ctx context.Context, query string, args ...any) error {
	_, err := t.tx.Exec(ctx, query, args...)
	return err
}

func (t pgCostTx) query(ctx context.Context, query string, args []any, f func(scanner) error) error {
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t pgCostTx) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := t.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	return err
}

// inCostTx runs fn in one transaction: a pgx one (COPY needs the driver's own connection) on
// PostgreSQL, a database/sql one holding the write lock on SQLite.
func (db *DB) inCostTx(ctx context.Context, fn func(costTx) error) error {
	if db.dialect.engine != "postgres" {
		defer db.lockWrites()()
		tx, err := db.sql.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := fn(sqlCostTx{tx: tx, stmts: map[string]*sql.Stmt{}}); err != nil {
			return err
		}
		return tx.Commit()
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres connection is %T, not pgx", dc)
		}
		tx, err := c.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if err := fn(pgCostTx{tx: tx}); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

const (
	deleteScopeRows  = `DELETE FROM cost_rows WHERE provider = $1 AND billing_account = $2 AND billing_period_start = $3 AND import_id <> $4`
	deleteScopeLines = `DELETE FROM cost_lines WHERE provider = $1 AND billing_account = $2 AND billing_period_start = $3 AND import_id <> $4`
)

// ReplaceCosts stores the rows next yields with their lines in one transaction, in batches,
// then deletes what was stored before for every scope among them.
func (db *DB) ReplaceCosts(ctx context.Context, next func() (finops.Cost, []finops.Line, error)) (int64, error) {
	const what = "replace costs"
	importID := uuid.NewString()
	scopes := map[finops.Scope]bool{}
	var n int64
	err := db.inCostTx(ctx, func(tx costTx) error {
		rows := make([][]any, 0, costBatch)
		var lines [][]any
		flush := func() error {
			if err := tx.insert(ctx, "cost_rows", costRowColumns, rows); err != nil {
				return err
			}
			if err := tx.insert(ctx, "cost_lines", costLineColumns, lines); err != nil {
				return err
			}
			rows, lines = rows[:0], lines[:0]
			return nil
		}
		for {
			c, ls, err := next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			scopes[c.Scope()] = true
			r, err := costRowArgs(importID, c)
			if err != nil {
				return err
			}
			rows = append(rows, r)
			for _, l := range ls {
				lines = append(lines, costLineArgs(importID, l))
			}
			n++
			if len(rows) == costBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		for sc := range scopes {
			args := []any{sc.Provider, sc.BillingAccountID, dbTime(sc.BillingPeriodStart), importID}
			if err := tx.exec(ctx, deleteScopeRows, args...); err != nil {
				return err
			}
			if err := tx.exec(ctx, deleteScopeLines, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, translate(what, err)
	}
	return n, nil
}

func costRowArgs(importID string, c finops.Cost) ([]any, error) {
	tags := "{}"
	if len(c.Tags) > 0 {
		b, err := json.Marshal(c.Tags)
		if err != nil {
			return nil, fmt.Errorf("encode tags of line %d: %w", c.Line, err)
		}
		tags = string(b)
	}
	return []any{importID, c.Line, c.Provider, c.BillingAccountID, dbTime(c.BillingPeriodStart),
		timeOrNil(c.BillingPeriodEnd), c.SubAccountID, dbTime(c.ChargePeriodStart), timeOrNil(c.ChargePeriodEnd),
		c.BilledCost, c.EffectiveCost, c.ListCost, c.Currency, c.ServiceName, c.ServiceCategory, c.ResourceID,
		c.ResourceName, c.RegionID, c.ChargeCategory, tags}, nil
}

func costLineArgs(importID string, l finops.Line) []any {
	return []any{importID, l.Provider, l.BillingAccountID, dbTime(l.BillingPeriodStart), l.Day.UTC().Format(time.DateOnly),
		l.Currency, l.Service, l.Resource, l.Entity, l.Owner, l.System, l.Domain, l.BilledCost, l.EffectiveCost}
}

// timeOrNil stores the zero time as NULL.
func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return dbTime(t)
}

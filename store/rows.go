package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/nextportal/portal/internal/errkind"
)

// eachRow runs query on qr and calls f for each row, then reports the first error of the
// query, f, or the iteration. It is the store's one loop over rows.
func eachRow(ctx context.Context, qr querier, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := qr.QueryContext(ctx, query, args...)
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

// collectRows runs query on qr and returns scan's value of each row, in order: an empty
// (non-nil) slice when there are none, so lists encode as [].
func collectRows[T any](ctx context.Context, qr querier, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	out := []T{}
	err := eachRow(ctx, qr, query, args, func(r *sql.Rows) error {
		v, err := scan(r)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanString scans a row of one text column.
func scanString(sc scanner) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// execOne runs a write that must change exactly one row. When none matched it returns
// errkind.Errorf(none, "<what><why>"): none is the sentinel that says what that means to the
// caller (not found, a lost lease), why an optional explanation after what.
func (db *DB) execOne(ctx context.Context, what string, none error, why string, q string, args ...any) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, q, args...)
	if err != nil {
		return translate(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return errkind.Errorf(none, "%s%s", what, why)
	}
	return nil
}

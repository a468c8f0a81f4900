package store

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

var _ auth.Store = (*DB)(nil)

// changed checks that an UPDATE or DELETE touched a row: auth.ErrNotFound when none.
func changed(what string, res sql.Result, err error) error {
	if err != nil {
		return translate(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return errkind.Errorf(auth.ErrNotFound, "%s", what)
	}
	return nil
}

// dbTime is t as both engines store it: UTC, to the microsecond.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// createdAt is the creation time to store: t as given (the service's clock), or now.
func createdAt(t time.Time) time.Time {
	if t.IsZero() {
		return dbTime(time.Now())
	}
	return dbTime(t)
}

// nullTime is an optional time for a query argument.
func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: dbTime(*t), Valid: true}
}

// timePtr is a scanned optional time, in UTC.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nextportal/portal/auth"
)

var _ auth.Store = (*DB)(nil)

// translateAuth maps driver errors onto auth's sentinels, wrapping with context what: no
// rows becomes auth.ErrNotFound and a unique violation auth.ErrConflict.
func translateAuth(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, auth.ErrNotFound)
	case isUniqueViolation(err):
		return fmt.Errorf("%s: %w: %w", what, auth.ErrConflict, err)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

// changed checks that an UPDATE or DELETE touched a row: auth.ErrNotFound when none.
func changed(what string, res sql.Result, err error) error {
	if err != nil {
		return translateAuth(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, auth.ErrNotFound)
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

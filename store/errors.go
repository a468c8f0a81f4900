package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/nextportal/portal/internal/errkind"
)

// translate is the store's one translation from driver errors to error kinds, wrapping with
// context what: no rows becomes errkind.NotFound, a unique violation errkind.Conflict and a
// busy database errkind.Unavailable. Every feature's sentinel of that kind matches the
// result (errors.Is(err, catalog.ErrNotFound), errors.Is(err, auth.ErrConflict)). The
// client message is what (and what happened); the driver's error stays in the chain for
// the log, and clients never see it.
func translate(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return errkind.Errorf(errkind.NotFound, "%s", what)
	case isUniqueViolation(err):
		return errkind.Errorf(fmt.Errorf("%w: %w", errkind.Conflict, err), "%s: already exists", what)
	case isBusy(err):
		return errkind.Errorf(fmt.Errorf("%w: %w", errkind.Unavailable, err), "%s: the database is busy, retry shortly", what)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

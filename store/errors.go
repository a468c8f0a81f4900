package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/nextportal/portal/catalog"
)

// translate maps driver errors onto the catalog's sentinels, wrapping with context what:
// no rows becomes catalog.ErrNotFound and a unique violation catalog.ErrConflict.
func translate(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, catalog.ErrNotFound)
	case isUniqueViolation(err):
		return fmt.Errorf("%s: %w: %w", what, catalog.ErrConflict, err)
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
}

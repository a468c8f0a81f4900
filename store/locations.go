package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

const locationColumns = "l.id, l.type, l.target, l.created_at"

func scanLocation(sc scanner) (catalog.Location, error) {
	var l catalog.Location
	if err := sc.Scan(&l.ID, &l.Type, &l.Target, &l.CreatedAt); err != nil {
		return l, err
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return l, nil
}

// CreateLocation stores a new location, or returns ErrConflict when one with the same type
// and target exists.
func (db *DB) CreateLocation(ctx context.Context, typ, target string) (catalog.Location, error) {
	if strings.TrimSpace(typ) == "" || strings.TrimSpace(target) == "" {
		return catalog.Location{}, errkind.Errorf(catalog.ErrInvalid, "create location %q: type and target are required", typ+":"+target)
	}
	defer db.lockWrites()()
	l := catalog.Location{ID: uuid.NewString(), Type: typ, Target: target, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	var id string
	err := db.sql.QueryRowContext(ctx, `INSERT INTO locations (id, type, target, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (type, target) DO NOTHING RETURNING id`, l.ID, l.Type, l.Target, l.CreatedAt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Location{}, errkind.Errorf(catalog.ErrConflict, "create location %s: already registered", l.Key())
	}
	if err != nil {
		return catalog.Location{}, translate("create location "+l.Key(), err)
	}
	return l, nil
}

// Locations lists every location, oldest first.
func (db *DB) Locations(ctx context.Context) ([]catalog.Location, error) {
	out, err := collectRows(ctx, db.sql, `SELECT `+locationColumns+` FROM locations l ORDER BY l.created_at, l.id`, nil, scanLocation)
	if err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	return out, nil
}

// Location returns the location with that id, or ErrNotFound.
func (db *DB) Location(ctx context.Context, id string) (catalog.Location, error) {
	l, err := scanLocation(db.sql.QueryRowContext(ctx, `SELECT `+locationColumns+` FROM locations l WHERE l.id = $1`, id))
	if err != nil {
		return catalog.Location{}, translate("location "+id, err)
	}
	return l, nil
}

// LocationOfEntity returns the location that manages the entity with that ref, or ErrNotFound.
func (db *DB) LocationOfEntity(ctx context.Context, ref string) (catalog.Location, error) {
	l, err := scanLocation(db.sql.QueryRowContext(ctx, `SELECT `+locationColumns+`
		FROM locations l JOIN entities e ON e.location_id = l.id WHERE e.ref = $1`, strings.ToLower(ref)))
	if err != nil {
		return catalog.Location{}, translate("location of entity "+ref, err)
	}
	return l, nil
}

// DeleteLocation deletes a location and, by cascade, every entity it emitted with their
// search and relation rows. It returns ErrNotFound when there is none.
func (db *DB) DeleteLocation(ctx context.Context, id string) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `DELETE FROM locations WHERE id = $1`, id)
	return deleted("delete location "+id, res, err)
}

// deleted checks that a DELETE removed a row: ErrNotFound when it removed none.
func deleted(what string, res sql.Result, err error) error {
	if err != nil {
		return translate(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return errkind.Errorf(catalog.ErrNotFound, "%s", what)
	}
	return nil
}

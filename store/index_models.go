package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SaveModel stores the serialized local embedder name and makes it the only active one.
func (db *DB) SaveModel(ctx context.Context, name string, data []byte) error {
	const upsert = `INSERT INTO index_models (name, data, created_at, active) VALUES ($1, $2, $3, true)
		ON CONFLICT (name) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, active = true`
	if data == nil {
		data = []byte{}
	}
	return db.writeIndex(ctx, "save embedding model "+name, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE index_models SET active = false WHERE active`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, upsert, name, data, time.Now().UTC().Truncate(time.Microsecond))
		return err
	})
}

// ActiveModel returns the active local embedder's name and data; ok is false when none has
// been saved.
func (db *DB) ActiveModel(ctx context.Context) (name string, data []byte, ok bool, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT name, data FROM index_models WHERE active`).Scan(&name, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil, false, nil
	case err != nil:
		return "", nil, false, fmt.Errorf("read active embedding model: %w", err)
	}
	return name, data, true, nil
}

// ActiveModelName returns the active local embedder's name without its data, so a
// process can see whether the model changed without reading megabytes; ok is false when
// none has been saved.
func (db *DB) ActiveModelName(ctx context.Context) (name string, ok bool, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT name FROM index_models WHERE active`).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("read active embedding model name: %w", err)
	}
	return name, true, nil
}

package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/nextportal/portal/indexer"
)

// SearchVectorsWith runs SearchVectors with the SET LOCAL statements settings first, and
// reports whether it had to fall back to an exact search.
func (db *DB) SearchVectorsWith(ctx context.Context, q indexer.VectorQuery, settings string) ([]indexer.ChunkHit, bool, error) {
	return db.searchVectors(ctx, q, settings)
}

// ExplainSearchVectors returns PostgreSQL's plan for SearchVectors' query of q, planned
// with the same settings plus settings.
func (db *DB) ExplainSearchVectors(ctx context.Context, q indexer.VectorQuery, settings string) (string, error) {
	b, err := vectorQuery(q)
	if err != nil {
		return "", err
	}
	var lines []string
	err = db.readIndex(ctx, "explain", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, vectorSettings(q.K)+settings); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "EXPLAIN "+b.String(), b.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			lines = append(lines, line)
		}
		return rows.Err()
	})
	return strings.Join(lines, "\n"), err
}

package store

import (
	"context"
	"fmt"

	"github.com/nextportal/portal/indexer"
)

// Document returns the live document with id, with its Text; ok is false when there is none.
func (db *DB) Document(ctx context.Context, id string) (indexer.Document, bool, error) {
	const q = `SELECT ` + docColumns + ` FROM index_documents WHERE NOT deleted AND id = $1`
	var (
		d     indexer.Document
		found bool
	)
	err := scanDocuments(ctx, db.sql, q, []any{id}, func(doc indexer.Document) { d, found = doc, true })
	if err != nil {
		return indexer.Document{}, false, fmt.Errorf("read document %s: %w", id, err)
	}
	return d, found, nil
}

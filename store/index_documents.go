package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

var _ indexer.Store = (*DB)(nil)

// nextSeqs takes n consecutive change numbers inside tx and returns the first. The UPDATE
// locks index_state's row until tx ends, so on PostgreSQL writers commit in seq order and a
// reader of "seq > after" never misses a write committed later with a smaller seq (SQLite
// has a single writer anyway).
func nextSeqs(ctx context.Context, tx *sql.Tx, n int) (int64, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE index_state SET seq = seq + $1 RETURNING seq`, n).Scan(&last); err != nil {
		return 0, fmt.Errorf("take change numbers: %w", err)
	}
	return last - int64(n) + 1, nil
}

// lockChanges takes index_state's row lock before a transaction locks any document or chunk
// row, so that every writer that will take change numbers locks rows in the same order, and
// writers of the same documents wait for each other instead of deadlocking.
func lockChanges(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE index_state SET seq = seq`); err != nil {
		return fmt.Errorf("lock change numbers: %w", err)
	}
	return nil
}

// writeIndex runs fn in a write transaction and commits it.
func (db *DB) writeIndex(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

// DocumentHashes returns id → Hash of the live documents of source.
func (db *DB) DocumentHashes(ctx context.Context, source string) (map[string]string, error) {
	const q = `SELECT id, hash FROM index_documents WHERE source = $1 AND NOT deleted`
	out := map[string]string{}
	err := eachRow(ctx, db.sql, q, []any{source}, func(rows *sql.Rows) error {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return err
		}
		out[id] = hash
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read document hashes of %s: %w", source, err)
	}
	return out, nil
}

// PutDocument stores d (reviving it if it was deleted) and replaces its chunks, in one
// transaction, under a new Seq.
func (db *DB) PutDocument(ctx context.Context, d indexer.Document, cs []indexer.StoredChunk) error {
	const upsert = `INSERT INTO index_documents (id, seq, deleted, kind, source, entity_ref, title, text, url,
		fields, visibility, allowed, updated_at, hash) VALUES ($1, $2, false, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, deleted = false, kind = excluded.kind,
		source = excluded.source, entity_ref = excluded.entity_ref, title = excluded.title, text = excluded.text,
		url = excluded.url, fields = excluded.fields, visibility = excluded.visibility, allowed = excluded.allowed,
		updated_at = excluded.updated_at, hash = excluded.hash`
	fields, err := json.Marshal(d.Fields)
	if err != nil {
		return fmt.Errorf("put document %s: encode fields: %w", d.ID, err)
	}
	return db.writeIndex(ctx, "put document "+d.ID, func(tx *sql.Tx) error {
		seq, err := nextSeqs(ctx, tx, 1)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, upsert, d.ID, seq, d.Kind, d.Source, d.EntityRef, cleanText(d.Title),
			cleanText(d.Text), d.URL, string(fields), string(d.Visibility), db.listArg(d.Allowed),
			d.UpdatedAt.UTC().Truncate(time.Microsecond), d.Hash); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM index_chunks WHERE doc_id = $1`, d.ID); err != nil {
			return fmt.Errorf("delete old chunks: %w", err)
		}
		return db.insertChunks(ctx, tx, d, cs)
	})
}

// insertChunks inserts the chunks of d, with d's visibility and filter values repeated on
// each, in multi-row statements.
func (db *DB) insertChunks(ctx context.Context, tx *sql.Tx, d indexer.Document, cs []indexer.StoredChunk) error {
	const cols = 12
	allowed, filters := db.listArg(d.Allowed), db.listArg(filterValues(d))
	for _, part := range chunks(cs, db.dialect.maxParams/cols) {
		var b builder
		b.WriteString(`INSERT INTO index_chunks (id, doc_id, ord, anchor, heading, text, hash, model, visibility,
			allowed, filter_values, vector) VALUES `)
		for i, c := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			model := c.Model
			if c.Vector == nil {
				model = ""
			}
			fmt.Fprintf(&b, "(%s)", placeholders(&b, []any{c.ID, d.ID, c.Index, c.Anchor, cleanText(c.Heading),
				cleanText(c.Text), c.Hash, model, string(d.Visibility), allowed, filters, db.vectorArg(c.Vector)}))
		}
		if _, err := tx.ExecContext(ctx, b.String(), b.args...); err != nil {
			return fmt.Errorf("insert chunks: %w", err)
		}
	}
	return nil
}

// filterValues are d's filter values as "field=value" strings, plus "source=<Source>": what
// a vector search filters on, matching indexer.Filters.Matches.
func filterValues(d indexer.Document) []string {
	out := []string{indexer.FieldSource + "=" + d.Source}
	for _, k := range slices.Sorted(maps.Keys(d.Fields)) {
		if k == indexer.FieldSource {
			continue
		}
		for _, v := range d.Fields[k] {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// DeleteDocuments tombstones the live documents among ids (emptied, each with a new Seq)
// and deletes their chunks; unknown and already deleted ids are ignored.
func (db *DB) DeleteDocuments(ctx context.Context, ids []string) error {
	return db.writeIndex(ctx, "delete documents", func(tx *sql.Tx) error {
		if err := lockChanges(ctx, tx); err != nil {
			return err
		}
		for _, part := range chunks(ids, db.dialect.maxParams) {
			var b builder
			b.WriteString(`SELECT id FROM index_documents WHERE NOT deleted AND id IN (` + placeholders(&b, part) + `)`)
			live := map[string]bool{}
			if err := collectStrings(ctx, tx, &b, live); err != nil {
				return fmt.Errorf("find live documents: %w", err)
			}
			if len(live) == 0 {
				continue
			}
			sorted := slices.Sorted(maps.Keys(live))
			var del builder
			if _, err := tx.ExecContext(ctx, `DELETE FROM index_chunks WHERE doc_id IN (`+placeholders(&del, sorted)+`)`, del.args...); err != nil {
				return fmt.Errorf("delete chunks: %w", err)
			}
			if err := db.bumpSeqs(ctx, tx, sorted, `, deleted = true, title = '', text = ''`); err != nil {
				return err
			}
		}
		return nil
	})
}

// bumpSeqs gives each document of ids (which must exist) a new Seq, in ids order, and applies
// the extra SET clauses set to them: in multi-row UPDATE ... FROM (VALUES ...) statements
// on PostgreSQL, and a prepared statement on SQLite, whose planner may answer such a join
// by scanning the whole table.
func (db *DB) bumpSeqs(ctx context.Context, tx *sql.Tx, ids []string, set string) error {
	seq, err := nextSeqs(ctx, tx, len(ids))
	if err != nil {
		return err
	}
	if !db.isPostgres() {
		stmt, err := tx.PrepareContext(ctx, `UPDATE index_documents SET seq = $1`+set+` WHERE id = $2`)
		if err != nil {
			return fmt.Errorf("renumber documents: %w", err)
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, seq, id); err != nil {
				return fmt.Errorf("renumber document %s: %w", id, err)
			}
			seq++
		}
		return nil
	}
	for _, part := range chunks(ids, 1000) {
		var b builder
		b.WriteString(`UPDATE index_documents SET seq = v.column2` + set + ` FROM (VALUES `)
		for i, id := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%s::text, %s::bigint)", b.arg(id), b.arg(seq))
			seq++
		}
		b.WriteString(`) AS v WHERE index_documents.id = v.column1`)
		if _, err := tx.ExecContext(ctx, b.String(), b.args...); err != nil {
			return fmt.Errorf("renumber documents: %w", err)
		}
	}
	return nil
}

// DocumentsByIDs returns the live documents with those ids, without their Text.
func (db *DB) DocumentsByIDs(ctx context.Context, ids []string) (map[string]indexer.Document, error) {
	out := make(map[string]indexer.Document, len(ids))
	for _, part := range chunks(ids, db.dialect.maxParams) {
		var b builder
		// docColumns with '' for text, which search results never need.
		q := `SELECT id, kind, source, entity_ref, title, '', url, fields, visibility, allowed, updated_at, hash
			FROM index_documents
			WHERE NOT deleted AND id IN (` + placeholders(&b, part) + `)`
		err := scanDocuments(ctx, db.sql, q, b.args, func(d indexer.Document) { out[d.ID] = d })
		if err != nil {
			return nil, fmt.Errorf("read documents: %w", err)
		}
	}
	return out, nil
}

// querier is what reads need of *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// docColumns are the columns docRow.dest scans, in its order.
const docColumns = `id, kind, source, entity_ref, title, text, url, fields, visibility, allowed, updated_at, hash`

// docRow is a document as read from index_documents, before its encoded columns are decoded.
type docRow struct {
	indexer.Document
	fields, vis string
	allowed     listScan
}

// dest returns the scan destinations of docColumns.
func (r *docRow) dest() []any {
	return []any{&r.ID, &r.Kind, &r.Source, &r.EntityRef, &r.Title, &r.Text, &r.URL, &r.fields, &r.vis,
		&r.allowed, &r.UpdatedAt, &r.Hash}
}

// document decodes the row.
func (r *docRow) document() (indexer.Document, error) {
	d := r.Document
	if err := json.Unmarshal([]byte(r.fields), &d.Fields); err != nil {
		return d, fmt.Errorf("document %s: decode fields: %w", d.ID, err)
	}
	d.Visibility, d.Allowed, d.UpdatedAt = auth.Visibility(r.vis), r.allowed.v, d.UpdatedAt.UTC()
	return d, nil
}

// scanDocuments runs q, which selects docColumns, and calls fn with each document.
func scanDocuments(ctx context.Context, qr querier, q string, args []any, fn func(indexer.Document)) error {
	return eachRow(ctx, qr, q, args, func(rows *sql.Rows) error {
		var r docRow
		if err := rows.Scan(r.dest()...); err != nil {
			return err
		}
		d, err := r.document()
		if err != nil {
			return err
		}
		fn(d)
		return nil
	})
}

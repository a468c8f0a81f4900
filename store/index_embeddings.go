package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/nextportal/portal/indexer"
)

// CachedEmbeddings returns the cached vectors of model for those hashes it has.
func (db *DB) CachedEmbeddings(ctx context.Context, model string, hashes []string) (map[string][]float32, error) {
	out := make(map[string][]float32, len(hashes))
	for _, part := range chunks(hashes, db.dialect.maxParams-1) {
		var b builder
		q := `SELECT hash, vector FROM index_embeddings WHERE model = ` + b.arg(model) +
			` AND hash IN (` + placeholders(&b, part) + `)`
		err := eachRow(ctx, db.sql, q, b.args, func(rows *sql.Rows) error {
			var hash string
			var vec vectorScan
			if err := rows.Scan(&hash, &vec); err != nil {
				return err
			}
			out[hash] = vec.v
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read cached embeddings of %s: %w", model, err)
		}
	}
	return out, nil
}

// PutEmbeddings adds vectors to the cache of model, replacing any it had for those hashes.
func (db *DB) PutEmbeddings(ctx context.Context, model string, vectors map[string][]float32) error {
	if len(vectors) == 0 {
		return nil
	}
	hashes := slices.Sorted(maps.Keys(vectors))
	return db.writeIndex(ctx, "cache embeddings of "+model, func(tx *sql.Tx) error {
		for _, part := range chunks(hashes, db.dialect.maxParams/3) {
			var b builder
			b.WriteString(`INSERT INTO index_embeddings (model, hash, vector) VALUES `)
			for i, h := range part {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(" + placeholders(&b, []any{model, h, db.vectorArg(vectors[h])}) + ")")
			}
			b.WriteString(` ON CONFLICT (model, hash) DO UPDATE SET vector = excluded.vector`)
			if _, err := tx.ExecContext(ctx, b.String(), b.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// PendingChunks returns up to limit chunks whose Model is not model, by chunk ID, without
// vectors. It reads each other model's chunks in ID order from the (model, id) index, so
// that a page costs the same at the end of an embedding run as at its start, rather than
// skipping or sorting every chunk embedded or pending so far.
func (db *DB) PendingChunks(ctx context.Context, model string, limit int) ([]indexer.StoredChunk, error) {
	models, err := db.chunkModels(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chunks not embedded with %s: %w", model, err)
	}
	q := `SELECT id FROM index_chunks WHERE model = $1 ORDER BY id ` + db.dialect.limitOffset(max(limit, 0), 0)
	var ids []string
	for _, m := range models {
		if m == model {
			continue
		}
		got, err := collectRows(ctx, db.sql, q, []any{m}, scanString)
		if err != nil {
			return nil, fmt.Errorf("read chunks not embedded with %s: %w", model, err)
		}
		ids = append(ids, got...)
	}
	slices.Sort(ids)
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	byID, err := db.ChunksByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read chunks not embedded with %s: %w", model, err)
	}
	out := make([]indexer.StoredChunk, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok { // else deleted meanwhile
			out = append(out, c)
		}
	}
	return out, nil
}

// chunkModels returns the distinct models of the chunks ("" for not embedded) by a loose
// scan of the (model, id) index: one index probe per model, however many chunks each has.
func (db *DB) chunkModels(ctx context.Context) ([]string, error) {
	const q = `WITH RECURSIVE m (model) AS (
			SELECT MIN(model) FROM index_chunks
			UNION ALL
			SELECT (SELECT MIN(c.model) FROM index_chunks c WHERE c.model > m.model) FROM m WHERE m.model IS NOT NULL
		)
		SELECT model FROM m WHERE model IS NOT NULL`
	out, err := collectRows(ctx, db.sql, q, nil, scanString)
	if err != nil {
		return nil, fmt.Errorf("list chunk models: %w", err)
	}
	return out, nil
}

// SetChunkVectors sets the vectors of model by chunk ID and gives each document whose chunks
// changed a new Seq, in one transaction; unknown chunk IDs are ignored.
func (db *DB) SetChunkVectors(ctx context.Context, model string, vectors map[string][]float32) error {
	if len(vectors) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(vectors))
	return db.writeIndex(ctx, "store vectors of "+model, func(tx *sql.Tx) error {
		if err := lockChanges(ctx, tx); err != nil {
			return err
		}
		docs := map[string]bool{}
		var err error
		if db.isPostgres() {
			err = db.setVectorsPostgres(ctx, tx, model, ids, vectors, docs)
		} else {
			err = db.setVectorsSQLite(ctx, tx, model, ids, vectors, docs)
		}
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		return db.bumpSeqs(ctx, tx, slices.Sorted(maps.Keys(docs)), "")
	})
}

// setVectorsPostgres updates the chunks in multi-row UPDATE ... FROM (VALUES ...) statements
// and adds the documents it touched to docs.
func (db *DB) setVectorsPostgres(ctx context.Context, tx *sql.Tx, model string, ids []string, vectors map[string][]float32, docs map[string]bool) error {
	for _, part := range chunks(ids, 500) {
		var b builder
		b.WriteString(`UPDATE index_chunks SET model = ` + b.arg(model) + `, vector = v.column2 FROM (VALUES `)
		for i, id := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%s::text, %s::vector)", b.arg(id), b.arg(db.vectorArg(vectors[id])))
		}
		b.WriteString(`) AS v WHERE index_chunks.id = v.column1 RETURNING index_chunks.doc_id`)
		if err := collectStrings(ctx, tx, &b, docs); err != nil {
			return fmt.Errorf("update chunks: %w", err)
		}
	}
	return nil
}

// setVectorsSQLite updates the chunks one prepared statement execution each (an UPDATE
// ... FROM join may scan the whole table on SQLite) and adds the documents it touched to docs.
func (db *DB) setVectorsSQLite(ctx context.Context, tx *sql.Tx, model string, ids []string, vectors map[string][]float32, docs map[string]bool) error {
	stmt, err := tx.PrepareContext(ctx, `UPDATE index_chunks SET model = $1, vector = $2 WHERE id = $3 RETURNING doc_id`)
	if err != nil {
		return fmt.Errorf("update chunks: %w", err)
	}
	defer stmt.Close()
	for _, id := range ids {
		var doc string
		err := stmt.QueryRowContext(ctx, model, db.vectorArg(vectors[id]), id).Scan(&doc)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return fmt.Errorf("update chunk %s: %w", id, err)
		default:
			docs[doc] = true
		}
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/nextportal/portal/indexer"
)

// readIndex runs fn in a read-only transaction: one snapshot of the index tables
// (REPEATABLE READ on PostgreSQL; on SQLite a deferred transaction, which reads one
// snapshot in WAL mode without taking the write lock).
func (db *DB) readIndex(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.isPostgres() {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.sql.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return tx.Commit()
}

// Changes returns up to limit changes with Seq > after, in Seq order; a limit below 1
// means no limit. Documents and chunks are read from one snapshot.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]indexer.Change, error) {
	q := `SELECT ` + docColumns + `, seq, deleted FROM index_documents WHERE seq > $1 ORDER BY seq ` + db.dialect.limitOffset(max(limit, 0), 0)
	var out []indexer.Change
	err := db.readIndex(ctx, "read changes after "+strconv.FormatInt(after, 10), func(tx *sql.Tx) error {
		var live []string
		err := eachRow(ctx, tx, q, []any{after}, func(rows *sql.Rows) error {
			var c indexer.Change
			var d docRow
			if err := rows.Scan(append(d.dest(), &c.Seq, &c.Deleted)...); err != nil {
				return err
			}
			c.DocID = d.ID
			if !c.Deleted {
				var err error
				if c.Document, err = d.document(); err != nil {
					return err
				}
				live = append(live, d.ID)
			}
			out = append(out, c)
			return nil
		})
		if err != nil {
			return err
		}
		byDoc, err := db.chunksOf(ctx, tx, live)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].Chunks = byDoc[out[i].DocID]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// chunksOf returns the chunks of the documents docIDs, with vectors, in Index order.
func (db *DB) chunksOf(ctx context.Context, qr querier, docIDs []string) (map[string][]indexer.StoredChunk, error) {
	out := make(map[string][]indexer.StoredChunk, len(docIDs))
	for _, part := range chunks(docIDs, db.dialect.maxParams) {
		var b builder
		q := `SELECT id, doc_id, ord, anchor, heading, text, hash, model, vector FROM index_chunks
			WHERE doc_id IN (` + placeholders(&b, part) + `) ORDER BY doc_id, ord`
		err := scanChunks(ctx, qr, q, b.args, true, func(c indexer.StoredChunk) {
			out[c.DocID] = append(out[c.DocID], c)
		})
		if err != nil {
			return nil, fmt.Errorf("read chunks: %w", err)
		}
	}
	return out, nil
}

// scanChunks runs q, which selects id, doc_id, ord, anchor, heading, text, hash, model and,
// when withVector, vector, and calls fn with each chunk.
func scanChunks(ctx context.Context, qr querier, q string, args []any, withVector bool, fn func(indexer.StoredChunk)) error {
	return eachRow(ctx, qr, q, args, func(rows *sql.Rows) error {
		var c indexer.StoredChunk
		var vec vectorScan
		dest := []any{&c.ID, &c.DocID, &c.Index, &c.Anchor, &c.Heading, &c.Text, &c.Hash, &c.Model}
		if withVector {
			dest = append(dest, &vec)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		c.Vector = vec.v
		fn(c)
		return nil
	})
}

// LastSeq returns the highest Seq given so far.
func (db *DB) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.sql.QueryRowContext(ctx, `SELECT seq FROM index_state`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("read last change number: %w", err)
	}
	return seq, nil
}

// IndexEpoch returns the random id made when the index tables were created.
func (db *DB) IndexEpoch(ctx context.Context) (string, error) {
	var epoch string
	if err := db.sql.QueryRowContext(ctx, `SELECT epoch FROM index_state`).Scan(&epoch); err != nil {
		return "", fmt.Errorf("read index epoch: %w", err)
	}
	return epoch, nil
}

// ChunksByIDs returns the chunks with those ids, without vectors.
func (db *DB) ChunksByIDs(ctx context.Context, ids []string) (map[string]indexer.StoredChunk, error) {
	out := make(map[string]indexer.StoredChunk, len(ids))
	for _, part := range chunks(ids, db.dialect.maxParams) {
		var b builder
		q := `SELECT id, doc_id, ord, anchor, heading, text, hash, model FROM index_chunks
			WHERE id IN (` + placeholders(&b, part) + `)`
		if err := scanChunks(ctx, db.sql, q, b.args, false, func(c indexer.StoredChunk) { out[c.ID] = c }); err != nil {
			return nil, fmt.Errorf("read chunks by id: %w", err)
		}
	}
	return out, nil
}

// chunkTextPage is how many chunk texts ChunkTexts reads per query: it pages, rather than
// holding one cursor open while fn runs, so that fn may use the store.
const chunkTextPage = 1000

// ChunkTexts calls fn with the text of every chunk in chunk ID order, stopping at the first
// error fn returns.
func (db *DB) ChunkTexts(ctx context.Context, fn func(text string) error) error {
	const q = `SELECT id, text FROM index_chunks WHERE id > $1 ORDER BY id LIMIT $2`
	after := ""
	for {
		var texts []string
		err := eachRow(ctx, db.sql, q, []any{after, chunkTextPage}, func(rows *sql.Rows) error {
			var text string
			err := rows.Scan(&after, &text)
			texts = append(texts, text)
			return err
		})
		if err != nil {
			return fmt.Errorf("read chunk texts: %w", err)
		}
		for _, t := range texts {
			if err := fn(t); err != nil {
				return err
			}
		}
		if len(texts) < chunkTextPage {
			return nil
		}
	}
}

// Stats counts live documents, chunks and chunks embedded with model.
func (db *DB) Stats(ctx context.Context, model string) (indexer.IndexStats, error) {
	const q = `SELECT (SELECT COUNT(*) FROM index_documents WHERE NOT deleted),
		(SELECT COUNT(*) FROM index_chunks), (SELECT COUNT(*) FROM index_chunks WHERE model = $1)`
	var s indexer.IndexStats
	if err := db.sql.QueryRowContext(ctx, q, model).Scan(&s.Documents, &s.Chunks, &s.Vectors); err != nil {
		return s, fmt.Errorf("count index rows: %w", err)
	}
	return s, nil
}

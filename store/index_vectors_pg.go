package store

import (
	"cmp"
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgvector/pgvector-go"

	"github.com/nextportal/portal/indexer"
)

var _ indexer.VectorIndex = (*DB)(nil)

// errNoVectorSearch is returned by the vector search methods on SQLite, where the indexer
// searches its in-process FlatIndex instead.
var errNoVectorSearch = errors.New("vector search in SQL needs PostgreSQL")

// VectorIndex returns db on PostgreSQL, which searches vectors in SQL (pgvector), and nil on
// SQLite, where the indexer keeps its own in-process index.
func (db *DB) VectorIndex() indexer.VectorIndex {
	if db.isPostgres() {
		return db
	}
	return nil
}

// hnswPrefix starts the name of every model's HNSW index on index_chunks.
const hnswPrefix = "index_chunks_hnsw_"

// EnsureVectorIndex makes sure the HNSW cosine index of model's dims-long vectors exists on
// PostgreSQL (creating it, or recreating it for other dims), and drops the HNSW indexes of
// other models, whose rows are re-embedded. It does nothing on SQLite.
func (db *DB) EnsureVectorIndex(ctx context.Context, model string, dims int) error {
	if !db.isPostgres() {
		return nil
	}
	lit, err := quoteLiteral(model)
	if err != nil || dims < 1 {
		return fmt.Errorf("ensure vector index of %q (%d dims): %w", model, dims, cmp.Or(err, indexer.ErrModelMismatch))
	}
	sum := sha1.Sum([]byte(model))
	name := hnswPrefix + hex.EncodeToString(sum[:4])
	cast := "::vector(" + strconv.Itoa(dims) + ")"
	return db.writeIndex(ctx, "ensure vector index of "+model, func(tx *sql.Tx) error {
		existing, err := hnswIndexes(ctx, tx)
		if err != nil {
			return err
		}
		for n, def := range existing {
			if n != name || !strings.Contains(def, cast) {
				if _, err := tx.ExecContext(ctx, `DROP INDEX `+n); err != nil {
					return fmt.Errorf("drop %s: %w", n, err)
				}
			}
		}
		if def, ok := existing[name]; ok && strings.Contains(def, cast) {
			return nil
		}
		// Building the graph in memory is several times faster than spilling to disk.
		if _, err := tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '512MB'`); err != nil {
			return err
		}
		q := `CREATE INDEX ` + name + ` ON index_chunks USING hnsw ((vector` + cast + `) vector_cosine_ops)
			WHERE model = ` + lit
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		// Fresh statistics, so that the planner knows how many chunks the model has and
		// prefers the new index to sorting them all.
		if _, err := tx.ExecContext(ctx, `ANALYZE index_chunks`); err != nil {
			return fmt.Errorf("analyze index_chunks: %w", err)
		}
		db.logger.Info("vector index created", "index", name, "model", model, "dims", dims)
		return nil
	})
}

// hnswIndexes returns name → definition of the models' HNSW indexes in the current schema.
func hnswIndexes(ctx context.Context, tx *sql.Tx) (map[string]string, error) {
	const q = `SELECT indexname, indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename = 'index_chunks' AND starts_with(indexname, $1)`
	out := map[string]string{}
	err := eachRow(ctx, tx, q, []any{hnswPrefix}, func(rows *sql.Rows) error {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		out[name] = def
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list vector indexes: %w", err)
	}
	return out, nil
}

// quoteLiteral returns s as an SQL string literal (standard_conforming_strings, on since
// PostgreSQL 9.1, makes doubling quotes enough).
func quoteLiteral(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("model name %q holds a NUL byte", s)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

// maxEfSearch is pgvector's upper bound for hnsw.ef_search.
const maxEfSearch = 1000

// SearchVectors returns up to q.K chunks of q.Model nearest (cosine) to q.Vector among those
// q.Audience may see and q.Filter accepts, best first. It walks the model's HNSW index with
// pgvector's iterative scan, which keeps scanning until K rows pass the filters; when the
// scan gives up early (hnsw.max_scan_tuples), it searches exactly instead.
func (db *DB) SearchVectors(ctx context.Context, q indexer.VectorQuery) ([]indexer.ChunkHit, error) {
	hits, _, err := db.searchVectors(ctx, q, "")
	return hits, err
}

// searchVectors is SearchVectors, running the SET LOCAL statements settings first (tests
// force plans this way); exact reports whether the exact search was needed.
func (db *DB) searchVectors(ctx context.Context, q indexer.VectorQuery, settings string) (hits []indexer.ChunkHit, exact bool, err error) {
	if !db.isPostgres() {
		return nil, false, errNoVectorSearch
	}
	if q.K < 1 || len(q.Vector) == 0 {
		return nil, false, nil
	}
	b, err := vectorQuery(q)
	if err != nil {
		return nil, false, fmt.Errorf("search vectors: %w", err)
	}
	err = db.readIndex(ctx, "search vectors of "+q.Model, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, vectorSettings(q.K)+settings); err != nil {
			return err
		}
		if hits, err = scanHits(ctx, tx, b); err != nil || len(hits) == q.K {
			return err
		}
		// Fewer than K: the index scan may have stopped before finding every match. Without
		// index scans (and with the others allowed) the same query searches exactly.
		exact = true
		const exactPlan = `SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = on; SET LOCAL enable_bitmapscan = on`
		if _, err := tx.ExecContext(ctx, exactPlan); err != nil {
			return err
		}
		hits, err = scanHits(ctx, tx, b)
		return err
	})
	if err != nil {
		return nil, false, dimsMismatch(err)
	}
	// relaxed_order returns rows nearly, not exactly, in distance order.
	slices.SortFunc(hits, func(a, b indexer.ChunkHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ChunkID, b.ChunkID))
	})
	return hits, exact, nil
}

// vectorSettings are the SET LOCAL statements of a vector search for k rows: iterative index
// scans (pgvector 0.8), so that filters never leave a page short, and a candidate list of
// at least k.
func vectorSettings(k int) string {
	return `SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ` +
		strconv.Itoa(min(max(40, k), maxEfSearch)) + `;`
}

// vectorQuery builds the query of q. The model is a literal, and the distance expression is
// the one EnsureVectorIndex indexes, so that the planner can use the model's partial index.
func vectorQuery(q indexer.VectorQuery) (*builder, error) {
	lit, err := quoteLiteral(q.Model)
	if err != nil {
		return nil, err
	}
	var b builder
	vec := b.arg(pgvector.NewVector(q.Vector))
	dist := "vector::vector(" + strconv.Itoa(len(q.Vector)) + ") <=> " + vec
	b.WriteString(`SELECT id, doc_id, ` + dist + ` FROM index_chunks WHERE model = ` + lit)
	writeAudience(&b, q.Audience)
	writeFilters(&b, q.Filter)
	b.WriteString(` ORDER BY ` + dist + ` LIMIT ` + strconv.Itoa(q.K))
	return &b, nil
}

// writeAudience adds the condition of what a may see.
func writeAudience(b *builder, a indexer.Audience) {
	switch {
	case a.All:
	case a.PublicOnly:
		b.WriteString(` AND visibility = 'public'`)
	default:
		refs := a.Refs
		if refs == nil {
			refs = []string{}
		}
		b.WriteString(` AND (visibility <> 'restricted' OR allowed && ` + b.arg(refs) + `::text[])`)
	}
}

// writeFilters adds one condition per filtered field: the chunk has one of its values.
func writeFilters(b *builder, f indexer.Filters) {
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if len(f[k]) == 0 {
			continue
		}
		vals := make([]string, len(f[k]))
		for i, v := range f[k] {
			vals[i] = k + "=" + v
		}
		b.WriteString(` AND filter_values && ` + b.arg(vals) + `::text[]`)
	}
}

// scanHits runs b's query, which selects id, doc_id and cosine distance.
func scanHits(ctx context.Context, tx *sql.Tx, b *builder) ([]indexer.ChunkHit, error) {
	return collectRows(ctx, tx, b.String(), b.args, func(sc scanner) (indexer.ChunkHit, error) {
		var h indexer.ChunkHit
		var d sql.NullFloat64
		err := sc.Scan(&h.ChunkID, &h.DocID, &d)
		h.Score = similarity(d)
		return h, err
	})
}

// similarity is 1 - cosine distance; a zero vector, whose distance is NaN, scores 0.
func similarity(d sql.NullFloat64) float64 {
	if !d.Valid || math.IsNaN(d.Float64) {
		return 0
	}
	return 1 - d.Float64
}

// Similarities returns cos(vec, chunk) for those of ids embedded with model.
func (db *DB) Similarities(ctx context.Context, model string, vec []float32, ids []string) (map[string]float64, error) {
	if !db.isPostgres() {
		return nil, errNoVectorSearch
	}
	out := make(map[string]float64, len(ids))
	if len(vec) == 0 {
		return out, nil
	}
	for _, part := range chunks(ids, db.dialect.maxParams-2) {
		var b builder
		q := `SELECT id, vector <=> ` + b.arg(pgvector.NewVector(vec)) + ` FROM index_chunks WHERE model = ` +
			b.arg(model) + ` AND id IN (` + placeholders(&b, part) + `)`
		err := eachRow(ctx, db.sql, q, b.args, func(rows *sql.Rows) error {
			var id string
			var d sql.NullFloat64
			if err := rows.Scan(&id, &d); err != nil {
				return err
			}
			out[id] = similarity(d)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("score chunks of %s: %w", model, dimsMismatch(err))
		}
	}
	return out, nil
}

// dimsMismatch marks pgvector's "different vector dimensions" and "expected N dimensions"
// errors as indexer.ErrModelMismatch.
func dimsMismatch(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && strings.Contains(pe.Message, "dimensions") {
		return fmt.Errorf("%w: %w", indexer.ErrModelMismatch, err)
	}
	return err
}

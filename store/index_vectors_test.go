package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// forceIndex keeps the planner off the sequential and bitmap scans it prefers on a table this
// small.
const forceIndex = "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;"

// TestVectorIndexUsedPostgres checks that the HNSW index EnsureVectorIndex builds is the one
// SearchVectors' query can use, that pgvector's iterative scan fills a page through it when
// the nearest chunks are restricted, and that indexes follow the active model.
func TestVectorIndexUsedPostgres(t *testing.T) {
	db := storetest.Postgres(t)
	ctx := t.Context()
	storetest.SeedVectors(t, db)
	// Far chunks, so that the table is large enough for the planner to prefer the HNSW index
	// to reading the model's rows in order and sorting them.
	far := storetest.IndexDoc("doc:far", "docs", auth.VisibilityPublic)
	mustPutDocument(t, db, far, storetest.IndexChunks(far, 3000, storetest.VectorModel, func(i int) []float32 {
		return storetest.AtAngle(1.2 + float64(i)/10000)
	}))
	q := indexer.VectorQuery{Model: storetest.VectorModel, Vector: storetest.AtAngle(0), K: 10,
		Audience: indexer.Audience{Refs: []string{"group:default/team-b"}}}
	usesHNSW := func(q indexer.VectorQuery) bool {
		t.Helper()
		plan, err := db.ExplainSearchVectors(ctx, q, forceIndex)
		if err != nil {
			t.Fatalf("ExplainSearchVectors: %v", err)
		}
		return strings.Contains(plan, "Index Scan using index_chunks_hnsw_")
	}
	if usesHNSW(q) {
		t.Fatal("plan uses an HNSW index before EnsureVectorIndex")
	}
	for range 2 { // the second call finds the index and leaves it
		if err := db.EnsureVectorIndex(ctx, storetest.VectorModel, storetest.VectorDims); err != nil {
			t.Fatalf("EnsureVectorIndex: %v", err)
		}
	}
	if !usesHNSW(q) {
		plan, err := db.ExplainSearchVectors(ctx, q, forceIndex)
		t.Fatalf("plan after EnsureVectorIndex does not use the HNSW index (%v):\n%s", err, plan)
	}

	hits, exact, err := db.SearchVectorsWith(ctx, q, forceIndex)
	if err != nil {
		t.Fatalf("SearchVectors through the index: %v", err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.ChunkID)
	}
	want := []string{"doc:public#0", "doc:internal#0", "doc:public#1", "doc:internal#1", "doc:public#2",
		"doc:internal#2", "doc:public#3", "doc:internal#3", "doc:public#4", "doc:internal#4"}
	if !slices.Equal(got, want) || exact {
		t.Errorf("SearchVectors through the index = %v (exact fallback %v), want %v from the iterative scan", got, exact, want)
	}

	// Without iterative scans the index finds the 40 nearest chunks, all restricted: the
	// exact search must then fill the page.
	hits, exact, err = db.SearchVectorsWith(ctx, q, forceIndex+"SET LOCAL hnsw.iterative_scan = off;")
	got = got[:0]
	for _, h := range hits {
		got = append(got, h.ChunkID)
	}
	if err != nil || !slices.Equal(got, want) || !exact {
		t.Errorf("SearchVectors without iterative scans = %v (exact fallback %v), %v; want %v from the exact search", got, exact, err, want)
	}

	// A filter no chunk passes: the index scan finds nothing, the exact search confirms it.
	q.Filter = indexer.Filters{indexer.FieldOwner: {"group:default/nobody"}}
	if hits, exact, err := db.SearchVectorsWith(ctx, q, forceIndex); err != nil || len(hits) != 0 || !exact {
		t.Errorf("SearchVectors with an unmatched filter = %v, exact %v, %v; want nothing, after an exact search", hits, exact, err)
	}

	// Another model (with a quote in its name) takes over: the old model's index goes.
	if err := db.EnsureVectorIndex(ctx, "other-8's", storetest.VectorDims); err != nil {
		t.Fatalf("EnsureVectorIndex(other model): %v", err)
	}
	q.Filter = nil
	if usesHNSW(q) {
		t.Error("the old model's HNSW index is still used after another model's EnsureVectorIndex")
	}
	if !usesHNSW(indexer.VectorQuery{Model: "other-8's", Vector: storetest.AtAngle(0), K: 10, Audience: indexer.Audience{All: true}}) {
		t.Error("the new model's HNSW index is not used")
	}
	// The same model with other dimensions gets an index for those.
	if err := db.EnsureVectorIndex(ctx, "other-8's", 4); err != nil {
		t.Fatalf("EnsureVectorIndex(4 dims): %v", err)
	}
	if usesHNSW(indexer.VectorQuery{Model: "other-8's", Vector: storetest.AtAngle(0), K: 10, Audience: indexer.Audience{All: true}}) {
		t.Error("an 8-dim query uses the index rebuilt for 4 dims")
	}
}

func mustPutDocument(t *testing.T, db *store.DB, d indexer.Document, chunks []indexer.StoredChunk) {
	t.Helper()
	if err := db.PutDocument(t.Context(), d, chunks); err != nil {
		t.Fatalf("PutDocument(%s): %v", d.ID, err)
	}
}

func TestEnsureVectorIndexSQLiteNoop(t *testing.T) {
	db := storetest.SQLite(t)
	if err := db.EnsureVectorIndex(t.Context(), "m", 8); err != nil {
		t.Errorf("EnsureVectorIndex on SQLite: %v, want nil (a no-op)", err)
	}
	if _, err := db.SearchVectors(t.Context(), indexer.VectorQuery{Model: "m", Vector: []float32{1}, K: 1}); err == nil {
		t.Error("SearchVectors on SQLite succeeded, want an error (the indexer searches in process there)")
	}
}

package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// The 100,000-chunk benchmark index: 1,000 documents of 100 embedded chunks each, owned by
// 20 teams; a tenth public, a fifth restricted to their team, the rest internal.
const (
	benchDocs      = 1000
	benchDocChunks = 100
	benchTeams     = 20
	benchModel     = "lsa-128"
)

// seedIndex100k stores the benchmark index in db and logs how long it took.
func seedIndex100k(b *testing.B, db *store.DB) {
	b.Helper()
	if testing.Short() {
		b.Skip("100,000-chunk index: skipped in -short mode")
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(5, 6))
	space := newBenchSpace(r)
	for i := range benchDocs {
		team := fmt.Sprintf("group:default/team-%02d", i%benchTeams)
		vis := auth.VisibilityInternal
		var allowed []string
		switch i % 10 {
		case 0:
			vis = auth.VisibilityPublic
		case 1, 2:
			vis, allowed = auth.VisibilityRestricted, []string{team}
		}
		d := storetest.IndexDoc(fmt.Sprintf("doc:bench:%04d", i), "docs", vis, allowed...)
		d.Fields = map[string][]string{indexer.FieldOwner: {team}, indexer.FieldKind: {"component"}}
		chunks := storetest.IndexChunks(d, benchDocChunks, benchModel, func(int) []float32 { return space.vector(r) })
		if err := db.PutDocument(b.Context(), d, chunks); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: stored %d chunks in %v", db.Engine(), benchDocs*benchDocChunks, time.Since(start).Round(time.Millisecond))
}

// BenchmarkIndexSearchVectors100k searches the 100,000-chunk index on PostgreSQL through
// its HNSW index, for K=10, as several audiences and with a filter. It reports recall@10
// against the exact search.
func BenchmarkIndexSearchVectors100k(b *testing.B) {
	db := storetest.Postgres(b)
	seedIndex100k(b, db)
	start := time.Now()
	if err := db.EnsureVectorIndex(b.Context(), benchModel, benchDims); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the HNSW index in %v", time.Since(start).Round(time.Millisecond))
	r := rand.New(rand.NewPCG(7, 8))
	space := newBenchSpace(rand.New(rand.NewPCG(5, 6))) // the seeded topics
	queries := make([][]float32, 64)
	for i := range queries {
		queries[i] = space.vector(r)
	}
	viewer := indexer.Audience{Refs: []string{"user:default/jane", "group:default/team-03"}}
	cases := []struct {
		name     string
		audience indexer.Audience
		filter   indexer.Filters
	}{
		{"all", indexer.Audience{All: true}, nil},
		{"viewer", viewer, nil},
		{"anonymous", indexer.Audience{PublicOnly: true}, nil},
		{"viewer-owner-filter", viewer, indexer.Filters{indexer.FieldOwner: {"group:default/team-07"}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			q := indexer.VectorQuery{Model: benchModel, K: 10, Audience: c.audience, Filter: c.filter}
			i := 0
			for b.Loop() {
				q.Vector = queries[i%len(queries)]
				hits, err := db.SearchVectors(b.Context(), q)
				if err != nil || len(hits) != 10 {
					b.Fatalf("SearchVectors = %d hits, %v; want 10", len(hits), err)
				}
				i++
			}
			b.ReportMetric(recallAt10(b, db, q, queries[:16]), "recall@10")
		})
	}
}

// recallAt10 is the mean share of the exact top 10 that SearchVectors finds, over queries.
func recallAt10(b *testing.B, db *store.DB, q indexer.VectorQuery, queries [][]float32) float64 {
	var sum float64
	for _, v := range queries {
		q.Vector = v
		approx, err := db.SearchVectors(b.Context(), q)
		if err != nil {
			b.Fatal(err)
		}
		exact, _, err := db.SearchVectorsWith(b.Context(), q, "SET LOCAL enable_indexscan = off;")
		if err != nil {
			b.Fatal(err)
		}
		found := 0
		for _, h := range exact {
			if slices.ContainsFunc(approx, func(a indexer.ChunkHit) bool { return a.ChunkID == h.ChunkID }) {
				found++
			}
		}
		sum += float64(found) / float64(len(exact))
	}
	return sum / float64(len(queries))
}

// BenchmarkIndexChanges100k reads the whole change feed of the 100,000-chunk index, with
// its vectors, a page of 100 documents at a time: what rebuilding a derived index costs.
func BenchmarkIndexChanges100k(b *testing.B) {
	indexEngines(b, func(b *testing.B, db *store.DB) {
		seedIndex100k(b, db)
		for b.Loop() {
			var after int64
			chunks := 0
			for {
				cs, err := db.Changes(b.Context(), after, 100)
				if err != nil {
					b.Fatal(err)
				}
				if len(cs) == 0 {
					break
				}
				for _, c := range cs {
					chunks += len(c.Chunks)
				}
				after = cs[len(cs)-1].Seq
			}
			if chunks != benchDocs*benchDocChunks {
				b.Fatalf("read %d chunks, want %d", chunks, benchDocs*benchDocChunks)
			}
		}
		b.ReportMetric(float64(benchDocs*benchDocChunks*b.N)/b.Elapsed().Seconds(), "chunks/s")
	})
}

// BenchmarkIndexEmbedPass100k re-embeds the 100,000-chunk index with a new model the way
// the indexer does, without the embedder: pages of 256 pending chunks, each stored with
// SetChunkVectors. It measures what the store adds to an embedding run.
func BenchmarkIndexEmbedPass100k(b *testing.B) {
	indexEngines(b, func(b *testing.B, db *store.DB) {
		seedIndex100k(b, db)
		vec := newBenchSpace(rand.New(rand.NewPCG(9, 10))).vector(rand.New(rand.NewPCG(11, 12)))
		pass := 0
		for b.Loop() {
			model := fmt.Sprintf("pass-%d", pass)
			n := 0
			for {
				pending, err := db.PendingChunks(b.Context(), model, 256)
				if err != nil {
					b.Fatal(err)
				}
				if len(pending) == 0 {
					break
				}
				vectors := make(map[string][]float32, len(pending))
				for _, c := range pending {
					vectors[c.ID] = vec
				}
				if err := db.SetChunkVectors(b.Context(), model, vectors); err != nil {
					b.Fatal(err)
				}
				n += len(pending)
			}
			if n != benchDocs*benchDocChunks {
				b.Fatalf("embedded %d chunks, want %d", n, benchDocs*benchDocChunks)
			}
			pass++
		}
		b.ReportMetric(float64(benchDocs*benchDocChunks*b.N)/b.Elapsed().Seconds(), "chunks/s")
	})
}

package storetest

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// IndexVectors runs the indexer.VectorIndex contract against stores from newStore, which
// must return empty PostgreSQL databases (SQLite has no VectorIndex). Each case runs
// before and after the model's HNSW index exists: results must be the same.
func IndexVectors(t *testing.T, newStore func(t *testing.T) *store.DB) {
	for _, indexed := range []bool{false, true} {
		name := map[bool]string{false: "Exact", true: "HNSW"}[indexed]
		t.Run(name, func(t *testing.T) {
			db := newStore(t)
			SeedVectors(t, db)
			if indexed {
				if err := db.EnsureVectorIndex(t.Context(), VectorModel, VectorDims); err != nil {
					t.Fatalf("EnsureVectorIndex: %v", err)
				}
			}
			t.Run("Audience", func(t *testing.T) { testVectorAudience(t, db) })
			t.Run("Filters", func(t *testing.T) { testVectorFilters(t, db) })
			t.Run("FillsK", func(t *testing.T) { testVectorFillsK(t, db) })
			t.Run("Similarities", func(t *testing.T) { testVectorSimilarities(t, db) })
		})
	}
	t.Run("SQLiteHasNone", func(t *testing.T) {
		if vi := SQLite(t).VectorIndex(); vi != nil {
			t.Errorf("SQLite VectorIndex() = %v, want nil", vi)
		}
	})
}

// VectorModel and VectorDims are the model of SeedVectors' chunks.
const (
	VectorModel = "contract-8"
	VectorDims  = 8
)

// AtAngle is the unit vector at angle theta from e0 in the e0-e1 plane: its cosine
// similarity to e0 is cos(theta).
func AtAngle(theta float64) []float32 {
	v := make([]float32, VectorDims)
	v[0], v[1] = float32(math.Cos(theta)), float32(math.Sin(theta))
	return v
}

// SeedVectors stores, all embedded with VectorModel:
//   - doc:restricted (team-a only, source docs, owner team-a, tags secret): 300 chunks at angles 0.001..0.3
//   - doc:public (source techdocs, owner team-b, tags go): 10 chunks at angles 0.5..0.59
//   - doc:internal (source catalog, owner team-a, tags java): 10 chunks at angles 0.505..0.595
//   - doc:other, embedded by another model, nearer than all of them.
//
// So the 300 nearest chunks to e0 (AtAngle(0)) are ones most callers may not see.
func SeedVectors(t testing.TB, db *store.DB) {
	t.Helper()
	restricted := IndexDoc("doc:restricted", "docs", auth.VisibilityRestricted, "group:default/team-a")
	restricted.Fields = map[string][]string{indexer.FieldOwner: {"group:default/team-a"}, indexer.FieldTags: {"secret"}}
	mustPut(t, db, restricted, IndexChunks(restricted, 300, VectorModel, func(i int) []float32 { return AtAngle(0.001 * float64(i+1)) }))
	public := IndexDoc("doc:public", "techdocs", auth.VisibilityPublic)
	public.Fields = map[string][]string{indexer.FieldOwner: {"group:default/team-b"}, indexer.FieldTags: {"go"}}
	mustPut(t, db, public, IndexChunks(public, 10, VectorModel, func(i int) []float32 { return AtAngle(0.5 + 0.01*float64(i)) }))
	internal := IndexDoc("doc:internal", "catalog", auth.VisibilityInternal)
	internal.Fields = map[string][]string{indexer.FieldOwner: {"group:default/team-a"}, indexer.FieldTags: {"java"}}
	mustPut(t, db, internal, IndexChunks(internal, 10, VectorModel, func(i int) []float32 { return AtAngle(0.505 + 0.01*float64(i)) }))
	other := IndexDoc("doc:other", "docs", auth.VisibilityPublic)
	mustPut(t, db, other, IndexChunks(other, 5, "other-8", func(int) []float32 { return AtAngle(0) }))
}

// search runs a vector query for e0 and returns "docID#chunk" of the hits, checking that
// they are best first.
func search(t *testing.T, db *store.DB, k int, f indexer.Filters, a indexer.Audience) []string {
	t.Helper()
	hits, err := db.SearchVectors(t.Context(), indexer.VectorQuery{Model: VectorModel, Vector: AtAngle(0), K: k, Filter: f, Audience: a})
	if err != nil {
		t.Fatalf("SearchVectors(k=%d, %v, %+v): %v", k, f, a, err)
	}
	var ids []string
	for i, h := range hits {
		ids = append(ids, h.ChunkID)
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("hit %d (%s, %.4f) scores above hit %d (%.4f)", i, h.ChunkID, h.Score, i-1, hits[i-1].Score)
		}
		if h.DocID == "" || h.Score < -1 || h.Score > 1.0001 {
			t.Errorf("hit %s: doc %q score %v; want a doc and a cosine similarity", h.ChunkID, h.DocID, h.Score)
		}
	}
	return ids
}

// docsOf counts the hits of each document.
func docsOf(ids []string) map[string]int {
	out := map[string]int{}
	for _, id := range ids {
		out[id[:strings.LastIndex(id, "#")]]++
	}
	return out
}

func testVectorAudience(t *testing.T, db *store.DB) {
	tests := []struct {
		name     string
		audience indexer.Audience
		want     map[string]int
	}{
		{"all", indexer.Audience{All: true}, map[string]int{"doc:restricted": 5}},
		{"anonymous", indexer.Audience{PublicOnly: true}, map[string]int{"doc:public": 5}},
		{"team-a member", indexer.Audience{Refs: []string{"user:default/jane", "group:default/team-a"}}, map[string]int{"doc:restricted": 5}},
		{"team-b member", indexer.Audience{Refs: []string{"user:default/joe", "group:default/team-b"}}, map[string]int{"doc:public": 3, "doc:internal": 2}},
		{"no groups", indexer.Audience{}, map[string]int{"doc:public": 3, "doc:internal": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := docsOf(search(t, db, 5, nil, tt.audience)); !maps.Equal(got, tt.want) {
				t.Errorf("top 5 by document = %v, want %v", got, tt.want)
			}
		})
	}
}

func testVectorFilters(t *testing.T, db *store.DB) {
	all := indexer.Audience{All: true}
	tests := []struct {
		name   string
		filter indexer.Filters
		want   map[string]int
	}{
		{"owner", indexer.Filters{indexer.FieldOwner: {"group:default/team-b"}}, map[string]int{"doc:public": 10}},
		{"tags any of", indexer.Filters{indexer.FieldTags: {"go", "java"}}, map[string]int{"doc:public": 10, "doc:internal": 10}},
		{"source", indexer.Filters{indexer.FieldSource: {"catalog"}}, map[string]int{"doc:internal": 10}},
		{"owner and tags", indexer.Filters{indexer.FieldOwner: {"group:default/team-a"}, indexer.FieldTags: {"java", "go"}},
			map[string]int{"doc:internal": 10}},
		{"owner and tags disjoint", indexer.Filters{indexer.FieldOwner: {"group:default/team-b"}, indexer.FieldTags: {"java"}},
			map[string]int{}},
		{"empty values ignored", indexer.Filters{indexer.FieldKind: nil, indexer.FieldSource: {"techdocs"}}, map[string]int{"doc:public": 10}},
		{"unknown value", indexer.Filters{indexer.FieldOwner: {"group:default/nobody"}}, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := docsOf(search(t, db, 30, tt.filter, all)); !maps.Equal(got, tt.want) {
				t.Errorf("top 30 by document = %v, want %v", got, tt.want)
			}
		})
	}
}

// testVectorFillsK checks that a viewer's page is full even though the 300 nearest chunks
// are restricted, and that it holds the nearest visible ones, in order.
func testVectorFillsK(t *testing.T, db *store.DB) {
	got := search(t, db, 10, nil, indexer.Audience{Refs: []string{"group:default/team-b"}})
	want := []string{"doc:public#0", "doc:internal#0", "doc:public#1", "doc:internal#1", "doc:public#2",
		"doc:internal#2", "doc:public#3", "doc:internal#3", "doc:public#4", "doc:internal#4"}
	if !slices.Equal(got, want) {
		t.Errorf("SearchVectors(K=10) for a team-b member = %v, want %v", got, want)
	}
	if got := search(t, db, 40, nil, indexer.Audience{PublicOnly: true}); len(got) != 10 {
		t.Errorf("SearchVectors(K=40) for anonymous = %d hits, want all 10 public chunks", len(got))
	}
	if got := search(t, db, 0, nil, indexer.Audience{All: true}); len(got) != 0 {
		t.Errorf("SearchVectors(K=0) = %v, want nothing", got)
	}
}

func testVectorSimilarities(t *testing.T, db *store.DB) {
	ctx := t.Context()
	ids := []string{"doc:public#0", "doc:restricted#9", "doc:other#0", "doc:missing#0"}
	got, err := db.Similarities(ctx, VectorModel, AtAngle(0), ids)
	if err != nil {
		t.Fatalf("Similarities: %v", err)
	}
	want := map[string]float64{"doc:public#0": math.Cos(0.5), "doc:restricted#9": math.Cos(0.01)}
	if len(got) != len(want) {
		t.Errorf("Similarities = %v, want only %v (other models and missing ids absent)", got, want)
	}
	for id, w := range want {
		if math.Abs(got[id]-w) > 1e-5 {
			t.Errorf("Similarities[%s] = %v, want %v", id, got[id], w)
		}
	}
	_, err = db.SearchVectors(ctx, indexer.VectorQuery{Model: VectorModel, Vector: make([]float32, 3), K: 3, Audience: indexer.Audience{All: true}})
	if !errors.Is(err, indexer.ErrModelMismatch) {
		t.Errorf("SearchVectors with a 3-dim vector for an 8-dim model: %v, want ErrModelMismatch", err)
	}
	_, err = db.Similarities(ctx, VectorModel, make([]float32, 3), ids)
	if !errors.Is(err, indexer.ErrModelMismatch) {
		t.Errorf("Similarities with a 3-dim vector for an 8-dim model: %v, want ErrModelMismatch", err)
	}
}

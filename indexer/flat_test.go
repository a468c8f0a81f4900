package indexer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nextportal/portal/auth"
)

// flatDocChange is the change of Seq seq writing a document with one chunk per vector,
// embedded with model.
func flatDocChange(seq int64, d Document, model string, vecs ...[]float32) Change {
	chunks := make([]StoredChunk, len(vecs))
	for i, v := range vecs {
		chunks[i] = StoredChunk{ID: fmt.Sprintf("%s#%d", d.ID, i), DocID: d.ID, Index: i, Model: model, Vector: v}
	}
	return Change{Seq: seq, DocID: d.ID, Document: d, Chunks: chunks}
}

// randomVec is a random vector of n dims, not normalised.
func randomVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// bruteCos is the cosine similarity of a and b in float64.
func bruteCos(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

func TestFlatSearchExact(t *testing.T) {
	const dims, docs = 32, 400
	r := rand.New(rand.NewPCG(1, 2))
	f := NewFlatIndex()
	type chunk struct {
		id  string
		doc Document
		vec []float32
	}
	var all []chunk
	var changes []Change
	for i := range docs {
		d := Document{ID: fmt.Sprintf("doc:%03d", i), Source: []string{"catalog", "docs"}[i%2],
			Fields:     map[string][]string{FieldKind: {[]string{"component", "api", "group"}[i%3]}},
			Visibility: []auth.Visibility{auth.VisibilityPublic, auth.VisibilityInternal, auth.VisibilityRestricted}[i%3]}
		if d.Visibility == auth.VisibilityRestricted {
			d.Allowed = []string{fmt.Sprintf("group:default/g%d", i%5)}
		}
		var vecs [][]float32
		for range 1 + i%3 {
			vecs = append(vecs, randomVec(r, dims))
		}
		c := flatDocChange(int64(i+1), d, "m1", vecs...)
		changes = append(changes, c)
		for _, sc := range c.Chunks {
			all = append(all, chunk{sc.ID, d, sc.Vector})
		}
	}
	// Chunks of another model and unembedded chunks are never returned.
	changes = append(changes, flatDocChange(docs+1, Document{ID: "doc:other", Visibility: auth.VisibilityPublic}, "m2", randomVec(r, dims)))
	changes = append(changes, Change{Seq: docs + 2, DocID: "doc:plain", Document: Document{ID: "doc:plain", Visibility: auth.VisibilityPublic},
		Chunks: []StoredChunk{{ID: "doc:plain#0", DocID: "doc:plain"}}})
	f.apply(changes)

	tests := []struct {
		name   string
		k      int
		filter Filters
		aud    Audience
	}{
		{"all", 10, nil, Audience{All: true}},
		{"anonymous", 10, nil, Audience{PublicOnly: true}},
		{"group member", 25, nil, Audience{Refs: []string{"group:default/g2"}}},
		{"filter", 10, Filters{FieldKind: {"api"}, FieldSource: {"docs"}}, Audience{Refs: []string{"group:default/g1"}}},
		{"k above matches", 5000, Filters{FieldKind: {"group"}}, Audience{Refs: []string{"group:default/g0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := randomVec(r, dims)
			var want []ChunkHit
			for _, c := range all {
				if tt.aud.CanSee(c.doc.Visibility, c.doc.Allowed) && tt.filter.Matches(c.doc.Fields, c.doc.Source) {
					want = append(want, ChunkHit{ChunkID: c.id, DocID: c.doc.ID, Score: bruteCos(q, c.vec)})
				}
			}
			slices.SortFunc(want, func(a, b ChunkHit) int { return -cmpFloat(a.Score, b.Score) })
			want = want[:min(tt.k, len(want))]
			if len(want) == 0 {
				t.Fatal("no chunk matches: the case proves nothing")
			}

			// One scan, and the scan in parts (three, whatever the machine's CPUs).
			defer func(was, procs int) { flatShardMin = was; runtime.GOMAXPROCS(procs) }(flatShardMin, runtime.GOMAXPROCS(3))
			for _, shard := range []int{flatShardMin, 100} {
				flatShardMin = shard
				got, err := f.SearchVectors(t.Context(), VectorQuery{Model: "m1", Vector: q, K: tt.k, Filter: tt.filter, Audience: tt.aud})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-5 })); diff != "" {
					t.Errorf("SearchVectors, parts of %d chunks (-brute force +got):\n%s", shard, diff)
				}
			}
		})
	}
}

// cmpFloat orders a and b ascending.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestFlatApply(t *testing.T) {
	pub := func(id string) Document { return Document{ID: id, Visibility: auth.VisibilityPublic} }
	x, y, z := []float32{1, 0, 0}, []float32{0, 1, 0}, []float32{0, 0, 1}
	f := NewFlatIndex()
	f.apply([]Change{
		flatDocChange(1, pub("a"), "m", x, y, z),
		flatDocChange(2, pub("b"), "m", y),
		flatDocChange(3, pub("c"), "m", z, x),
	})
	if f.len() != 6 || f.lastSeq() != 3 {
		t.Fatalf("after adding: len %d, seq %d; want 6, 3", f.len(), f.lastSeq())
	}
	// Replace a with one chunk, delete c, apply b again unchanged.
	f.apply([]Change{flatDocChange(4, pub("a"), "m", y), {Seq: 5, DocID: "c", Deleted: true}, flatDocChange(6, pub("b"), "m", y)})
	if f.len() != 2 || f.lastSeq() != 6 {
		t.Fatalf("after replacing: len %d, seq %d; want 2, 6", f.len(), f.lastSeq())
	}
	got, err := f.SearchVectors(t.Context(), VectorQuery{Model: "m", Vector: []float32{0, 2, 0}, K: 10, Audience: Audience{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	want := []ChunkHit{{ChunkID: "a#0", DocID: "a", Score: 1}, {ChunkID: "b#0", DocID: "b", Score: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SearchVectors (-want +got):\n%s", diff)
	}

	sims, err := f.Similarities(t.Context(), "m", []float32{1, 1, 0}, []string{"a#0", "a#1", "c#0", "b#0"})
	if err != nil {
		t.Fatal(err)
	}
	wantSims := map[string]float64{"a#0": 1 / math.Sqrt2, "b#0": 1 / math.Sqrt2}
	if diff := cmp.Diff(wantSims, sims, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-6 })); diff != "" {
		t.Errorf("Similarities (-want +got):\n%s", diff)
	}
	if sims, _ := f.Similarities(t.Context(), "other", []float32{1, 1, 0}, []string{"a#0"}); len(sims) != 0 {
		t.Errorf("Similarities of another model = %v, want none", sims)
	}

	f.reset()
	if f.len() != 0 || f.lastSeq() != 0 {
		t.Errorf("after reset: len %d, seq %d", f.len(), f.lastSeq())
	}
}

func TestFlatLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 vectors")
	}
	const dims, n = 128, 100_000
	r := rand.New(rand.NewPCG(3, 4))
	f := NewFlatIndex()
	var batch []Change
	for i := range n {
		d := Document{ID: fmt.Sprintf("doc:%06d", i), Visibility: auth.VisibilityPublic}
		batch = append(batch, flatDocChange(int64(i+1), d, "m", randomVec(r, dims)))
		if len(batch) == 500 {
			f.apply(batch)
			batch = batch[:0]
		}
	}
	f.apply(batch)
	if f.len() != n {
		t.Fatalf("len = %d, want %d", f.len(), n)
	}
	target := randomVec(r, dims)
	f.apply([]Change{flatDocChange(n+1, Document{ID: "doc:target", Visibility: auth.VisibilityPublic}, "m", target)})
	got, err := f.SearchVectors(t.Context(), VectorQuery{Model: "m", Vector: target, K: 10, Audience: Audience{PublicOnly: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[0].ChunkID != "doc:target#0" {
		t.Errorf("top hit %v of %d, want doc:target#0 of 10", got[0], len(got))
	}
}

func TestFlatDocVectors(t *testing.T) {
	f := NewFlatIndex()
	f.apply([]Change{
		// Two chunks of different lengths: each counts as a unit vector.
		flatDocChange(1, Document{ID: "doc:a"}, "m", []float32{3, 0}, []float32{0, 1}),
		flatDocChange(2, Document{ID: "doc:b"}, "m", []float32{0, 0}, []float32{0, 2}),
		flatDocChange(3, Document{ID: "doc:c"}, "other", []float32{1, 0}),
	})
	got, err := f.DocVectors(t.Context(), "m", []string{"doc:a", "doc:b", "doc:c", "doc:none"})
	if err != nil {
		t.Fatal(err)
	}
	h := float32(1 / math.Sqrt2)
	want := map[string][]float32{"doc:a": {h, h}, "doc:b": {0, 1}}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("DocVectors mismatch (-want +got):\n%s", diff)
	}
}

package indexer

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nextportal/portal/auth"
)

// newBenchFlat returns a FlatIndex of n random dims-long vectors, one chunk per document,
// a third of them restricted to group:default/g0 and with kinds spread over three values.
func newBenchFlat(b *testing.B, n, dims int) (*FlatIndex, *rand.Rand) {
	b.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	f := NewFlatIndex()
	batch := make([]Change, 0, 500)
	for i := range n {
		d := Document{ID: fmt.Sprintf("doc:%06d", i), Source: "docs", Visibility: auth.VisibilityPublic,
			Fields: map[string][]string{FieldKind: {[]string{"component", "api", "group"}[i%3]}}}
		if i%3 == 2 {
			d.Visibility, d.Allowed = auth.VisibilityRestricted, []string{"group:default/g0"}
		}
		batch = append(batch, flatDocChange(int64(i+1), d, "m", randomVec(r, dims)))
		if len(batch) == cap(batch) {
			f.apply(batch)
			batch = batch[:0]
		}
	}
	f.apply(batch)
	return f, r
}

func BenchmarkFlatSearch(b *testing.B) {
	const n, dims = 100_000, 128
	f, r := newBenchFlat(b, n, dims)
	for _, c := range benchCallers {
		b.Run(c.name, func(b *testing.B) {
			q := VectorQuery{Model: "m", Vector: randomVec(r, dims), K: 10, Filter: c.filters, Audience: c.aud}
			for b.Loop() {
				if _, err := f.SearchVectors(b.Context(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFlatApply(b *testing.B) {
	const dims = 128
	r := rand.New(rand.NewPCG(7, 8))
	batch := make([]Change, 500)
	for i := range batch {
		batch[i] = flatDocChange(int64(i+1), Document{ID: fmt.Sprintf("doc:%03d", i)}, "m", randomVec(r, dims))
	}
	f := NewFlatIndex()
	for b.Loop() {
		f.apply(batch)
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "chunks/s")
}

// benchCallers are the callers the search benchmarks run as: one who sees everything, a
// viewer (visibility filtering on), and a viewer with a filter.
var benchCallers = []struct {
	name    string
	filters Filters
	aud     Audience
}{
	{"all", nil, Audience{All: true}},
	{"viewer", nil, Audience{Refs: []string{"user:default/bob"}}},
	{"viewer-filtered", Filters{FieldKind: {"api"}}, Audience{Refs: []string{"user:default/bob"}}},
}

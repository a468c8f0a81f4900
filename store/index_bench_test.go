package store_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// benchDims is the vector size of the index benchmarks: the local LSA embedder's.
const benchDims = 128

// indexEngines runs fn as a sub-benchmark on a fresh SQLite and, when DATABASE_URL is set,
// PostgreSQL database.
func indexEngines(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	engines := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) { fn(b, e.open(b)) })
	}
}

// benchSpace makes vectors like embeddings of texts on a few dozen topics: points near 64
// topic centres in a 16-dimensional latent space, projected into benchDims dimensions, plus
// a little noise. (Uniformly random vectors would make every neighbour search a worst case
// that real embeddings, of low intrinsic dimension, are not.)
type benchSpace struct {
	centres [][]float64 // latent topic centres
	proj    [][]float64 // benchDims × latent projection
}

const benchLatent = 16

func newBenchSpace(r *rand.Rand) benchSpace {
	var s benchSpace
	for range 64 {
		c := make([]float64, benchLatent)
		for j := range c {
			c[j] = r.NormFloat64()
		}
		s.centres = append(s.centres, c)
	}
	for range benchDims {
		row := make([]float64, benchLatent)
		for j := range row {
			row[j] = r.NormFloat64()
		}
		s.proj = append(s.proj, row)
	}
	return s
}

// vector returns a unit vector near a random topic.
func (s benchSpace) vector(r *rand.Rand) []float32 {
	c := s.centres[r.IntN(len(s.centres))]
	z := make([]float64, benchLatent)
	for j := range z {
		z[j] = c[j] + 0.5*r.NormFloat64()
	}
	v := make([]float32, benchDims)
	var ss float64
	for i, row := range s.proj {
		x := 0.05 * r.NormFloat64()
		for j, w := range row {
			x += w * z[j]
		}
		v[i] = float32(x)
		ss += x * x
	}
	for i := range v {
		v[i] /= float32(math.Sqrt(ss))
	}
	return v
}

// BenchmarkIndexPutDocument stores one document of 4 embedded chunks per op, over 1,000
// document ids (so that most puts replace a document).
func BenchmarkIndexPutDocument(b *testing.B) {
	indexEngines(b, func(b *testing.B, db *store.DB) {
		r := rand.New(rand.NewPCG(1, 2))
		space := newBenchSpace(r)
		i := 0
		for b.Loop() {
			d := storetest.IndexDoc(fmt.Sprintf("doc:bench:%d", i%1000), "docs", auth.VisibilityInternal)
			if err := db.PutDocument(b.Context(), d, storetest.IndexChunks(d, 4, "lsa-128", func(int) []float32 {
				return space.vector(r)
			})); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(4*b.N)/b.Elapsed().Seconds(), "chunks/s")
	})
}

// BenchmarkIndexSetChunkVectors stores 256 vectors (of 64 documents) per op, as one page of
// the indexer's embedding loop.
func BenchmarkIndexSetChunkVectors(b *testing.B) {
	indexEngines(b, func(b *testing.B, db *store.DB) {
		r := rand.New(rand.NewPCG(3, 4))
		space := newBenchSpace(r)
		vectors := map[string][]float32{}
		for i := range 64 {
			d := storetest.IndexDoc(fmt.Sprintf("doc:bench:%d", i), "docs", auth.VisibilityInternal)
			chunks := storetest.IndexChunks(d, 4, "", nil)
			if err := db.PutDocument(b.Context(), d, chunks); err != nil {
				b.Fatal(err)
			}
			for _, c := range chunks {
				vectors[c.ID] = space.vector(r)
			}
		}
		for b.Loop() {
			if err := db.SetChunkVectors(b.Context(), "lsa-128", vectors); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(256*b.N)/b.Elapsed().Seconds(), "vectors/s")
	})
}

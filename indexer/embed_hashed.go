package indexer

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
)

// Hashed is an Embedder that needs no training: each term's sublinear frequency
// (1 + ln tf) is added, with a sign, to a bucket chosen by feature hashing
// (FNV-1a), and the sum is L2-normalised. Stopword removal stands in for IDF.
// It is the fallback before there is enough text to train an LSA model, and
// is safe for concurrent use.
type Hashed struct {
	dims int
}

// NewHashed returns a hashed embedder with dims buckets; dims below 1 panics.
func NewHashed(dims int) *Hashed {
	if dims < 1 {
		panic(fmt.Sprintf("indexer: NewHashed(%d): dims must be positive", dims))
	}
	return &Hashed{dims: dims}
}

// Dims returns the vector length.
func (h *Hashed) Dims() int { return h.dims }

// Model returns "hashed-tfidf-<dims>".
func (h *Hashed) Model() string { return fmt.Sprintf("hashed-tfidf-%d", h.dims) }

// Embed returns one unit vector per text (the zero vector for a text with no terms).
func (h *Hashed) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return embedEach(ctx, texts, h.embed)
}

func (h *Hashed) embed(text string) []float32 {
	v := make([]float64, h.dims)
	counts := termCounts(text)
	// Sorted, so that float sums in a shared bucket are added in a fixed order.
	for _, term := range slices.Sorted(maps.Keys(counts)) {
		tf := counts[term]
		f := fnv.New64a()
		f.Write([]byte(term))
		sum := f.Sum64()
		// The top bit picks the sign, so colliding terms tend to cancel rather than add up.
		w := sublinearTF(tf)
		if sum>>63 == 1 {
			w = -w
		}
		v[(sum&(1<<63-1))%uint64(h.dims)] += w
	}
	return normalise(v)
}

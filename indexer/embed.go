package indexer

import (
	"context"
	"math"
)

// Embedder turns texts into vectors of Dims() floats, each L2-normalised (a text
// with no terms may give the zero vector). Vectors from different Model() values
// are not comparable.
type Embedder interface {
	// Embed returns one vector per text, in order. It stops between batches
	// when ctx is cancelled and returns the ctx error.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Dims is the length of every vector Embed returns.
	Dims() int
	// Model names the embedding model; it is stored with vectors, and a change
	// means everything must be re-embedded.
	Model() string
}

// embedBatch is how many texts the local embedders embed between ctx checks.
const embedBatch = 64

// embedEach applies one to every text, checking ctx before each batch.
func embedEach(ctx context.Context, texts []string, one func(string) []float32) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%embedBatch == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = one(t)
	}
	return out, nil
}

// normalise scales v to unit L2 norm in place; the zero vector stays zero.
func normalise(v []float64) []float32 {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	out := make([]float32, len(v))
	if ss == 0 {
		return out
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		out[i] = float32(x * inv)
	}
	return out
}

// termCounts counts each distinct term of text.
func termCounts(text string) map[string]int {
	counts := make(map[string]int)
	for _, t := range Terms(text) {
		counts[t]++
	}
	return counts
}

// sublinearTF is the dampened term frequency 1 + ln(tf).
func sublinearTF(tf int) float64 {
	return 1 + math.Log(float64(tf))
}

package indexer

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The randomized SVD must agree with an exact SVD on the leading singular values
// and vectors of a sparse matrix with a decaying spectrum.
func TestRandomizedSVDMatchesExact(t *testing.T) {
	const rows, cols, k = 300, 120, 10
	rng := rand.New(rand.NewPCG(3, 4))
	a := &sparseCols{rows: rows}
	dense := mat.NewDense(rows, cols, nil)
	for j := range cols {
		var col []sparseEntry
		for i := range rows {
			// A few strong topics plus sparse noise.
			w := 0.0
			if i%12 == j%12 {
				w = 1/float64(1+j%12) + 0.01*rng.Float64()
			} else if rng.Float64() < 0.03 {
				w = 0.3 * rng.Float64()
			}
			if w != 0 {
				col = append(col, sparseEntry{i, w})
				dense.Set(i, j, w)
			}
		}
		a.cols = append(a.cols, col)
	}
	u, sigma := randomizedSVD(a, k, 1)
	var exact mat.SVD
	if !exact.Factorize(dense, mat.SVDThin) {
		t.Fatal("exact svd failed")
	}
	want := exact.Values(nil)
	var wantU mat.Dense
	exact.UTo(&wantU)
	compared := 0
	for c := range k {
		if math.Abs(sigma[c]-want[c]) > 1e-3*want[0] {
			t.Errorf("sigma[%d] = %.5f, want %.5f", c, sigma[c], want[c])
		}
		// Singular vectors agree up to sign where the gap to the next value is clear.
		if want[c]-want[c+1] < 0.05*want[0] {
			continue
		}
		compared++
		var dot float64
		for i := range rows {
			dot += u[i*k+c] * wantU.At(i, c)
		}
		if math.Abs(math.Abs(dot)-1) > 1e-3 {
			t.Errorf("singular vector %d: |cos| with exact = %.5f, want 1", c, math.Abs(dot))
		}
	}
	if compared == 0 {
		t.Fatal("no singular vector had a clear gap; the test checks nothing")
	}
}

package indexer

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
)

// How agreement is measured: lsaProbes training texts, evenly spaced, are each compared
// with every other text, and their lsaProbeDepth nearest neighbours by TF-IDF cosine and
// by latent cosine are compared. Across probe samples shifted by a few texts the estimate's
// standard deviation was 0.006–0.013 on the IR sets (cacm the most). At 100,000 chunks
// they cost a few seconds of CPU, within the noise of training's 17–21 s, and the n×k
// latent vectors (100 MB) stay below training's own peak.
const (
	lsaProbes     = 200
	lsaProbeDepth = 10
)

// lexicalAgreement estimates how far the model keeps the word neighbourhoods of its own
// training corpus: for probe texts, the share of a text's nearest neighbours by TF-IDF
// cosine that are also its nearest by latent cosine (the text itself left out), averaged.
// A model whose dimensions capture the corpus's topics (a focused corpus of texts long
// enough to share vocabulary) scores high; one that blurs them (many short, varied texts
// for its dimensions) scores low. Hybrid search gives the latent half weight only when it
// is high (see tuning.latentWeight).
//
// Whole texts rather than short queries cut from them are the probes because they
// separate the corpora better: on med, cisi, cacm and npl short probes measured 0.555,
// 0.44, 0.46 and 0.28 (cacm, where the latent cosine hurts most, above cisi, 0.1 below
// med), whole texts 0.67, 0.54, 0.47 and 0.31 (the demo set 0.80 and 0.89).
func (m *LSA) lexicalAgreement(a *sparseCols) float64 {
	n := len(a.cols)
	if n < 2*lsaProbeDepth {
		return 0
	}
	// Every text's unit latent vector, row-major n×k.
	z := a.mulT(blas64.General{Rows: a.rows, Cols: m.k, Stride: m.k, Data: m.basis})
	for j := range n {
		row := z.Data[j*m.k : (j+1)*m.k]
		var ss float64
		for _, x := range row {
			ss += x * x
		}
		if ss > 0 {
			inv := 1 / math.Sqrt(ss)
			for c := range row {
				row[c] *= inv
			}
		}
	}
	// Postings: for each vocabulary row, the texts holding it with their weights.
	post := make([][]sparseEntry, a.rows)
	for j, col := range a.cols {
		for _, e := range col {
			post[e.row] = append(post[e.row], sparseEntry{j, e.w})
		}
	}
	lex := make([]float64, n)
	lat := make([]float64, n)
	var sum float64
	var probes int
	step := max(1, n/lsaProbes)
	for i := 0; i < n && probes < lsaProbes; i += step {
		if len(a.cols[i]) == 0 {
			continue
		}
		clear(lex)
		for _, e := range a.cols[i] {
			for _, p := range post[e.row] {
				lex[p.row] += e.w * p.w
			}
		}
		zi := z.Data[i*m.k : (i+1)*m.k]
		for j := range n {
			var d float64
			zr := z.Data[j*m.k : (j+1)*m.k]
			for c, x := range zi {
				d += x * zr[c]
			}
			lat[j] = d
		}
		lex[i], lat[i] = math.Inf(-1), math.Inf(-1) // a text is not its own neighbour
		top := topIndexes(lex, lsaProbeDepth)
		var common int
		for _, j := range topIndexes(lat, lsaProbeDepth) {
			if slices.Contains(top, j) {
				common++
			}
		}
		sum += float64(common) / lsaProbeDepth
		probes++
	}
	if probes == 0 {
		return 0
	}
	return sum / float64(probes)
}

// topIndexes returns the indexes of the k largest scores, largest first (ties by index).
func topIndexes(scores []float64, k int) []int {
	top := make([]int, 0, k+1)
	less := func(a, b int) int { return cmp.Or(cmp.Compare(scores[b], scores[a]), cmp.Compare(a, b)) }
	for j := range scores {
		if len(top) == k && less(j, top[k-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, j, less)
		top = slices.Insert(top, i, j)
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
}

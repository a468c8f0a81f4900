package indexer

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
)

// How agreement is measured: lsaProbes training texts, evenly spaced, each give a probe
// query of lsaProbeTerms consecutive terms from a third of the way in, and the top
// lsaProbeDepth texts of each ranking are compared. 200 probes put the estimate's standard
// error near 0.015 (60 moved it by up to 0.06); at 100,000 chunks they cost a few seconds
// of CPU, within the noise of training's 17–21 s, and the n×k latent vectors (100 MB) stay
// below training's own peak.
const (
	lsaProbes     = 200
	lsaProbeTerms = 8
	lsaProbeDepth = 10
)

// lexicalAgreement estimates how far the model agrees with keyword matching on its own
// training corpus: for short probe queries cut from the texts, the share of the top
// texts by TF-IDF cosine that are also top texts by latent cosine, averaged. A model that
// keeps a corpus's word neighbourhoods (a small or focused corpus) scores high; one that
// blurs them (many short, varied texts for its dimensions) scores low. Hybrid search gives
// the latent half more weight the higher it is (see tuning.latentWeight).
func (m *LSA) lexicalAgreement(texts []string, a *sparseCols) float64 {
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
		toks := Terms(texts[i])
		from := len(toks) / 3
		toks = toks[from:min(len(toks), from+lsaProbeTerms)]
		counts := make(map[string]int, len(toks))
		for _, t := range toks {
			counts[t]++
		}
		q := m.weights(counts)
		if len(q) == 0 {
			continue
		}
		clear(lex)
		qv := make([]float64, m.k)
		for _, e := range q {
			for _, p := range post[e.row] {
				lex[p.row] += e.w * p.w
			}
			row := m.basis[e.row*m.k : (e.row+1)*m.k]
			for c, x := range row {
				qv[c] += e.w * x
			}
		}
		for j := range n {
			var d float64
			zr := z.Data[j*m.k : (j+1)*m.k]
			for c, x := range qv {
				d += x * zr[c]
			}
			lat[j] = d
		}
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

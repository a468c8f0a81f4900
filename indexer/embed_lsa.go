package indexer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// ErrTooFewDocs is returned by TrainLSA when the corpus is too small for the
// requested number of dimensions; callers then fall back to Hashed.
var ErrTooFewDocs = errors.New("too few documents to train lsa")

const (
	lsaMaxVocab   = 50_000 // most frequent terms kept, by document frequency
	lsaOversample = 10     // extra sketch columns beyond k (Halko et al.)
	lsaPowerIters = 2      // power iterations; each sharpens the spectrum
)

// LSA is an Embedder from latent semantic analysis trained on a corpus: a text's
// TF-IDF vector over the training vocabulary is projected onto the top k
// term-space singular vectors of the corpus's term-document matrix. Texts that
// share no words can still land close when their words co-occur in the corpus.
// It is immutable after training and safe for concurrent use.
type LSA struct {
	k     int
	vocab map[string]int
	idf   []float64
	basis []float64 // len(vocab)×k, row-major: row i holds term i's loadings
	sigma []float64
	model string
	// agreement is lexicalAgreement on the training corpus; measured says it was taken
	// (a model saved in format 1 has none, and is trained again: see needsTraining).
	agreement float64
	measured  bool
}

// TrainLSA trains an LSA embedder with k dimensions on docs, using seed for the
// random sketch so that the same docs, k and seed give the same model. k is
// lowered to the rank the corpus supports; fewer than k+10 documents give
// ErrTooFewDocs.
func TrainLSA(docs []string, k int, seed uint64) (*LSA, error) {
	if k < 1 {
		return nil, fmt.Errorf("train lsa: k %d must be positive", k)
	}
	if len(docs) < k+lsaOversample {
		return nil, fmt.Errorf("train lsa with k %d on %d docs: %w", k, len(docs), ErrTooFewDocs)
	}
	corpus := countCorpus(docs)
	terms, df := corpus.vocabulary()
	if len(terms) == 0 {
		return nil, fmt.Errorf("train lsa: no term occurs in two documents: %w", ErrTooFewDocs)
	}
	m := &LSA{vocab: make(map[string]int, len(terms)), idf: make([]float64, len(terms))}
	n := float64(len(docs))
	row := make([]int, len(corpus.names)) // corpus term id -> vocabulary row, or -1
	for i := range row {
		row[i] = -1
	}
	for i, t := range terms {
		m.vocab[t] = i
		m.idf[i] = math.Log((1+n)/(1+float64(df[i]))) + 1
		row[corpus.ids[t]] = i
	}
	a := &sparseCols{rows: len(terms)}
	for _, doc := range corpus.docs {
		col := make([]sparseEntry, 0, len(doc))
		for _, tc := range doc {
			if r := row[tc.id]; r >= 0 {
				col = append(col, sparseEntry{r, sublinearTF(int(tc.n)) * m.idf[r]})
			}
		}
		a.cols = append(a.cols, unitColumn(col))
	}
	u, sigma := randomizedSVD(a, k, seed)
	m.k, m.sigma = len(sigma), sigma
	m.basis = u
	m.agreement, m.measured = m.lexicalAgreement(a), true
	m.model = fmt.Sprintf("lsa-%d-%s", m.k, vocabHash(terms, df, len(docs), seed))
	return m, nil
}

// corpusCounts holds every document's term counts compactly: terms are numbered once for
// the corpus, so a document is a short slice instead of a map (at 100,000 chunks the maps
// took most of training's memory).
type corpusCounts struct {
	ids   map[string]int32
	names []string
	docs  [][]termCount
}

// termCount is how often term id occurs in one document.
type termCount struct{ id, n int32 }

// countCorpus counts the terms of every document.
func countCorpus(docs []string) *corpusCounts {
	c := &corpusCounts{ids: make(map[string]int32), docs: make([][]termCount, len(docs))}
	for i, d := range docs {
		counts := termCounts(d)
		tcs := make([]termCount, 0, len(counts))
		for t, n := range counts {
			id, ok := c.ids[t]
			if !ok {
				id = int32(len(c.names))
				c.ids[t] = id
				c.names = append(c.names, t)
			}
			tcs = append(tcs, termCount{id, int32(n)})
		}
		c.docs[i] = tcs
	}
	return c
}

// vocabulary returns the terms found in at least two documents, most frequent first (ties
// by term), capped at lsaMaxVocab, with their document frequencies.
func (c *corpusCounts) vocabulary() ([]string, []int) {
	dfs := make([]int, len(c.names))
	for _, doc := range c.docs {
		for _, tc := range doc {
			dfs[tc.id]++
		}
	}
	var terms []string
	for id, n := range dfs {
		if n >= 2 {
			terms = append(terms, c.names[id])
		}
	}
	slices.SortFunc(terms, func(a, b string) int {
		return cmp.Or(cmp.Compare(dfs[c.ids[b]], dfs[c.ids[a]]), cmp.Compare(a, b))
	})
	terms = terms[:min(len(terms), lsaMaxVocab)]
	df := make([]int, len(terms))
	for i, t := range terms {
		df[i] = dfs[c.ids[t]]
	}
	return terms, df
}

// lsaVersion names how the model is trained and how text becomes terms; it is part of the
// model name, so a change re-embeds every chunk. 2: terms from the index's own analyser
// (Porter2 stems, Snowball stop words, one-letter words kept).
const lsaVersion = 2

// vocabHash is a short, stable name for the training vocabulary and settings.
func vocabHash(terms []string, df []int, docs int, seed uint64) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "v%d %d %d\n", lsaVersion, docs, seed)
	for i, t := range terms {
		fmt.Fprintf(h, "%s %d\n", t, df[i])
	}
	return fmt.Sprintf("%08x", uint32(h.Sum64()))
}

// weights returns the unit-length TF-IDF vector of counts over the vocabulary,
// as entries sorted by term index.
func (m *LSA) weights(counts map[string]int) []sparseEntry {
	var col []sparseEntry
	for t, tf := range counts {
		i, ok := m.vocab[t]
		if !ok {
			continue
		}
		col = append(col, sparseEntry{i, sublinearTF(tf) * m.idf[i]})
	}
	return unitColumn(col)
}

// unitColumn sorts col by row and scales it to unit length. It sums in row order, not map
// order, so that the same text always gives the same bits: training amplifies last-bit
// differences where singular values are close.
func unitColumn(col []sparseEntry) []sparseEntry {
	slices.SortFunc(col, func(a, b sparseEntry) int { return cmp.Compare(a.row, b.row) })
	var ss float64
	for _, e := range col {
		ss += e.w * e.w
	}
	for i := range col {
		col[i].w /= math.Sqrt(ss)
	}
	return col
}

// Dims returns k, the number of dimensions after training.
func (m *LSA) Dims() int { return m.k }

// Model returns "lsa-<k>-<hash of the vocabulary>".
func (m *LSA) Model() string { return m.model }

// SingularValues returns the k singular values of the training matrix, largest first.
func (m *LSA) SingularValues() []float64 { return slices.Clone(m.sigma) }

// Embed returns one unit vector per text (the zero vector for a text with no
// vocabulary terms).
func (m *LSA) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return embedEach(ctx, texts, m.embed)
}

func (m *LSA) embed(text string) []float32 {
	v := make([]float64, m.k)
	for _, e := range m.weights(termCounts(text)) {
		row := m.basis[e.row*m.k : (e.row+1)*m.k]
		for c, x := range row {
			v[c] += e.w * x
		}
	}
	return normalise(v)
}

// sparseEntry is one nonzero of a sparse column.
type sparseEntry struct {
	row int
	w   float64
}

// sparseCols is a rows×len(cols) matrix stored by column.
type sparseCols struct {
	rows int
	cols [][]sparseEntry
}

// mul returns A·X for X with len(cols) rows.
func (a *sparseCols) mul(x blas64.General) blas64.General {
	y := newGeneral(a.rows, x.Cols)
	for j, col := range a.cols {
		xr := x.Data[j*x.Stride : j*x.Stride+x.Cols]
		for _, e := range col {
			yr := y.Data[e.row*y.Stride : e.row*y.Stride+y.Cols]
			for c, v := range xr {
				yr[c] += e.w * v
			}
		}
	}
	return y
}

// mulT returns Aᵀ·Q for Q with a.rows rows.
func (a *sparseCols) mulT(q blas64.General) blas64.General {
	z := newGeneral(len(a.cols), q.Cols)
	for j, col := range a.cols {
		zr := z.Data[j*z.Stride : j*z.Stride+z.Cols]
		for _, e := range col {
			qr := q.Data[e.row*q.Stride : e.row*q.Stride+q.Cols]
			for c, v := range qr {
				zr[c] += e.w * v
			}
		}
	}
	return z
}

func newGeneral(r, c int) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: make([]float64, r*c)}
}

// randomizedSVD returns the top singular vectors of a's column space (a.rows×k,
// row-major) and their singular values, largest first, by Halko, Martinsson and
// Tropp's randomized range finder with power iterations re-orthonormalised by QR.
// k is lowered to the numerical rank.
func randomizedSVD(a *sparseCols, k int, seed uint64) ([]float64, []float64) {
	l := min(k+lsaOversample, a.rows, len(a.cols))
	rng := rand.New(rand.NewPCG(seed, 0x5eed1e55))
	omega := newGeneral(len(a.cols), l)
	for i := range omega.Data {
		omega.Data[i] = rng.NormFloat64()
	}
	q := orthonormalise(a.mul(omega))
	for range lsaPowerIters {
		q = orthonormalise(a.mul(orthonormalise(a.mulT(q))))
	}
	// B = QᵀA is small (l×n); its left singular vectors, mapped back by Q, are A's.
	z := a.mulT(q)
	b := mat.NewDense(z.Rows, z.Cols, z.Data).T()
	var svd mat.SVD
	if !svd.Factorize(b, mat.SVDThin) {
		panic("indexer: svd of the sketch did not converge")
	}
	values := svd.Values(nil)
	var ub mat.Dense
	svd.UTo(&ub)
	k = min(k, len(values))
	for k > 0 && values[k-1] <= values[0]*1e-10 {
		k--
	}
	var u mat.Dense
	u.Mul(mat.NewDense(q.Rows, q.Cols, q.Data), ub.Slice(0, l, 0, k))
	return u.RawMatrix().Data, values[:k]
}

// orthonormalise replaces g by an orthonormal basis of its columns (thin QR).
func orthonormalise(g blas64.General) blas64.General {
	tau := make([]float64, min(g.Rows, g.Cols))
	q1, q2 := []float64{0}, []float64{0}
	lapack64.Geqrf(g, tau, q1, -1)
	lapack64.Orgqr(g, tau, q2, -1)
	work := make([]float64, max(int(q1[0]), int(q2[0]), g.Rows, g.Cols))
	lapack64.Geqrf(g, tau, work, len(work))
	lapack64.Orgqr(g, tau, work, len(work))
	return g
}

package indexer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
)

// lexRun is one keyword query of hybrid search with its hits, one per document.
type lexRun struct {
	q    lexicalQuery
	hits []ChunkHit
	// scored holds more documents scored by q, outside its top hits (see feedbackFloor).
	scored []ChunkHit
}

// fuseMix is convex fusion over several keyword runs (hybrid's plain BM25 and its RM3
// feedback run): every document any run or vector search found is scored by each run
// (BM25 over the run's best) and by its best chunk's cosine; the runs are mixed by
// tuning.fbMix, the cosine weighted by the agreement-scaled lambda plus, on a corpus the
// LSA model fits and for a query whose vector and BM25 top 10 overlap enough, the cosine
// rescaled to [0, 1] (tuning.latentWeight, tuning.latentOverlap), and the top of the
// list is then smoothed over its nearest neighbours (smooth).
func (s *Service) fuseMix(ctx context.Context, runs []lexRun, vq VectorQuery, vec []ChunkHit, cos map[string]float64) ([]ChunkHit, error) {
	shownBy := make(map[string]string, len(vec)+len(runs[0].hits))
	var cands []string
	for _, r := range runs {
		for _, h := range r.hits {
			if _, ok := shownBy[h.DocID]; !ok {
				cands = append(cands, h.DocID)
			}
			shownBy[h.DocID] = h.ChunkID
		}
	}
	vecScore := make(map[string]float64, len(cands)+len(vec))
	for _, h := range vec {
		if _, ok := shownBy[h.DocID]; !ok {
			cands = append(cands, h.DocID)
		}
		shownBy[h.DocID] = h.ChunkID
		vecScore[h.DocID] = h.Score
	}
	var lexOnly []string
	for _, d := range cands {
		if _, ok := vecScore[d]; !ok {
			lexOnly = append(lexOnly, d)
		}
	}
	// The cosines of the keyword-only candidates and each run's BM25 of the others are
	// independent searches: they run side by side.
	var wg sync.WaitGroup
	var simErr error
	var best []ChunkHit
	if len(lexOnly) > 0 {
		wg.Go(func() { best, simErr = s.docSimilarities(ctx, vq, lexOnly, cos) })
	}
	weights := make([]float64, len(runs))
	for i := range runs {
		weights[i] = 1.0 / float64(len(runs))
		if len(runs) == 2 {
			weights[i] = []float64{1 - tuning.fbMix, tuning.fbMix}[i]
		}
	}
	runScores := make([]map[string]float64, len(runs))
	runErrs := make([]error, len(runs))
	for i, r := range runs {
		if weights[i] == 0 || (i > 0 && sameHits(r.hits, runs[i-1].hits) && weights[i-1] != 0) {
			continue // unweighted, or feedback left the run as it was: the same scores
		}
		wg.Go(func() { runScores[i], runErrs[i] = s.runScores(ctx, r, cands) })
	}
	wg.Wait()
	if err := errors.Join(append(runErrs, simErr)...); err != nil {
		return nil, err
	}
	for _, h := range best {
		vecScore[h.DocID] = h.Score
		shownBy[h.DocID] = h.ChunkID
	}

	fused := make(map[string]float64, len(cands))
	for i, w := range weights {
		if w == 0 {
			continue
		}
		scores := runScores[i]
		if scores == nil {
			scores = runScores[i-1] // the same hits as the run before
		}
		var top float64
		for _, sc := range scores {
			top = max(top, sc)
		}
		if top <= 0 {
			continue
		}
		for d, sc := range scores {
			fused[d] += w * sc / top
		}
	}
	lambda := s.lambda
	if lambda <= 0 {
		lambda = defaultLambda(vq.Model)
	}
	// The vector weight follows the agreement of the two lists: where the embedder
	// finds what BM25 finds it is trusted more, where it disagrees (a corpus it models
	// poorly) BM25 leads.
	lambda *= tuning.agreeBase + tuning.agreeWeight*overlap(byDoc(runs[len(runs)-1].hits), vec, tuning.agreeDepth)
	// On a corpus where the LSA model agrees with keyword matching (see lexicalAgreement)
	// its cosine, rescaled to [0, 1] over the candidates, gets weight of its own.
	var latent float64
	if m, ok := s.emb.current().(*LSA); ok {
		latent = latentWeight(m.agreement, overlap(byDoc(runs[0].hits), vec, 10))
	}
	var rescaled map[string]float64
	if latent > 0 {
		rescaled = maps.Clone(vecScore)
		rescale(rescaled, cands)
	}
	out := make([]ChunkHit, 0, len(cands))
	for _, d := range cands {
		out = append(out, ChunkHit{ChunkID: d, DocID: d, Score: fused[d] + lambda*vecScore[d] + latent*rescaled[d]})
	}
	sortByScore(out)
	if err := s.proximity(ctx, runs[0].q.Text, out); err != nil {
		return nil, err
	}
	if err := s.smooth(ctx, vq.Model, out); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ChunkID = shownBy[out[i].DocID]
	}
	return out, nil
}

// latentWeight is the weight of the rescaled latent cosine in hybrid search, given the LSA
// model's lexical agreement and the share of plain BM25's top 10 documents that vector
// search's top 10 holds for the query: tuning.latentWeight × the agreement ramped from 0 at
// tuning.latentLo to 1 at tuning.latentHi, on a corpus the model fits, but 0 for a query
// whose two lists share less than tuning.latentOverlap (there the latent ranking has
// wandered off the query, and on a corpus the gate let through by mistake that is where it
// costs most).
func latentWeight(agreement, overlap float64) float64 {
	if overlap < tuning.latentOverlap {
		return 0
	}
	return tuning.latentWeight * min(1, max(0, (agreement-tuning.latentLo)/(tuning.latentHi-tuning.latentLo)))
}

// runScores returns the BM25 score under r's query of every document of cands that
// matches it: those r found, and the others scored by a search limited to them.
func (s *Service) runScores(ctx context.Context, r lexRun, cands []string) (map[string]float64, error) {
	scores := make(map[string]float64, len(cands))
	for _, h := range r.scored {
		scores[h.DocID] = h.Score
	}
	for _, h := range r.hits {
		scores[h.DocID] = h.Score
	}
	var missing []string
	for _, d := range cands {
		if _, ok := scores[d]; !ok {
			missing = append(missing, d)
		}
	}
	if len(missing) == 0 {
		return scores, nil
	}
	q := r.q
	q.DocIDs, q.K, q.Floor, q.TopOnly = missing, len(missing), 0, false // every candidate's score, however low
	hits, _, err := s.lex.search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("score fusion candidates by bm25: %w", err)
	}
	for _, h := range hits {
		scores[h.DocID] = max(scores[h.DocID], h.Score)
	}
	return scores, nil
}

// smooth replaces the score of each of the first tuning.smoothDepth hits (ranked, best
// first) by (1 − β)·its score + β·the similarity-weighted mean score of its
// tuning.smoothK nearest neighbours among them (cosine of the documents' vectors; only
// positive similarities count), and re-ranks. Documents like many other good candidates
// rise; an outlier that matched a query word by accident sinks (score regularisation,
// Diaz 2005). It was tuned with the local embedder and runs only with it: the vectors come
// from the vector index when it holds them in memory (FlatIndex, on SQLite), else the
// documents' texts are embedded again.
func (s *Service) smooth(ctx context.Context, model string, ranked []ChunkHit) error {
	beta, k := tuning.smoothBeta, tuning.smoothK
	if beta <= 0 || k <= 0 || s.emb.configured != nil || len(ranked) < 2 {
		return nil
	}
	top := ranked[:min(len(ranked), tuning.smoothDepth)]
	vecs, err := s.docVectors(ctx, model, docIDs(top))
	if err != nil {
		return fmt.Errorf("smooth: %w", err)
	}
	type nb struct {
		j   int
		sim float64
	}
	scores := make([]float64, len(top))
	nbs := make([]nb, 0, len(top))
	for i := range top {
		scores[i] = top[i].Score
		nbs = nbs[:0]
		for j := range top {
			if j == i {
				continue
			}
			if sim := dot(vecs[i], vecs[j]); sim > 0 {
				nbs = append(nbs, nb{j, sim})
			}
		}
		slices.SortFunc(nbs, func(a, b nb) int { return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.j, b.j)) })
		var num, den float64
		for _, n := range nbs[:min(k, len(nbs))] {
			num += n.sim * top[n.j].Score
			den += n.sim
		}
		if den > 0 {
			scores[i] = (1-beta)*top[i].Score + beta*num/den
		}
	}
	for i := range top {
		top[i].Score = scores[i]
	}
	sortByScore(ranked)
	return nil
}

// docVectorer is a VectorIndex that can hand out document vectors cheaply.
type docVectorer interface {
	DocVectors(ctx context.Context, model string, docIDs []string) (map[string][]float32, error)
}

// docVectors returns one unit vector per document of docIDs, in order (nil where there is
// none): from the vector index when it is a docVectorer, else by embedding the texts.
func (s *Service) docVectors(ctx context.Context, model string, docIDs []string) ([][]float32, error) {
	out := make([][]float32, len(docIDs))
	if dv, ok := s.vectors.(docVectorer); ok {
		m, err := dv.DocVectors(ctx, model, docIDs)
		if err != nil {
			return nil, fmt.Errorf("document vectors: %w", err)
		}
		for i, d := range docIDs {
			out[i] = m[d]
		}
		return out, nil
	}
	texts, err := s.docTexts(ctx, docIDs)
	if err != nil {
		return nil, err
	}
	all := make([]string, len(docIDs))
	for i, d := range docIDs {
		all[i] = texts[d]
	}
	vecs, err := s.emb.current().Embed(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("embed documents: %w", err)
	}
	if len(vecs) == len(out) {
		copy(out, vecs)
	}
	return out, nil
}

// docTexts returns the text of each of docIDs as indexed: its chunks' headings and texts,
// in chunk order, one per line. Feedback and proximity read the texts of the top documents
// of every hybrid query; they are kept (textCache) while the store is unchanged.
func (s *Service) docTexts(ctx context.Context, docIDs []string) (map[string]string, error) {
	// The chunks of a document come from the keyword index, their texts from the store:
	// what was read is kept for as long as neither has changed.
	var seq textSeq
	var err error
	if seq.store, err = s.lastSeq(ctx); err != nil {
		return nil, fmt.Errorf("read document texts: %w", err)
	}
	if seq.lex, _, err = s.lex.state(); err != nil {
		return nil, fmt.Errorf("read document texts: %w", err)
	}
	out, missing := s.texts.get(seq, docIDs)
	if len(missing) == 0 {
		return out, nil
	}
	ids, err := s.lex.chunkIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	chunks, err := s.store.ChunksByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read chunks: %w", err)
	}
	parts := make(map[string][]string, len(missing))
	for _, id := range ids {
		if c, ok := chunks[id]; ok {
			parts[c.DocID] = append(parts[c.DocID], c.Heading, c.Text)
		}
	}
	read := make(map[string]string, len(parts))
	for d, p := range parts {
		read[d] = strings.Join(p, "\n")
		out[d] = read[d]
	}
	s.texts.put(seq, read)
	return out, nil
}

// sortByScore orders hits by score, best first, then by document ID.
func sortByScore(hits []ChunkHit) {
	slices.SortFunc(hits, func(a, b ChunkHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.DocID, b.DocID))
	})
}

// sameHits reports whether a and b are the same slice (a run that feedback left as it was).
func sameHits(a, b []ChunkHit) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// dot is the dot product of two vectors of the same length (cosine for unit vectors).
func dot(a, b []float32) float64 {
	var d float64
	for i := range min(len(a), len(b)) {
		d += float64(a[i]) * float64(b[i])
	}
	return d
}

// rescale maps the scores of cands to [0, 1]: (score − min)/(max − min).
func rescale(vs map[string]float64, cands []string) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, d := range cands {
		lo, hi = min(lo, vs[d]), max(hi, vs[d])
	}
	if hi <= lo {
		return
	}
	for _, d := range cands {
		vs[d] = (vs[d] - lo) / (hi - lo)
	}
}

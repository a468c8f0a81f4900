package indexer

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Pseudo-relevance feedback (RM3, Lavrenko and Croft 2001; Abdul-Jaleel et al. 2004) for
// the keyword half of hybrid search: the top documents of a first BM25 pass are taken as
// relevant, their term distribution (weighted by each document's share of the top
// scores) gives expansion terms, and the query is rerun with its own terms mixed with them.
// The depth, term count and mix are kept conservative: a deep or heavy expansion drifts
// away from the query on collections with short documents (cacm, npl).
const (
	fbMinDoc = 2   // an expansion term must occur in at least this many feedback documents
	fbMu     = 1.0 // Dirichlet prior of a document's term distribution, in mean document lengths
)

// expand returns the RM3 query of terms given the first-pass document hits (best first),
// or terms unchanged when there is too little to learn from, and the texts of the feedback
// documents, best first.
func (s *Service) expand(ctx context.Context, terms []bm25Term, first []ChunkHit) ([]bm25Term, []string, error) {
	fbDocs, fbTerms, fbOrigW := tuning.fbDocs, tuning.fbTerms, tuning.fbOrigW
	if len(terms) == 0 || len(first) < fbDocs || fbDocs == 0 {
		return terms, nil, nil
	}
	top := first[:fbDocs]
	texts, err := s.docTexts(ctx, docIDs(top))
	if err != nil {
		return nil, nil, fmt.Errorf("feedback: %w", err)
	}
	fbTexts := make([]string, 0, len(top))
	for _, h := range top {
		fbTexts = append(fbTexts, texts[h.DocID])
	}
	var total float64
	for _, h := range top {
		total += h.Score
	}
	if total <= 0 {
		return terms, fbTexts, nil
	}
	st, err := s.lex.statsLocked()
	if err != nil {
		return nil, nil, fmt.Errorf("feedback: %w", err)
	}
	mu := fbMu * st.level(true).avgLen
	rel := map[string]float64{}
	docsWith := map[string]int{}
	for i, h := range top {
		toks := Terms(fbTexts[i])
		if len(toks) == 0 {
			continue
		}
		tf := map[string]int{}
		for _, t := range toks {
			tf[t]++
		}
		w := h.Score / total
		for t, n := range tf {
			rel[t] += w * float64(n) / (float64(len(toks)) + mu)
			docsWith[t]++
		}
	}
	cands := slices.Collect(maps.Keys(rel))
	cands = slices.DeleteFunc(cands, func(t string) bool { return docsWith[t] < fbMinDoc })
	slices.SortFunc(cands, func(a, b string) int { return cmp.Or(cmp.Compare(rel[b], rel[a]), strings.Compare(a, b)) })
	cands = cands[:min(len(cands), fbTerms)]
	var relSum, qSum float64
	for _, t := range cands {
		relSum += rel[t]
	}
	for _, t := range terms {
		qSum += t.weight
	}
	if relSum <= 0 {
		return terms, fbTexts, nil
	}
	mixed := map[string]float64{}
	for _, t := range terms {
		mixed[t.term] += fbOrigW * t.weight / qSum
	}
	for _, t := range cands {
		mixed[t] += (1 - fbOrigW) * rel[t] / relSum
	}
	out := make([]bm25Term, 0, len(mixed))
	for _, t := range slices.Sorted(maps.Keys(mixed)) {
		// Scaled back to the query's length, so BM25 scores keep their usual size.
		out = append(out, bm25Term{term: t, weight: mixed[t] * qSum})
	}
	return out, fbTexts, nil
}

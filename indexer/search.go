package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/nextportal/portal/auth"
)

// Search runs q for the caller in ctx (auth.FromContext) and returns one page of matching
// documents, best first. Retrieval only ever considers what the caller may see, so the
// page is full whenever enough visible documents match. An invalid query returns an error
// wrapping ErrInvalidQuery.
//
// Each retriever returns the top chunks (at least three times the documents shown up to
// this page, within 100..1000); hybrid mode fuses them (Options.Fusion), and each
// document is ranked by its best chunk, which also gives its snippet.
func (s *Service) Search(ctx context.Context, q Query) (*Results, error) {
	p, err := planQuery(q)
	if err != nil {
		return nil, err
	}
	if s.lex == nil {
		return nil, fmt.Errorf("search: %w", ErrIndexLocked)
	}
	aud := AudienceOf(auth.FromContext(ctx))
	hits, capped, err := s.retrieve(ctx, p, aud, depth(p.offset, p.limit))
	if err != nil {
		return nil, err
	}
	ranked := collapse(hits)
	stored, err := s.store.DocumentsByIDs(ctx, docIDs(ranked))
	if err != nil {
		return nil, fmt.Errorf("read ranked documents: %w", err)
	}
	ranked, docs, leaked := visibleDocs(ranked, stored, aud, p.filters)
	if leaked > 0 {
		s.logger.Warn("search index returned documents the caller may not see",
			slog.Int("count", leaked), slog.String("query_key", p.key))
	}

	lo, hi := min(p.offset, len(ranked)), min(p.offset+p.limit, len(ranked))
	page := ranked[lo:hi]
	chunkIDs := make([]string, len(page))
	for i, h := range page {
		chunkIDs[i] = h.ChunkID
	}
	chunks, err := s.store.ChunksByIDs(ctx, chunkIDs)
	if err != nil {
		return nil, fmt.Errorf("read result chunks: %w", err)
	}
	terms := queryTerms(p.text)
	res := &Results{
		Results:     make([]Result, len(page)),
		Total:       len(ranked),
		TotalCapped: capped,
		Facets:      countFacets(p.facets, docs),
	}
	for i, h := range page {
		res.Results[i] = newResult(h, docs[lo+i], chunks[h.ChunkID], terms)
	}
	if hi < len(ranked) {
		res.NextCursor = encodeCursor(hi, p.key)
	}
	if p.offset > 0 {
		res.PrevCursor = encodeCursor(max(p.offset-p.limit, 0), p.key)
	}
	if res.DidYouMean, err = s.didYouMean(ctx, p.text, aud); err != nil {
		return nil, err
	}
	return res, nil
}

// retrieve returns the candidate chunks of p with their scores (fused in hybrid mode), in
// no particular order, and whether a retriever stopped at k chunks with more matching.
func (s *Service) retrieve(ctx context.Context, p plan, aud Audience, k int) ([]ChunkHit, bool, error) {
	mode := p.mode
	if p.text == "" {
		mode = ModeLexical // nothing to embed: list what the filters match
	}
	lq := lexicalQuery{Text: p.text, Filters: p.filters, Audience: aud, K: k}
	var (
		lex       []ChunkHit
		lexCapped bool
	)
	if mode != ModeVector {
		hits, total, err := s.lex.search(ctx, lq)
		if err != nil {
			return nil, false, fmt.Errorf("lexical search: %w", err)
		}
		lex, lexCapped = hits, total > uint64(len(hits))
		if mode == ModeLexical {
			return lex, lexCapped, nil
		}
	}

	emb := s.emb.current()
	vecs, err := emb.Embed(ctx, []string{p.text})
	if err != nil {
		return nil, false, fmt.Errorf("embed query with %s: %w", emb.Model(), err)
	}
	if len(vecs) != 1 || isZero(vecs[0]) {
		// No term of the query is known to the embedder: it cannot rank anything.
		return lex, lexCapped, nil
	}
	vec := vecs[0]
	vq := VectorQuery{Model: emb.Model(), Vector: vec, K: k, Filter: p.filters, Audience: aud}
	vhits, err := s.vectors.SearchVectors(ctx, vq)
	if err != nil {
		return nil, false, fmt.Errorf("vector search: %w", err)
	}
	vhits = slices.DeleteFunc(vhits, func(h ChunkHit) bool { return h.Score <= 0 }) // shares nothing with the query
	vecCapped := len(vhits) >= k
	if mode == ModeVector {
		return vhits, vecCapped, nil
	}
	fused, err := s.fuse(ctx, lq, vq, lex, vhits)
	return fused, lexCapped || vecCapped, err
}

// fuse combines the lexical and vector candidates. Convex fusion needs both scores of
// every candidate, so it asks each retriever for the chunks only the other one found.
func (s *Service) fuse(ctx context.Context, lq lexicalQuery, vq VectorQuery, lex, vec []ChunkHit) ([]ChunkHit, error) {
	if s.fusion == FusionRRF {
		return fuseRRF(lex, vec), nil
	}
	lexOnly, vecOnly := difference(lex, vec), difference(vec, lex)
	if len(lexOnly) > 0 {
		sims, err := s.vectors.Similarities(ctx, vq.Model, vq.Vector, lexOnly)
		if err != nil {
			return nil, fmt.Errorf("score lexical candidates by vector: %w", err)
		}
		for _, id := range lexOnly {
			if sim, ok := sims[id]; ok {
				vec = append(vec, ChunkHit{ChunkID: id, DocID: docIDOf(id), Score: sim})
			}
		}
	}
	if len(vecOnly) > 0 {
		lq.ChunkIDs, lq.K = vecOnly, len(vecOnly)
		hits, _, err := s.lex.search(ctx, lq)
		if err != nil {
			return nil, fmt.Errorf("score vector candidates by bm25: %w", err)
		}
		lex = append(lex, hits...)
	}
	lambda := s.lambda
	if lambda <= 0 {
		lambda = defaultLambda(vq.Model)
	}
	return fuseConvex(lex, vec, lambda), nil
}

// difference returns the chunk IDs of a that b does not hold.
func difference(a, b []ChunkHit) []string {
	in := make(map[string]bool, len(b))
	for _, h := range b {
		in[h.ChunkID] = true
	}
	var out []string
	for _, h := range a {
		if !in[h.ChunkID] {
			out = append(out, h.ChunkID)
		}
	}
	return out
}

// docIDs returns the document IDs of hits, in order.
func docIDs(hits []ChunkHit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.DocID
	}
	return ids
}

// isZero reports whether v has no non-zero component.
func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

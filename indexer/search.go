package indexer

import (
	"cmp"
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
// Each retriever returns its top candidates (at least three times the documents shown up
// to this page, within 100..1000): keyword search scores whole documents by BM25, vector
// search chunks (a document takes its best chunk's similarity); hybrid mode fuses the two
// per document (Options.Fusion). Each document on the page is shown by its chunk that best
// matches the query, which gives its anchor and snippet.
func (s *Service) Search(ctx context.Context, q Query) (*Results, error) {
	p, err := planQuery(q)
	if err != nil {
		return nil, err
	}
	if s.lex == nil {
		return nil, fmt.Errorf("search: %w", ErrIndexLocked)
	}
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	ctx = context.WithValue(ctx, seqKey{}, seq) // read once for the caches of every step
	aud := AudienceOf(auth.FromContext(ctx))
	r, err := s.retrieve(ctx, p, aud, depth(p.offset, p.limit))
	if err != nil {
		return nil, err
	}
	ranked := collapse(r.hits)
	stored, err := s.documents(ctx, docIDs(ranked))
	if err != nil {
		return nil, fmt.Errorf("read ranked documents: %w", err)
	}
	ranked, docs, leaked := visibleDocs(ranked, stored, aud, p.filters)
	if leaked > 0 {
		s.logger.Warn("search index returned documents the caller may not see",
			slog.Int("count", leaked), slog.String("query_key", p.key))
	}

	lo, hi := min(p.offset, len(ranked)), min(p.offset+p.limit, len(ranked))
	page := slices.Clone(ranked[lo:hi])
	if err := s.pickChunks(ctx, p, aud, r, page); err != nil {
		return nil, err
	}
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
		TotalCapped: r.capped,
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

// retrieved is what retrieve found: the candidate documents, each as a chunk of it, with
// their scores (fused in hybrid mode), in no particular order; whether a retriever stopped
// at k with more matching; and what the page's chunks are chosen by (pick).
type retrieved struct {
	hits   []ChunkHit
	capped bool
	terms  []bm25Term
	// cos holds the cosine similarity of the chunks vector search scored, and lambda its
	// weight against BM25 when picking a document's chunk; nil and 0 outside hybrid mode.
	cos    map[string]float64
	lambda float64
}

// retrieve ranks documents for p. Keyword search scores whole documents by BM25 (a
// document's evidence is often spread over its sections); vector search scores chunks, and
// a document takes its best chunk's similarity.
func (s *Service) retrieve(ctx context.Context, p plan, aud Audience, k int) (retrieved, error) {
	mode := p.mode
	if p.text == "" {
		mode = ModeLexical // nothing to embed: list what the filters match
	}
	terms := weighTerms(Terms(p.text))
	lq := lexicalQuery{Text: p.text, Terms: terms, Docs: true, Filters: p.filters, Audience: aud, K: k, TopOnly: true}
	var out retrieved
	out.terms = terms
	// Hybrid's vector half does not depend on its keyword half (unless vector feedback
	// takes the keyword results): it runs beside it, so one caller waits for the longer
	// of the two rather than their sum.
	var early chan vectorRun
	if mode == ModeHybrid && tuning.vecFeedback == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx) // a failed keyword half stops it
		defer cancel()
		early = make(chan vectorRun, 1)
		go func() { early <- s.vectorSearch(ctx, p.text, nil, aud, p.filters, k) }()
	}
	var lex, plain []ChunkHit
	var fbTexts []string
	var fbScored []ChunkHit
	fbq := lq
	if mode != ModeVector {
		hits, total, err := s.lex.search(ctx, lq)
		if err != nil {
			return out, fmt.Errorf("lexical search: %w", err)
		}
		lex, out.capped = hits, total > uint64(len(hits))
		plain = lex
		if mode == ModeHybrid {
			// Keyword mode stays plain BM25; hybrid's keyword half mixes it with feedback.
			expanded, texts, err := s.expand(ctx, terms, lex)
			fbTexts = texts
			if err != nil {
				return out, err
			}
			if len(expanded) != len(terms) {
				fbq.Terms = expanded
				if fbScored, err = s.feedbackFloor(ctx, &fbq, plain); err != nil {
					return out, err
				}
				if lex, _, err = s.lex.search(ctx, fbq); err != nil {
					return out, fmt.Errorf("lexical search with feedback: %w", err)
				}
			}
		}
		if mode == ModeLexical {
			out.hits = lex
			return out, nil
		}
	}

	var v vectorRun
	if early != nil {
		v = <-early
	} else {
		v = s.vectorSearch(ctx, p.text, fbTexts, aud, p.filters, k)
	}
	if v.err != nil {
		return out, v.err
	}
	if v.hits == nil {
		// No term of the query is known to the embedder: it cannot rank anything.
		out.hits = lex
		return out, nil
	}
	vq, vhits := v.vq, v.hits
	vecCapped := len(vhits) >= k
	if mode == ModeVector {
		out.hits, out.capped = vhits, vecCapped
		return out, nil
	}
	out.capped = out.capped || vecCapped
	out.cos = make(map[string]float64, len(vhits))
	for _, h := range vhits {
		out.cos[h.ChunkID] = h.Score
	}
	out.lambda = s.lambda
	if out.lambda <= 0 {
		out.lambda = defaultLambda(vq.Model)
	}
	if s.fusion == FusionRRF {
		out.hits = s.fuse(lex, collapse(vhits))
		return out, nil
	}
	var err error
	out.hits, err = s.fuseMix(ctx, []lexRun{{q: lq, hits: plain}, {q: fbq, hits: lex, scored: fbScored}}, vq, collapse(vhits), out.cos)
	return out, err
}

// feedbackFloor sets fbq's Floor: the K-th best score under the feedback query of plain
// BM25's top K documents (plain, which the caller may see and the filters pass), so the
// feedback run's own K-th best reaches it, and the run can skip the many documents that
// hold only common expansion terms (see bm25Query). It returns those documents scored,
// for fusion to reuse. With fewer than K documents in plain there is no floor.
func (s *Service) feedbackFloor(ctx context.Context, fbq *lexicalQuery, plain []ChunkHit) ([]ChunkHit, error) {
	if len(plain) == 0 || len(plain) < fbq.K {
		return nil, nil
	}
	q := *fbq
	q.DocIDs, q.K, q.TopOnly = docIDs(plain), len(plain), false // every one's score
	hits, _, err := s.lex.search(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("lexical search with feedback: %w", err)
	}
	if len(hits) == fbq.K {
		fbq.Floor = hits[len(hits)-1].Score
	}
	return hits, nil
}

// vectorRun is the outcome of vectorSearch: the query and its hits (nil when the
// embedder knows no term of the text), or an error.
type vectorRun struct {
	vq   VectorQuery
	hits []ChunkHit
	err  error
}

// vectorSearch embeds text (moved towards the feedback texts fbTexts when tuning asks for
// vector feedback) and returns the k chunks most similar to it that aud may see and
// filters accept, without those that share nothing with it.
func (s *Service) vectorSearch(ctx context.Context, text string, fbTexts []string, aud Audience, filters Filters, k int) vectorRun {
	emb := s.emb.current()
	vecs, err := emb.Embed(ctx, []string{text})
	if err != nil {
		return vectorRun{err: fmt.Errorf("embed query with %s: %w", emb.Model(), err)}
	}
	if len(vecs) != 1 || isZero(vecs[0]) {
		return vectorRun{}
	}
	vec := vecs[0]
	if tuning.vecFeedback > 0 && len(fbTexts) > 0 {
		fb, err := emb.Embed(ctx, fbTexts)
		if err != nil {
			return vectorRun{err: fmt.Errorf("embed feedback documents with %s: %w", emb.Model(), err)}
		}
		vec = rocchio(vec, fb, tuning.vecFeedback)
	}
	vq := VectorQuery{Model: emb.Model(), Vector: vec, K: k, Filter: filters, Audience: aud}
	hits, err := s.vectors.SearchVectors(ctx, vq)
	if err != nil {
		return vectorRun{err: fmt.Errorf("vector search: %w", err)}
	}
	hits = slices.DeleteFunc(hits, func(h ChunkHit) bool { return h.Score <= 0 }) // shares nothing with the query
	if hits == nil {
		hits = []ChunkHit{}
	}
	return vectorRun{vq: vq, hits: hits}
}

// fuse combines the lexical and vector candidates, one hit per document each, by
// reciprocal rank fusion (FusionRRF; convex fusion is fuseMix).
func (s *Service) fuse(lex, vec []ChunkHit) []ChunkHit {
	// A document is shown by its best vector chunk, else by its best keyword chunk.
	shownBy := make(map[string]string, len(lex)+len(vec))
	for _, h := range lex {
		shownBy[h.DocID] = h.ChunkID
	}
	for _, h := range vec {
		shownBy[h.DocID] = h.ChunkID
	}
	fused := fuseRRF(byDoc(lex), byDoc(vec))
	for i := range fused {
		fused[i].ChunkID = shownBy[fused[i].DocID]
	}
	return fused
}

// docSimilarities returns, for each of docIDs, its chunk most similar to the query vector
// with that similarity, and records every similarity in cos.
func (s *Service) docSimilarities(ctx context.Context, vq VectorQuery, docIDs []string, cos map[string]float64) ([]ChunkHit, error) {
	var ids []string
	if dc, ok := s.vectors.(docChunker); ok {
		// The vector index knows its chunks of each document: no keyword index lookup.
		ids = dc.ChunkIDsOf(docIDs)
	} else {
		var err error
		if ids, err = s.lex.chunkIDs(ctx, docIDs); err != nil {
			return nil, fmt.Errorf("score lexical candidates by vector: %w", err)
		}
	}
	sims, err := s.vectors.Similarities(ctx, vq.Model, vq.Vector, ids)
	if err != nil {
		return nil, fmt.Errorf("score lexical candidates by vector: %w", err)
	}
	var hits []ChunkHit
	for _, id := range ids {
		if sim, ok := sims[id]; ok {
			cos[id] = sim
			hits = append(hits, ChunkHit{ChunkID: id, DocID: docIDOf(id), Score: sim})
		}
	}
	return collapse(hits), nil
}

// docChunker is a VectorIndex that lists the chunks it holds of given documents.
type docChunker interface {
	ChunkIDsOf(docIDs []string) []string
}

// byDoc returns hits keyed by document: each ChunkID replaced by its DocID, so that the
// fusion of per-document lists matches documents.
func byDoc(hits []ChunkHit) []ChunkHit {
	out := make([]ChunkHit, len(hits))
	for i, h := range hits {
		out[i] = ChunkHit{ChunkID: h.DocID, DocID: h.DocID, Score: h.Score}
	}
	return out
}

// pickChunks sets the chunk each hit of page is shown by: the one of its document that
// best matches the query, by BM25 over chunks (normalised by the page's best) plus, in
// hybrid mode, lambda times its cosine similarity when known. A document no chunk of which
// matches keeps the chunk it has.
func (s *Service) pickChunks(ctx context.Context, p plan, aud Audience, r retrieved, page []ChunkHit) error {
	if len(page) == 0 || len(r.terms) == 0 {
		return nil
	}
	docs := docIDs(page)
	hits, _, err := s.lex.search(ctx, lexicalQuery{Text: p.text, Terms: r.terms, Filters: p.filters, Audience: aud,
		DocIDs: docs, K: maxDepth})
	if err != nil {
		return fmt.Errorf("pick result chunks: %w", err)
	}
	var top float64
	for _, h := range hits {
		top = max(top, h.Score)
	}
	best := make(map[string]ChunkHit, len(page))
	for _, h := range hits {
		sc := h.Score / top
		if r.lambda > 0 {
			sc += r.lambda * r.cos[h.ChunkID]
		}
		if b, ok := best[h.DocID]; !ok || sc > b.Score || (sc == b.Score && h.ChunkID < b.ChunkID) {
			best[h.DocID] = ChunkHit{ChunkID: h.ChunkID, DocID: h.DocID, Score: sc}
		}
	}
	for i, h := range page {
		if b, ok := best[h.DocID]; ok {
			page[i].ChunkID = b.ChunkID
		}
	}
	return nil
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

// overlap is the share of the top n documents of a that are also in the top n of b.
func overlap(a, b []ChunkHit, n int) float64 {
	top := func(h []ChunkHit) []ChunkHit {
		h = slices.Clone(h)
		slices.SortFunc(h, func(x, y ChunkHit) int { return cmp.Compare(y.Score, x.Score) })
		return h[:min(n, len(h))]
	}
	ta, tb := top(a), top(b)
	if len(ta) == 0 {
		return 0
	}
	in := map[string]bool{}
	for _, h := range tb {
		in[h.DocID] = true
	}
	k := 0
	for _, h := range ta {
		if in[h.DocID] {
			k++
		}
	}
	return float64(k) / float64(len(ta))
}

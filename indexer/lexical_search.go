package indexer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/nextportal/portal/auth"
)

// lexicalQuery is one bleve search.
type lexicalQuery struct {
	// Text is the user's text; blank matches every chunk that passes the filters. It is
	// scored by BM25 as the terms it analyses to, unless Terms is set.
	Text string
	// Terms, when set, are the weighted terms to score instead of Text's (feedback).
	Terms []bm25Term
	// Docs scores whole documents (each document's first chunk stands for it) rather
	// than chunks.
	Docs bool
	// DocIDs, when not nil, limits the search to the chunks of these documents.
	DocIDs   []string
	Filters  Filters
	Audience Audience
	// K is how many hits to return; 0 means 10.
	K int
	// ChunkIDs, when not nil, limits the search to these chunks (to score fused candidates).
	ChunkIDs []string
	// Floor, when above 0, is a score the K-th best hit is known to reach: documents
	// scoring below it are left out, and those that cannot reach it are not even visited
	// (see bm25Query), so the hits are exact but the total counts only those that reach it.
	Floor float64
	// TopOnly says the caller needs the top K and whether more than K match, not how
	// many: without a Floor the search then skips the documents that hold only common
	// terms when that provably leaves the top K as they are (see bm25Query), and the
	// total, though maybe short, is above K exactly when more than K match.
	TopOnly bool
}

// search returns the top q.K chunks by BM25 among those that pass the filters and the
// audience, best first (ties by chunk ID), and how many chunks matched in all.
func (x *lexicalIndex) search(ctx context.Context, q lexicalQuery) ([]ChunkHit, uint64, error) {
	if q.ChunkIDs != nil && len(q.ChunkIDs) == 0 {
		return nil, 0, nil
	}
	k := q.K
	if k <= 0 {
		k = 10
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, 0, errLexicalClosed
	}
	stats, err := x.stats()
	if err != nil {
		return nil, 0, err
	}
	// Ranked by score alone, bleve reads a chunk's ID only for the hits it returns; ranked
	// by score and then ID, it reads the ID of every match (a tenth of a search's time).
	// So it ranks by score, one hit more than asked: unless the last hit asked for ties
	// with the one after it, the top k are the same under both orders, and sorting them
	// by score and ID gives the same answer. A tie at the edge asks again, by score and ID.
	bq, bm := lexicalBleveQuery(q, stats)
	if bm != nil {
		bm.cache = &x.postings
		bm.auto = q.TopOnly && q.Floor <= 0
	}
	req := bleve.NewSearchRequestOptions(bq, k+1, 0, false)
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search bleve for %q: %w", q.Text, err)
	}
	if bm != nil && bm.auto && bm.skipped > 0 &&
		(len(res.Hits) < k || res.Hits[k-1].Score < bm.skipped || res.Total <= uint64(k)) {
		// A skipped document might belong in the top K, or decide whether more than K
		// match: search them all.
		bm.auto = false
		if res, err = x.idx.SearchInContext(ctx, req); err != nil {
			return nil, 0, fmt.Errorf("search bleve for %q: %w", q.Text, err)
		}
	}
	total := res.Total
	if len(res.Hits) > k && res.Hits[k].Score == res.Hits[k-1].Score {
		// The tied score is a floor the top K reach: documents below it can be skipped.
		if bm != nil {
			bm.auto, bm.floor = false, max(bm.floor, res.Hits[k-1].Score)
		}
		req = bleve.NewSearchRequestOptions(bq, k, 0, false)
		req.Sort = search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{}}
		if res, err = x.idx.SearchInContext(ctx, req); err != nil {
			return nil, 0, fmt.Errorf("search bleve for %q: %w", q.Text, err)
		}
	}
	hits := make([]ChunkHit, min(k, len(res.Hits)))
	for i, h := range res.Hits[:len(hits)] {
		hits[i] = ChunkHit{ChunkID: h.ID, DocID: docIDOf(h.ID), Score: h.Score}
	}
	slices.SortFunc(hits, func(a, b ChunkHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ChunkID, b.ChunkID))
	})
	return hits, total, nil
}

// lexicalBleveQuery builds the bleve query of q: the terms scored by BM25 with the
// collection statistics st, and the filters, audience and ids as unscored clauses, so that
// the top K are all visible; and its BM25 clause, nil when it has none.
func lexicalBleveQuery(q lexicalQuery, st lens) (query.Query, *bm25Query) {
	bq := bleve.NewBooleanQuery()
	var bm *bm25Query
	terms := q.Terms
	if terms == nil {
		terms = weighTerms(Terms(q.Text))
	}
	switch {
	case len(terms) > 0:
		field := fieldBody
		if q.Docs {
			field = fieldDocBody
		}
		bm = &bm25Query{field: field, terms: terms, stats: st.level(q.Docs), floor: q.Floor}
		bq.AddMust(bm)
	case strings.TrimSpace(q.Text) == "":
		bq.AddMust(bleve.NewMatchAllQuery())
	default:
		bq.AddMust(bleve.NewMatchNoneQuery()) // only stop words
	}
	switch {
	case q.DocIDs != nil && q.Docs && len(terms) > 0:
		// Scoring whole documents matches only their first chunks (fieldDocBody), so these
		// stand for the documents: looked up by ID, rather than a term query per document.
		first := make([]string, len(q.DocIDs))
		for i, d := range q.DocIDs {
			first[i] = d + "#0"
		}
		ids := bleve.NewDocIDQuery(first)
		ids.SetBoost(0)
		bq.AddMust(ids)
	case q.DocIDs != nil:
		ids := exactTerms(fieldDocID, q.DocIDs)
		ids.(*query.DisjunctionQuery).SetBoost(0)
		bq.AddMust(ids)
	}
	var filters []query.Query
	for _, f := range FilterFields {
		if vs := q.Filters[f]; len(vs) > 0 {
			filters = append(filters, anyTerm(f, vs...))
		}
	}
	restrictTo(bq, q.Audience)
	if q.ChunkIDs != nil {
		// A must clause, not a filter: bleve runs a filter by walking every text match and
		// testing it, while a conjunction is driven by its smallest clause, here the few
		// ids. Its weight is 0, so the scores are the text clauses' BM25 alone.
		ids := bleve.NewDocIDQuery(q.ChunkIDs)
		ids.SetBoost(0)
		bq.AddMust(ids)
	}
	if len(filters) > 0 {
		bq.AddFilter(bleve.NewConjunctionQuery(filters...))
	}
	return bq, bm
}

// restrictTo limits bq to the chunks a may see. Anonymous callers get a filter on public
// chunks; signed-in ones are written as "not hidden": the hidden set (restricted and not
// allowed) is small, while "public or internal or allowed" matches nearly every chunk and,
// as a filter, costs a walk over all of them.
func restrictTo(bq *query.BooleanQuery, a Audience) {
	switch {
	case a.All:
	case a.PublicOnly:
		bq.AddFilter(anyTerm(fieldVisibility, string(auth.VisibilityPublic)))
	default:
		bq.AddMustNot(hiddenQuery(a))
	}
}

// hiddenQuery matches the chunks a signed-in (not all-seeing) audience may not see:
// restricted ones whose allowed list names none of its refs. It is Audience.CanSee negated,
// for audiences that are neither All nor PublicOnly; chunkFields indexes every visibility
// other than public and restricted as internal.
func hiddenQuery(a Audience) query.Query {
	hidden := bleve.NewBooleanQuery()
	hidden.AddMust(anyTerm(fieldVisibility, string(auth.VisibilityRestricted)))
	if len(a.Refs) > 0 {
		hidden.AddMustNot(anyTerm(fieldAllowed, a.Refs...))
	}
	return hidden
}

// weighTerms returns each distinct term of terms, in first-seen order, weighted by how
// often it occurs: BM25 adds a term's score once per query occurrence.
func weighTerms(terms []string) []bm25Term {
	var out []bm25Term
	at := make(map[string]int, len(terms))
	for _, t := range terms {
		if i, ok := at[t]; ok {
			out[i].weight++
			continue
		}
		at[t] = len(out)
		out = append(out, bm25Term{term: t, weight: 1})
	}
	return out
}

// anyTerm matches documents whose keyword field holds any of values (lowercased).
func anyTerm(field string, values ...string) query.Query {
	d := bleve.NewDisjunctionQuery()
	for _, v := range values {
		t := bleve.NewTermQuery(strings.ToLower(v))
		t.SetField(field)
		d.AddQuery(t)
	}
	return d
}

// docIDOf is the document ID of a chunk ID (DocID + "#" + index).
func docIDOf(chunkID string) string {
	if i := strings.LastIndexByte(chunkID, '#'); i >= 0 {
		return chunkID[:i]
	}
	return chunkID
}

// chunkIDs returns the IDs of every indexed chunk of the documents docIDs.
func (x *lexicalIndex) chunkIDs(ctx context.Context, docIDs []string) ([]string, error) {
	req := bleve.NewSearchRequestOptions(exactTerms(fieldDocID, docIDs), indexedPage, 0, false)
	req.Sort = search.SortOrder{&search.SortDocID{}}
	req.Score = "none"
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, errLexicalClosed
	}
	var ids []string
	for {
		res, err := x.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("find the chunks of %d documents: %w", len(docIDs), err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		req.From += len(res.Hits)
		if len(res.Hits) == 0 || uint64(req.From) >= res.Total {
			return ids, nil
		}
	}
}

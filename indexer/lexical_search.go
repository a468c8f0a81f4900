package indexer

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/nextportal/portal/auth"
)

// Query-time boosts of the title and heading clauses against the chunk text.
const (
	titleBoost   = 2.0
	headingBoost = 1.5
)

// lexicalQuery is one bleve search.
type lexicalQuery struct {
	// Text is the user's text, matched (any word) against text, title and heading; blank
	// matches every chunk that passes the filters.
	Text     string
	Filters  Filters
	Audience Audience
	// K is how many hits to return; 0 means 10.
	K int
	// ChunkIDs, when not nil, limits the search to these chunks (to score fused candidates).
	ChunkIDs []string
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
	req := bleve.NewSearchRequestOptions(lexicalBleveQuery(q), k, 0, false)
	req.Sort = search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{}}

	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return nil, 0, errLexicalClosed
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search bleve for %q: %w", q.Text, err)
	}
	hits := make([]ChunkHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = ChunkHit{ChunkID: h.ID, DocID: docIDOf(h.ID), Score: h.Score}
	}
	return hits, res.Total, nil
}

// lexicalBleveQuery builds the bleve query of q: the text clauses scored, and the filters,
// audience and chunk ids as an unscored filter, so that the top K are all visible.
func lexicalBleveQuery(q lexicalQuery) query.Query {
	bq := bleve.NewBooleanQuery()
	if strings.TrimSpace(q.Text) == "" {
		bq.AddMust(bleve.NewMatchAllQuery())
	} else {
		bq.AddMust(bleve.NewDisjunctionQuery(
			matchField(q.Text, fieldText, 1),
			matchField(q.Text, fieldTitle, titleBoost),
			matchField(q.Text, fieldHeading, headingBoost),
		))
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
	return bq
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

// matchField matches any analysed word of text in field.
func matchField(text, field string, boost float64) query.Query {
	m := bleve.NewMatchQuery(text)
	m.SetField(field)
	m.SetBoost(boost)
	return m
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

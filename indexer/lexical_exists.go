package indexer

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/search"
)

// anyVisible reports whether any chunk the audience may see matches text (any analysed
// word, in the text, title or heading). Unlike search it neither scores nor counts: it stops
// at the first match, so checking a common word costs about as little as a rare one.
func (x *lexicalIndex) anyVisible(ctx context.Context, text string, aud Audience) (bool, error) {
	q, _ := lexicalBleveQuery(lexicalQuery{Text: text, Audience: aud}, lens{})
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.idx == nil {
		return false, errLexicalClosed
	}
	adv, err := x.idx.Advanced()
	if err != nil {
		return false, fmt.Errorf("open bleve for %q: %w", text, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return false, fmt.Errorf("open bleve reader for %q: %w", text, err)
	}
	defer r.Close()
	s, err := q.Searcher(ctx, r, x.idx.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return false, fmt.Errorf("search bleve for %q: %w", text, err)
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	dm, err := s.Next(sctx)
	if err != nil {
		return false, fmt.Errorf("search bleve for %q: %w", text, err)
	}
	return dm != nil, nil
}

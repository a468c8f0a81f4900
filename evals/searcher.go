package evals

import (
	"context"
	"strings"
	"unicode"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

// ServiceSearcher returns a Searcher over svc: each query runs as the system principal,
// which may see every document, with filters applied (nil for none), and yields the
// document IDs of one page of k results. A query longer than the search accepts
// (indexer.MaxQueryChars; some cisi queries are whole abstracts) is cut at the last word
// boundary within the limit, as a user would have to.
func ServiceSearcher(svc *indexer.Service, filters indexer.Filters) Searcher {
	return func(ctx context.Context, query string, mode indexer.Mode, k int) ([]string, error) {
		ctx = auth.NewContext(ctx, auth.System())
		res, err := svc.Search(ctx, indexer.Query{Text: clip(query, indexer.MaxQueryChars), Mode: mode, Limit: k, Filters: filters})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Results))
		for i, r := range res.Results {
			ids[i] = r.DocID
		}
		return ids, nil
	}
}

// clip returns text cut to at most n runes, at the last space within them when there is one.
func clip(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	r = r[:n]
	if i := strings.LastIndexFunc(string(r), unicode.IsSpace); i > 0 {
		return string(r)[:i]
	}
	return string(r)
}

package evals

import (
	"context"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

// ServiceSearcher returns a Searcher over svc: each query runs as the system principal,
// which may see every document, with filters applied (nil for none), and yields the
// document IDs of one page of k results.
func ServiceSearcher(svc *indexer.Service, filters indexer.Filters) Searcher {
	return func(ctx context.Context, query string, mode indexer.Mode, k int) ([]string, error) {
		ctx = auth.NewContext(ctx, auth.System())
		res, err := svc.Search(ctx, indexer.Query{Text: query, Mode: mode, Limit: k, Filters: filters})
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

package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
)

// searchSyncInterval is how often the server applies index changes written by another
// process (`portal index`, another replica) to its bleve and in-process vector indexes.
const searchSyncInterval = 5 * time.Second

// searchIndexer keeps the server's search index current: it indexes the sources at start
// and after every catalog refresh, and follows the store's change feed in between.
type searchIndexer struct {
	ix      *indexer.Service
	sources []indexer.Source
	logger  *slog.Logger
	kick    chan struct{}
}

func newSearchIndexer(ix *indexer.Service, sources []indexer.Source, logger *slog.Logger) *searchIndexer {
	return &searchIndexer{ix: ix, sources: sources, logger: logger.With("component", "indexer"), kick: make(chan struct{}, 1)}
}

// refreshed asks for an index run soon (after a catalog refresh); it never blocks.
func (s *searchIndexer) refreshed() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// run indexes once, then on every kick, and syncs between, until ctx ends.
func (s *searchIndexer) run(ctx context.Context) {
	s.index(ctx)
	t := time.NewTicker(searchSyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
			s.index(ctx)
		case <-t.C:
			if err := s.ix.Sync(ctx); err != nil && ctx.Err() == nil {
				s.logger.Warn("search index sync", "error", err)
			}
		}
	}
}

func (s *searchIndexer) index(ctx context.Context) {
	start := time.Now()
	res, err := s.ix.Index(ctx, s.sources, nil)
	if err != nil {
		if ctx.Err() == nil {
			s.logger.Warn("indexing for search", "error", err)
		}
		return
	}
	s.logger.Info("indexed for search", "documents", res.Documents, "changed", res.Changed, "deleted", res.Deleted,
		"embedded", res.Embedded, "model", res.Model, "took", time.Since(start).Round(time.Millisecond))
}

// refreshLoop re-reads every location each interval until ctx ends, then calls after.
func refreshLoop(ctx context.Context, svc *catalog.Service, every time.Duration, logger *slog.Logger, after func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := svc.RefreshAll(ctx); err != nil && ctx.Err() == nil {
				logger.Warn("periodic refresh", "error", err)
			}
			after()
		}
	}
}

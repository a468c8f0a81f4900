package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nextportal/portal/catalog"
)

// useReadModel builds the catalog's in-memory read model over the database, when the
// configuration asks for it, and makes the app's catalog answer reads from it. Writes go
// through it to the database (the truth) and rebuild it; a loop checks every ReadModelResync
// whether the database changed otherwise (other replicas sharing it) and rebuilds it then.
func (a *app) useReadModel(ctx context.Context) error {
	if !a.cfg.ReadModel {
		return nil
	}
	start := time.Now()
	m, err := catalog.NewReadModel(ctx, a.db)
	if err != nil {
		return fmt.Errorf("catalog read model: %w", err)
	}
	st := m.Stats()
	a.logger.Info("catalog read model built", "entities", st.Entities, "search_rows", st.Rows,
		"took", time.Since(start).Round(time.Millisecond))
	a.catalog = catalog.NewService(m, a.cfg.FileLocationRoots)
	if every := a.cfg.ReadModelResync; every > 0 {
		a.goLoop(func(ctx context.Context) {
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := m.Resync(ctx); err != nil {
						a.logger.Warn("catalog read model: resync failed; reads use the database until the next one", "err", err)
					}
				}
			}
		})
	}
	return nil
}

package store

import (
	"context"
	"time"
)

// analyzeTimeout bounds one background statistics refresh.
const analyzeTimeout = 5 * time.Minute

// analyzeLater refreshes the planner's statistics (dialect.analyze) after a bulk load, in
// the background: the write has committed and the statistics change no answer, only plans,
// so the writer does not wait for them (on PostgreSQL, VACUUM (ANALYZE) of a 10,000-entity
// catalog took 0.4 s, a tenth of an import). Loads that finish while a refresh runs are
// covered by one more refresh after it. Close cancels a running refresh and waits for it.
func (db *DB) analyzeLater() {
	db.amu.Lock()
	defer db.amu.Unlock()
	if db.closing {
		return
	}
	if db.stopAnalyze != nil {
		db.analyzeAgain = true
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	db.stopAnalyze = cancel
	db.bg.Go(func() {
		defer cancel()
		for {
			rctx, rcancel := context.WithTimeout(ctx, analyzeTimeout)
			// Only statistics: a failure here loses nothing, so it is logged, not returned.
			if _, err := db.sql.ExecContext(rctx, db.dialect.analyze); err != nil && ctx.Err() == nil {
				db.logger.Warn("analyze after bulk load", "error", err)
			}
			rcancel()
			db.amu.Lock()
			again := db.analyzeAgain && !db.closing
			db.analyzeAgain = false
			if !again {
				db.stopAnalyze = nil
			}
			db.amu.Unlock()
			if !again {
				return
			}
		}
	})
}

// stopBackground cancels background work and waits for it to end.
func (db *DB) stopBackground() {
	db.amu.Lock()
	db.closing = true
	if db.stopAnalyze != nil {
		db.stopAnalyze()
	}
	db.amu.Unlock()
	db.bg.Wait()
}

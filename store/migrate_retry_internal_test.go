package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRetryHonoursContext: the migration retry loop stops waiting when its context ends,
// instead of sleeping through every retry.
func TestRetryHonoursContext(t *testing.T) {
	busy := errors.New("database is locked")
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := retry(ctx, 1000, time.Hour, func(error) bool { return true }, func() error {
		calls++
		cancel()
		return busy
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, busy) {
		t.Errorf("retry after cancel = %v, want context.Canceled wrapping the last error", err)
	}
	if calls != 1 {
		t.Errorf("op called %d times after the context ended, want 1", calls)
	}

	// Retries stop at the first success, and non-retryable errors are returned at once.
	calls = 0
	err = retry(context.Background(), 5, time.Millisecond, func(e error) bool { return errors.Is(e, busy) }, func() error {
		calls++
		if calls < 3 {
			return busy
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("retry = %v after %d calls, want nil after 3", err, calls)
	}
	final := errors.New("syntax error")
	if err := retry(context.Background(), 5, time.Millisecond, func(e error) bool { return errors.Is(e, busy) }, func() error { return final }); err != final {
		t.Errorf("retry of a non-retryable error = %v, want it unchanged", err)
	}
}

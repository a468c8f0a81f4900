package store_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// wantVersions are the migrations every engine has.
var wantVersions = []string{"0001_init", "0002_auth", "0003_visibility_rows", "0004_index", "0005_assistant", "0006_slack", "0007_metrics", "0008_scaffolder", "0009_incidents", "0010_alerts", "0011_finops", "0012_budgets", "0013_pending_rows"}

func TestMigrateIdempotent(t *testing.T) {
	engines := []struct {
		name string
		opts func(t *testing.T) store.Options
	}{
		{"sqlite", func(t *testing.T) store.Options { return store.Options{DataDir: t.TempDir()} }},
		{"postgres", func(t *testing.T) store.Options { return store.Options{URL: storetest.PostgresURL(t)} }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			o := e.opts(t)
			var log lockedBuffer
			o.Logger = slog.New(slog.NewTextHandler(&log, nil))
			// Two processes starting at once: both migrate, one applies, neither fails.
			var wg sync.WaitGroup
			dbs := make([]*store.DB, 2)
			errs := make([]error, 2)
			for i := range dbs {
				wg.Go(func() { dbs[i], errs[i] = store.Open(ctx, o) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("concurrent Open %d: %v", i, err)
				}
				t.Cleanup(func() { dbs[i].Close() })
			}
			if n := strings.Count(log.String(), fmt.Sprintf("applied=%d ", len(wantVersions))); n != 1 {
				t.Errorf("concurrent Opens logged %d runs that applied the migration, want 1:\n%s", n, log.String())
			}
			if err := dbs[0].Migrate(ctx); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
			again, err := store.Open(ctx, o)
			if err != nil {
				t.Fatalf("Open again: %v", err)
			}
			defer again.Close()
			if again.Engine() != e.name {
				t.Errorf("Engine() = %q, want %q", again.Engine(), e.name)
			}
			if err := again.Ping(ctx); err != nil {
				t.Errorf("Ping: %v", err)
			}
			got, err := again.AppliedMigrations(ctx)
			if err != nil {
				t.Fatalf("AppliedMigrations: %v", err)
			}
			if !slices.Equal(got, wantVersions) {
				t.Errorf("schema_migrations = %v, want %v", got, wantVersions)
			}
		})
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

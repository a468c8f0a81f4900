package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nextportal/portal/catalog"
)

// TestLocationWriteCheckpoints (SQLite): a location write leaves its connection as every
// other (foreign keys on, automatic checkpoints on), and the checkpoint its commit skipped
// runs in the background after it: the written pages reach the database file without any
// other write.
func TestLocationWriteCheckpoints(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, Options{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One connection: the one the write used is the one checked after it.
	db.sql.SetMaxOpenConns(1)
	if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		t.Helper()
		fi, err := os.Stat(filepath.Join(dir, "portal.db"))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()

	loc, err := db.CreateLocation(ctx, "file", "/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	var ps []catalog.Processed
	for i := range 600 {
		e := catalog.Entity{APIVersion: "backstage.io/v1alpha1", Kind: "Component",
			Metadata: catalog.Metadata{Name: fmt.Sprintf("c-%03d", i), Namespace: "default",
				Description: "a component written to see its pages checkpointed"},
			Spec: map[string]any{"type": "service", "owner": "group:default/team", "lifecycle": "production"}}
		p, err := catalog.Process(e, "")
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if res, err := db.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil || res.Added != len(ps) {
		t.Fatalf("ReplaceLocationEntities = %+v, %v", res, err)
	}

	for pragma, want := range map[string]int{"foreign_keys": 1, "wal_autocheckpoint": 1000} {
		var got int
		if err := db.sql.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after a location write, PRAGMA %s = %d, want %d", pragma, got, want)
		}
	}
	// 600 entities with their search and relation rows take well over 256 KiB of pages.
	for deadline := time.Now().Add(30 * time.Second); size() < before+256<<10; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("portal.db grew from %d to %d bytes within 30 s of the write: its pages were not checkpointed", before, size())
		}
	}
}

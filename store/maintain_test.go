package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// TestAnalyzeAfterBulkLoad (PostgreSQL): the statistics refresh after a bulk load runs in
// the background after the write returned, and Close stops it and waits for it, so that a
// closed store runs nothing more.
func TestAnalyzeAfterBulkLoad(t *testing.T) {
	ctx := context.Background()
	o := store.Options{URL: storetest.PostgresURL(t), Logger: quiet}
	raw, err := sql.Open("pgx", o.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	analyzed := func() bool {
		t.Helper()
		var at sql.NullTime
		err := raw.QueryRowContext(ctx, `SELECT last_analyze FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = 'search'`).Scan(&at)
		if err != nil {
			t.Fatal(err)
		}
		return at.Valid
	}
	load := func(db *store.DB, target string) {
		t.Helper()
		loc, err := db.CreateLocation(ctx, "file", target)
		if err != nil {
			t.Fatal(err)
		}
		var ps []catalog.Processed
		for i := range 600 {
			ps = append(ps, storetest.Process(storetest.Entity("Component", fmt.Sprintf("%s-%03d", target[1:], i), storetest.Spec{"type": "service"})))
		}
		if _, err := db.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil {
			t.Fatal(err)
		}
	}

	// Not closed: the refresh happens.
	db := mustOpen(t, o)
	load(db, "/a")
	for deadline := time.Now().Add(time.Minute); !analyzed(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("search was not analyzed within a minute of a bulk load")
		}
	}
	// Closed right after a load: Close returns, with every connection closed.
	load(db, "/b")
	if err := db.Close(); err != nil {
		t.Fatalf("Close after a bulk load: %v", err)
	}
	if _, err := db.Locations(ctx); err == nil {
		t.Fatal("the store answered after Close")
	}
}

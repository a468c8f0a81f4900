package store_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// rawEngines are both engines as tests that also need the raw database open them: the
// store's options (logging discarded), and the database/sql driver and DSN of the same
// database.
var rawEngines = []struct {
	name   string
	opts   func(t *testing.T) store.Options
	driver func(o store.Options) (string, string)
}{
	{"sqlite", func(t *testing.T) store.Options { return store.Options{DataDir: t.TempDir(), Logger: quiet} },
		func(o store.Options) (string, string) { return "sqlite", filepath.Join(o.DataDir, "portal.db") }},
	{"postgres", func(t *testing.T) store.Options { return store.Options{URL: storetest.PostgresURL(t), Logger: quiet} },
		func(o store.Options) (string, string) { return "pgx", o.URL }},
}

// quiet is the logger of rawEngines' stores.
var quiet = slog.New(slog.DiscardHandler)

// mustOpen opens the store of o, migrating it, or fails the test.
func mustOpen(t *testing.T, o store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestVisibilityBackfill stores entities the way the catalog did before it wrote visibility
// rows, re-runs migration 0003 and checks each entity got exactly the row the annotation
// implies (absent: internal; unknown: restricted).
func TestVisibilityBackfill(t *testing.T) {
	annotations := map[string]string{"plain": "", "open": "public", "shut": "Restricted", "typo": "secret"}
	want := map[string]string{"plain": "internal", "open": "public", "shut": "restricted", "typo": "restricted"}
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			o := e.opts(t)
			db := mustOpen(t, o)
			loc, err := db.CreateLocation(ctx, "file", "/backfill")
			if err != nil {
				t.Fatal(err)
			}
			var ps []catalog.Processed
			for name, vis := range annotations {
				ent := storetest.Entity("Component", name, storetest.Spec{"type": "service", "lifecycle": "production", "owner": "team-a"})
				if vis != "" {
					ent.Metadata.Annotations = map[string]string{"nextportal.io/visibility": vis}
				}
				p := storetest.Process(ent)
				// As stored before visibility rows existed.
				kept := p.Search[:0]
				for _, r := range p.Search {
					if r.Key != catalog.SearchKeyVisibility {
						kept = append(kept, r)
					}
				}
				p.Search = kept
				ps = append(ps, p)
			}
			if _, err := db.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil {
				t.Fatal(err)
			}
			db.Close()

			driver, dsn := e.driver(o)
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = '0003_visibility_rows'`); err != nil {
				t.Fatal(err)
			}
			raw.Close()

			db = mustOpen(t, o) // applies 0003 again
			defer db.Close()
			for name, vis := range want {
				ref := "component:default/" + name
				got, err := db.ExistingRefs(ctx, []string{ref}, catalog.Filter{Key: catalog.SearchKeyVisibility, Values: []string{vis}})
				if err != nil {
					t.Fatal(err)
				}
				if !got[ref] {
					t.Errorf("%s (annotation %q) has no visibility row %q after the backfill", name, annotations[name], vis)
				}
			}
			f, err := db.Facets(ctx, catalog.Filter{}, []string{catalog.SearchKeyVisibility})
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, c := range f[catalog.SearchKeyVisibility] {
				total += c.Count
			}
			if total != len(want) {
				t.Errorf("visibility rows = %d, want one per entity (%d)", total, len(want))
			}
		})
	}
}

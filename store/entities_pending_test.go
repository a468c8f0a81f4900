package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// TestPendingRowsOutliveTheProcess: rows a write left pending when its process stopped
// (before the background load) are loaded by the next process's first read that needs
// them, with the records of entities deleted since dropped, and nothing stays pending.
func TestPendingRowsOutliveTheProcess(t *testing.T) {
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			o := e.opts(t)
			db := mustOpen(t, o)
			db.PauseDerivation()
			loc, err := db.CreateLocation(ctx, "file", "/pending")
			if err != nil {
				t.Fatal(err)
			}
			var ps []catalog.Processed
			for i := range 600 { // a bulk load: the indexes are dropped and made again
				ps = append(ps, storetest.Process(storetest.Entity("Component", fmt.Sprintf("c-%03d", i),
					storetest.Spec{"owner": "group:default/team", "type": "service"})))
			}
			if res, err := db.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil || res.Added != len(ps) {
				t.Fatalf("ReplaceLocationEntities = %+v, %v", res, err)
			}
			raw, err := sql.Open(e.driver(o))
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			pending := func() int {
				t.Helper()
				var n int
				if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM pending_rows`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := pending(); n != len(ps) {
				t.Fatalf("%d pending records after the write, want %d", n, len(ps))
			}
			var gone string
			if err := raw.QueryRowContext(ctx, `SELECT uid FROM entities WHERE ref = 'component:default/c-000'`).Scan(&gone); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteEntity(ctx, gone); err != nil {
				t.Fatal(err)
			}
			db.Close() // stops without loading: derivation is paused

			db = mustOpen(t, o)
			defer db.Close()
			for _, f := range []catalog.Filter{
				{Key: "spec.type", Values: []string{"service"}},
				{Key: "relations.ownedBy", Values: []string{"group:default/team"}},
			} {
				page, err := db.QueryEntities(ctx, catalog.Query{Filter: f, Limit: 1})
				if err != nil || page.Total != len(ps)-1 {
					t.Fatalf("%s after the restart: %d entities, %v; want %d", f.Key, page.Total, err, len(ps)-1)
				}
			}
			if n := pending(); n != 0 {
				t.Fatalf("%d records still pending after a read loaded them", n)
			}
			var orphans int
			if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM search WHERE entity_uid = $1`, gone).Scan(&orphans); err != nil || orphans != 0 {
				t.Fatalf("the deleted entity has %d search rows (%v), want none", orphans, err)
			}
		})
	}
}

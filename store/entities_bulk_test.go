package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// TestBulkLoadKeepsSchema: a location write large enough to load the search and relation
// tables in bulk (their indexes and foreign keys dropped and made again in its transaction)
// leaves the same indexes and constraints behind, still enforced, and its rows findable.
func TestBulkLoadKeepsSchema(t *testing.T) {
	schemaQuery := map[string]string{
		"sqlite": `SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master
			WHERE tbl_name IN ('search', 'relations') ORDER BY 1`,
		"postgres": `SELECT indexname || ' ' || indexdef FROM pg_indexes
			WHERE schemaname = current_schema() AND tablename IN ('search', 'relations')
			UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid IN ('search'::regclass, 'relations'::regclass) ORDER BY 1`,
	}
	for _, e := range rawEngines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			o := e.opts(t)
			db := mustOpen(t, o)
			defer db.Close()
			raw, err := sql.Open(e.driver(o))
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			schema := func() []string {
				t.Helper()
				var out []string
				rows, err := raw.QueryContext(ctx, schemaQuery[e.name])
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						t.Fatal(err)
					}
					out = append(out, s)
				}
				return out
			}
			before := schema()
			if len(before) < 6 {
				t.Fatalf("found only %d indexes and constraints: %q", len(before), before)
			}
			loc, err := db.CreateLocation(ctx, "file", "/bulk")
			if err != nil {
				t.Fatal(err)
			}
			var ps []catalog.Processed
			for i := range 200 {
				ps = append(ps, storetest.Process(storetest.Entity("Component", fmt.Sprintf("c-%03d", i),
					storetest.Spec{"owner": "group:default/team", "type": "service", "dependsOn": []any{"component:default/c-000"}})))
			}
			if res, err := db.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil || res.Added != 200 {
				t.Fatalf("ReplaceLocationEntities = %+v, %v", res, err)
			}
			if after := schema(); !slices.Equal(before, after) {
				t.Fatalf("schema changed by a bulk load:\nbefore %q\nafter  %q", before, after)
			}
			page, err := db.QueryEntities(ctx, catalog.Query{Filter: catalog.Filter{Key: "relations.dependsOn", Values: []string{"component:default/c-000"}}})
			if err != nil || page.Total != 200 {
				t.Fatalf("entities depending on c-000: %d, %v; want 200", page.Total, err)
			}
			if e.name != "postgres" {
				return
			}
			if _, err := raw.ExecContext(ctx, `INSERT INTO search (entity_uid, key, value) VALUES ('no-such-entity', 'k', 'v')`); err == nil {
				t.Fatal("a search row of no entity was inserted: the foreign key is gone")
			}
			// A write with a row PostgreSQL cannot store (a NUL in text) is refused before it
			// commits: nothing of it stays.
			other, err := db.CreateLocation(ctx, "file", "/bulk-fails")
			if err != nil {
				t.Fatal(err)
			}
			var bad []catalog.Processed
			for i := range 400 {
				bad = append(bad, storetest.Process(storetest.Entity("Component", fmt.Sprintf("d-%03d", i), storetest.Spec{"type": "service"})))
			}
			nul := "bad\x00value"
			bad[399].Search = append(bad[399].Search, catalog.SearchRow{Key: "spec.bad", Value: &nul, OriginalValue: &nul})
			if _, err := db.ReplaceLocationEntities(ctx, other.ID, bad); !errors.Is(err, catalog.ErrInvalid) {
				t.Fatalf("a search value with a NUL: %v, want ErrInvalid", err)
			}
			if page, err := db.QueryEntities(ctx, catalog.Query{Limit: 1}); err != nil || page.Total != 200 {
				t.Fatalf("after a refused write: %d entities, %v; want the 200 stored before", page.Total, err)
			}
			// Pending rows that fail to load after the indexes are dropped (written behind the
			// store's back, one with a NUL) fail the read that loads them and change nothing:
			// neither rows nor schema.
			uids, err := raw.QueryContext(ctx, `SELECT uid FROM entities ORDER BY uid`)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for uids.Next() {
				var u string
				if err := uids.Scan(&u); err != nil {
					t.Fatal(err)
				}
				all = append(all, u)
			}
			uids.Close()
			for i, u := range all {
				v := "v"
				if i == len(all)-1 {
					v = `bad\u0000value`
				}
				payload := fmt.Sprintf(`{"s":[["k0","v","v"],["k1","v","v"],["k2","v","v"],["k3","v","v"],["k4","v","v"],["k5","v","v"],["k6","v","v"],["k7","v","v"],["k8","v","v"],["k9","%s","v"]],"r":[]}`, v)
				if _, err := raw.ExecContext(ctx, `INSERT INTO pending_rows (entity_uid, payload) VALUES ($1, $2)`, u, payload); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.QueryEntities(ctx, catalog.Query{Limit: 1}); err == nil {
				t.Fatal("pending rows with a NUL loaded")
			}
			if after := schema(); !slices.Equal(before, after) {
				t.Fatalf("schema changed by a failed bulk load:\nbefore %q\nafter  %q", before, after)
			}
			if _, err := raw.ExecContext(ctx, `DELETE FROM pending_rows WHERE entity_uid = $1`, all[len(all)-1]); err != nil {
				t.Fatal(err)
			}
			// The others load; the last entity keeps the rows it had.
			last := all[len(all)-1]
			for _, f := range []struct {
				filter catalog.Filter
				want   int
			}{
				{catalog.Filter{Key: "k0", Values: []string{"v"}}, len(all) - 1},
				{catalog.Filter{Key: "metadata.uid", Values: []string{last}}, 1},
			} {
				if page, err := db.QueryEntities(ctx, catalog.Query{Filter: f.filter, Limit: 1}); err != nil || page.Total != f.want {
					t.Fatalf("%s after the bad record went: %d entities, %v; want %d", f.filter.Key, page.Total, err, f.want)
				}
			}
		})
	}
}

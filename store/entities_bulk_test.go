package store_test

import (
	"context"
	"database/sql"
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
			// A bulk load that fails after the indexes are dropped (PostgreSQL refuses a NUL
			// in text) changes nothing: neither rows nor schema.
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
			if _, err := db.ReplaceLocationEntities(ctx, other.ID, bad); err == nil {
				t.Fatal("a search value with a NUL was stored")
			}
			if after := schema(); !slices.Equal(before, after) {
				t.Fatalf("schema changed by a failed bulk load:\nbefore %q\nafter  %q", before, after)
			}
			if page, err := db.QueryEntities(ctx, catalog.Query{Limit: 1}); err != nil || page.Total != 200 {
				t.Fatalf("after a failed bulk load: %d entities, %v; want the 200 stored before", page.Total, err)
			}
		})
	}
}

package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// TestReplaceLocationChangesEarly: the changes a location write hands its early func
// before it commits are the changes it reports after, but for the version after (empty) and
// the entities it turns away (listed); it reports the version the catalog has once it
// committed; a refused write calls no early func and stores nothing.
func TestReplaceLocationChangesEarly(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t)
			loc, err := db.CreateLocation(ctx, "file", "/early")
			if err != nil {
				t.Fatal(err)
			}
			before, err := db.CatalogVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ps []catalog.Processed
			for i := range 600 { // enough for a bulk load (indexes dropped and made again)
				ps = append(ps, storetest.Process(storetest.Entity("Component", fmt.Sprintf("c-%03d", i),
					storetest.Spec{"owner": "group:default/team", "type": "service", "dependsOn": []any{"component:default/c-000"}})))
			}
			var early []catalog.Changes
			res, ch, err := db.ReplaceLocationEntitiesChanges(ctx, loc.ID, ps, func(c catalog.Changes) { early = append(early, c) })
			if err != nil || res.Added != len(ps) {
				t.Fatalf("ReplaceLocationEntitiesChanges = %+v, %v; want %d added", res, err, len(ps))
			}
			if len(early) != 1 {
				t.Fatalf("early was called %d times, want once", len(early))
			}
			want := ch
			want.After = ""
			if diff := cmp.Diff(want, early[0]); diff != "" {
				t.Fatalf("early changes differ from the reported ones (-reported +early):\n%s", diff)
			}
			after, err := db.CatalogVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Before != before || ch.After != after || len(ch.Written) != len(ps) {
				t.Fatalf("changes: before %s, after %s, %d written; want %s, %s, %d", ch.Before, ch.After, len(ch.Written), before, after, len(ps))
			}
			// Another location's write of one new entity and one the first location has: early
			// gets both, the write reports the one it wrote.
			third, err := db.CreateLocation(ctx, "file", "/early-conflict")
			if err != nil {
				t.Fatal(err)
			}
			both := []catalog.Processed{storetest.Process(storetest.Entity("Component", "new-one", storetest.Spec{"type": "service"})), ps[0]}
			early = nil
			res, ch, err = db.ReplaceLocationEntitiesChanges(ctx, third.ID, both, func(c catalog.Changes) { early = append(early, c) })
			if err != nil || res.Added != 1 || len(res.Conflicts) != 1 {
				t.Fatalf("write with a conflict = %+v, %v; want 1 added, 1 conflict", res, err)
			}
			if len(early) != 1 || len(early[0].Written) != 2 || len(ch.Written) != 1 || ch.Written[0].Ref != "component:default/new-one" {
				t.Fatalf("early got %d calls, reported %d written; want one call with both entities, and new-one reported", len(early), len(ch.Written))
			}
			after, err = db.CatalogVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// A NUL in text, which PostgreSQL refuses: the write refuses the search row before
			// it commits (and before early gets the changes), and nothing of the write stays.
			other, err := db.CreateLocation(ctx, "file", "/early-fails")
			if err != nil {
				t.Fatal(err)
			}
			var bad []catalog.Processed
			for i := range 600 {
				bad = append(bad, storetest.Process(storetest.Entity("Component", fmt.Sprintf("d-%03d", i), storetest.Spec{"type": "service"})))
			}
			nul := "bad\x00value"
			bad[599].Search = append(bad[599].Search, catalog.SearchRow{Key: "spec.bad", Value: &nul, OriginalValue: &nul})
			early = nil
			if _, _, err := db.ReplaceLocationEntitiesChanges(ctx, other.ID, bad, func(c catalog.Changes) { early = append(early, c) }); err == nil {
				t.Fatal("a search value with a NUL was stored")
			}
			if len(early) != 0 {
				t.Fatalf("early got %d calls for a refused write; want none", len(early))
			}
			if v, err := db.CatalogVersion(ctx); err != nil || v != after {
				t.Fatalf("catalog version after a failed write %s, %v; want %s as before it", v, err, after)
			}
			if page, err := db.QueryEntities(ctx, catalog.Query{Limit: 1}); err != nil || page.Total != len(ps)+1 {
				t.Fatalf("after a failed write: %d entities, %v; want the %d stored before", page.Total, err, len(ps)+1)
			}
		})
	}
}

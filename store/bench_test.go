package store_test

import (
	"fmt"
	"testing"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// benchEntities is the size of the benchmark catalog.
const benchEntities = 10_000

// benchEngines runs fn as a sub-benchmark on SQLite and, when DATABASE_URL is set,
// PostgreSQL, each with a catalog of benchEntities entities.
func benchEngines(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	engines := []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			db := e.open(b)
			seedBench(b, db)
			fn(b, db)
		})
	}
}

// seedBench stores benchEntities generated components, APIs and groups in one location.
func seedBench(b *testing.B, db *store.DB) {
	b.Helper()
	seedBenchN(b, db, benchEntities)
}

// seedBenchN stores n generated components, APIs and groups in one location.
func seedBenchN(b *testing.B, db *store.DB, benchEntities int) {
	b.Helper()
	ctx := b.Context()
	loc, err := db.CreateLocation(ctx, "file", "/bench")
	if err != nil {
		b.Fatal(err)
	}
	types := []string{"service", "website", "library", "job"}
	lifecycles := []string{"production", "experimental", "deprecated"}
	ps := make([]catalog.Processed, 0, benchEntities)
	for i := range benchEntities {
		var e catalog.Entity
		owner := fmt.Sprintf("group:default/team-%03d", i%100)
		switch {
		case i < 100:
			e = storetest.Entity("Group", fmt.Sprintf("team-%03d", i), storetest.Spec{"type": "team", "children": []any{}})
		case i%5 == 0:
			e = storetest.Entity("API", fmt.Sprintf("api-%05d", i), storetest.Spec{"type": "openapi",
				"lifecycle": lifecycles[i%3], "owner": owner, "definition": "openapi: 3.0.0"})
		default:
			e = storetest.Entity("Component", fmt.Sprintf("component-%05d", i), storetest.Spec{"type": types[i%4],
				"lifecycle": lifecycles[i%3], "owner": owner, "dependsOn": []any{fmt.Sprintf("component:default/component-%05d", (i*7)%benchEntities)}})
			e.Metadata.Description = fmt.Sprintf("Component number %d of the benchmark catalog", i)
			e.Metadata.Tags = []string{types[i%4], fmt.Sprintf("tag-%d", i%17)}
		}
		ps = append(ps, storetest.Process(e))
	}
	if _, err := db.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkByRef(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		i := 0
		for b.Loop() {
			n := 101 + (i*37)%9000
			if n%5 == 0 {
				n++ // multiples of 5 are APIs
			}
			ref := fmt.Sprintf("component:default/component-%05d", n)
			if i%5 == 4 {
				ref = "component:default/missing"
			}
			if _, err := db.EntityByRef(b.Context(), ref); err != nil && i%5 != 4 {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkQueryFilterCursor reads one page per iteration, paging through the components
// of one type in name order by cursor and starting over at the end.
func BenchmarkQueryFilterCursor(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		q := catalog.Query{
			Filter:  catalog.Filter{AllOf: []catalog.Filter{{Key: "kind", Values: []string{"component"}}, {Key: "spec.type", Values: []string{"service"}}}},
			OrderBy: []catalog.Order{{Field: "metadata.name"}},
			Limit:   50,
		}
		for b.Loop() {
			page, err := db.QueryEntities(b.Context(), q)
			if err != nil {
				b.Fatal(err)
			}
			q.After = nil
			if page.HasMore {
				q.After = &page.Positions[len(page.Positions)-1]
			}
		}
	})
}

func BenchmarkFacets(b *testing.B) {
	benchEngines(b, func(b *testing.B, db *store.DB) {
		filter := catalog.Filter{Key: "kind", Values: []string{"component"}}
		facets := []string{"spec.type", "spec.lifecycle", "metadata.tags"}
		for b.Loop() {
			if _, err := db.Facets(b.Context(), filter, facets); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package store_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkReplaceLocation10k stores 10,000 entities of one location into an empty
// database: the store's part of ingesting a large location. load-ms is the loading of the
// write's pending search and relation rows that follows it (untimed; a filtered read loads
// them at once, instead of the background load a second later).
func BenchmarkReplaceLocation10k(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(e.Name, func(b *testing.B) {
			var load time.Duration
			for b.Loop() {
				b.StopTimer()
				db := e.Open(b)
				b.StartTimer()
				seedBenchN(b, db, benchEntities)
				b.StopTimer()
				start := time.Now()
				q := catalog.Query{Filter: catalog.Filter{Key: "kind", Values: []string{"component"}}, Limit: 1}
				if _, err := db.QueryEntities(b.Context(), q); err != nil {
					b.Fatal(err)
				}
				load += time.Since(start)
				b.StartTimer()
			}
			b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms")
		})
	}
}

// BenchmarkReadModelBuild builds the read model over 10,000 and 100,000 entities and
// reports the heap it holds.
func BenchmarkReadModelBuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("sqlite/%d", n), func(b *testing.B) {
			db := storetest.SQLite(b)
			seedBenchN(b, db, n)
			var m *catalog.ReadModel
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for b.Loop() {
				var err error
				if m, err = catalog.NewReadModel(b.Context(), db); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-held")
			b.ReportMetric(float64(m.Stats().Entities), "entities")
		})
	}
}

// BenchmarkReadModelQuery asks the SQL store and the read model over it the same questions
// at 10,000 entities: a viewer's (visibility-filtered) first page of components with its
// total, the facets of kind, one entity by ref, pages of services in name order by cursor,
// and a filtered lookup of a page's worth of refs.
func BenchmarkReadModelQuery(b *testing.B) {
	db := storetest.SQLite(b)
	seedBench(b, db)
	m, err := catalog.NewReadModel(b.Context(), db)
	if err != nil {
		b.Fatal(err)
	}
	restricted := catalog.Filter{Key: catalog.SearchKeyVisibility, Values: []string{"restricted"}}
	f := catalog.Filter{AllOf: []catalog.Filter{{Key: "kind", Values: []string{"component"}}, {Not: &restricted}}}
	for _, s := range []struct {
		name  string
		store catalog.Store
	}{{"sql", db}, {"model", m}} {
		b.Run(s.name+"/by-query", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.store.QueryEntities(b.Context(), catalog.Query{Filter: f, Limit: 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/facets", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.store.Facets(b.Context(), catalog.Filter{Not: &restricted}, []string{"kind"}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/by-ref", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.store.EntityByRef(b.Context(), "component:default/component-00421"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/cursor", func(b *testing.B) {
			q := catalog.Query{
				Filter:  catalog.Filter{AllOf: []catalog.Filter{f, {Key: "spec.type", Values: []string{"service"}}}},
				OrderBy: []catalog.Order{{Field: "metadata.name"}},
				Limit:   20,
			}
			for b.Loop() {
				page, err := s.store.QueryEntities(b.Context(), q)
				if err != nil {
					b.Fatal(err)
				}
				q.After = nil
				if page.HasMore {
					q.After = &page.Positions[len(page.Positions)-1]
				}
			}
		})
		b.Run(s.name+"/by-refs", func(b *testing.B) {
			refs := make([]string, 20)
			for i := range refs {
				refs[i] = fmt.Sprintf("component:default/component-%05d", 101+i*37)
			}
			for b.Loop() {
				if _, err := s.store.EntitiesByRefs(b.Context(), refs, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

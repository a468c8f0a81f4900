package store_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkReadModelHeld ingests 10,000 entities into SQLite, then builds the read model
// over them and reports what the model keeps live: heap objects (what the garbage
// collector marks on every cycle), heap bytes and the build time. Set INGEST_YAML to a file
// (e.g. one made by ../shared/peers/gen-entities.py -n 10000) to load that instead of the
// generated catalog, and HELD_PROFILE to a file to write a heap profile while the last
// model built is live (go tool pprof -sample_index=inuse_objects).
func BenchmarkReadModelHeld(b *testing.B) {
	ctx := auth.NewContext(b.Context(), auth.System())
	dir, file := benchCatalogFile(b)
	db := storetest.SQLite(b)
	if _, err := catalog.NewService(db, []string{dir}).AddLocation(ctx, "file", file, false); err != nil {
		b.Fatal(err)
	}
	var objects, bytes uint64
	var build time.Duration
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		m, err := catalog.NewReadModel(b.Context(), db)
		if err != nil {
			b.Fatal(err)
		}
		build += time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		objects += after.HeapObjects - before.HeapObjects
		bytes += after.HeapAlloc - before.HeapAlloc
		if out := os.Getenv("HELD_PROFILE"); out != "" {
			writeHeapProfile(b, out)
		}
		runtime.KeepAlive(m)
	}
	n := uint64(b.N)
	b.ReportMetric(float64(objects/n), "objects-held")
	b.ReportMetric(float64(bytes/n)/(1<<20), "MiB-held")
	b.ReportMetric(float64(build.Milliseconds())/float64(b.N), "build-ms")
}

// writeHeapProfile writes the heap profile as of the last garbage collection to file.
func writeHeapProfile(b *testing.B, file string) {
	b.Helper()
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

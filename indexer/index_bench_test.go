package indexer_test

import (
	"testing"
	"time"

	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkIndex indexes 2,000 docs (6,000 chunks) into an empty store with the local
// embedders, training LSA on the way, and reports chunks per second for the whole run
// (scan, train, embed, sync).
func BenchmarkIndex(b *testing.B) {
	docs := testDocs(2000)
	var chunks int
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		db := storetest.New(b)
		svc := newTestService(b, db, nil)
		b.StartTimer()
		start := time.Now()
		res, err := svc.Index(b.Context(), []indexer.Source{&sliceSource{name: "docs", docs: docs}}, nil)
		if err != nil {
			b.Fatalf("Index: %v", err)
		}
		elapsed += time.Since(start)
		chunks += res.Chunks
	}
	b.ReportMetric(float64(chunks)/elapsed.Seconds(), "chunks/s")
}

package indexer_test

import (
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// BenchmarkSearch measures Service.Search per mode as a viewer (visibility filtering on;
// a fifth of the documents are restricted) over 6,000 documents, 18,000 chunks, with the
// local LSA embedder, on the engine storetest.New picks. The HTTP load run
// (scripts/searchload.sh) measures the same at 100,000 chunks, with concurrency.
func BenchmarkSearch(b *testing.B) {
	if testing.Short() {
		b.Skip("indexes 18,000 chunks first")
	}
	db := storetest.New(b)
	svc := newTestService(b, db, nil)
	if _, err := svc.Index(auth.NewContext(b.Context(), auth.System()), []indexer.Source{&sliceSource{name: "docs", docs: testDocs(6000)}}, nil); err != nil {
		b.Fatal(err)
	}
	viewer := auth.NewContext(b.Context(), auth.Principal{Kind: auth.KindService, Subject: "bench", Name: "bench",
		Role: auth.RoleViewer, Scope: auth.ScopeRead})
	queries := []string{"ledger postings lag", "how do I restart the pods", "service-0420 deploy", "refund queues migrations",
		"who owns card tokens", "finance platform release train"}
	for _, mode := range []indexer.Mode{indexer.ModeLexical, indexer.ModeVector, indexer.ModeHybrid} {
		b.Run(string(mode), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				res, err := svc.Search(viewer, indexer.Query{Text: queries[i%len(queries)], Mode: mode, Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Results) == 0 {
					b.Fatalf("no results for %q", queries[i%len(queries)])
				}
			}
		})
	}
}

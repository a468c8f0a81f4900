package indexer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// A run cut short at any point, then a rerun by a fresh Service (as after a crash), ends
// in exactly the state of one clean run: the same documents, chunks and vectors.
func TestIndexResumesAfterInterruption(t *testing.T) {
	tests := []struct {
		name string
		// local uses the local embedders (training LSA on the 300 chunks), else Hashed
		// is configured.
		local bool
		// The run is cancelled after the source yields stopAfterDoc documents, or when the
		// embedder is called for the stopAtEmbed-th time.
		stopAfterDoc, stopAtEmbed int
	}{
		{name: "scan, configured embedder", stopAfterDoc: 7},
		{name: "scan, local embedder", local: true, stopAfterDoc: 41},
		{name: "second embedding page", stopAtEmbed: 2},
	}
	docs := testDocs(100) // 300 chunks: two embedding pages, and enough to train LSA
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			embedder := func(ctx context.Context, cancel context.CancelFunc) indexer.Embedder {
				if tt.local {
					return nil
				}
				return &countingEmbedder{Embedder: indexer.NewHashed(64), before: func(call int) error {
					if call == tt.stopAtEmbed {
						cancel()
						return ctx.Err()
					}
					return nil
				}}
			}

			clean := storetest.New(t)
			cleanSvc := newTestService(t, clean, embedder(t.Context(), func() {}))
			mustIndex(t, cleanSvc, &sliceSource{name: "docs", docs: docs})

			cut := storetest.New(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			src := &sliceSource{name: "docs", docs: docs, onYield: func(n int) {
				if n == tt.stopAfterDoc {
					cancel()
				}
			}}
			_, err := newTestService(t, cut, embedder(ctx, cancel)).Index(ctx, []indexer.Source{src}, nil)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted Index = %v, want context.Canceled", err)
			}
			if got, want := len(mustHashes(t, cut, "docs")), len(docs); got == 0 || got == want && tt.stopAtEmbed == 0 {
				t.Fatalf("interrupted Index stored %d of %d documents, want some but not all", got, want)
			}

			src.onYield = nil
			cutSvc := newTestService(t, cut, embedder(t.Context(), func() {}))
			mustIndex(t, cutSvc, src)
			want, got := mustServiceStats(t, cleanSvc), mustServiceStats(t, cutSvc)
			// Seqs count writes, which an interrupted run makes more of.
			want.LastSeq, want.LexicalSeq, got.LastSeq, got.LexicalSeq = 0, 0, 0, 0
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Service.Stats after rerun (-clean +rerun):\n%s", diff)
			}
			if want.Vectors != want.Chunks || want.LexicalChunks != want.Chunks {
				t.Errorf("clean run Stats = %+v, want every chunk embedded and in bleve", want)
			}
			if diff := cmp.Diff(mustHashes(t, clean, "docs"), mustHashes(t, cut, "docs")); diff != "" {
				t.Errorf("document hashes after rerun (-clean +rerun):\n%s", diff)
			}
			if diff := cmp.Diff(storedState(t, clean), storedState(t, cut)); diff != "" {
				t.Errorf("stored documents and chunks after rerun (-clean +rerun):\n%s", diff)
			}
		})
	}
}

func mustServiceStats(t *testing.T, svc *indexer.Service) indexer.ServiceStats {
	t.Helper()
	st, err := svc.Stats(t.Context())
	if err != nil {
		t.Fatalf("Service.Stats: %v", err)
	}
	return st
}

// storedState replays the change feed of db into the live documents and their chunks,
// with vectors.
func storedState(t *testing.T, db *store.DB) map[string]indexer.Change {
	t.Helper()
	state := map[string]indexer.Change{}
	var after int64
	for {
		changes, err := db.Changes(t.Context(), after, 100)
		if err != nil {
			t.Fatalf("Changes: %v", err)
		}
		if len(changes) == 0 {
			return state
		}
		for _, c := range changes {
			after = c.Seq
			if c.Deleted {
				delete(state, c.DocID)
				continue
			}
			c.Seq = 0
			state[c.DocID] = c
		}
	}
}

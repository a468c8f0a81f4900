package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// testIndexConcurrentPuts checks that concurrent writers get distinct, gapless change
// numbers: a reader paging through the feed sees every write exactly once.
func testIndexConcurrentPuts(t *testing.T, db *store.DB) {
	const writers, each = 4, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				d := IndexDoc(fmt.Sprintf("doc:%d-%d", w, i), "docs", auth.VisibilityInternal)
				if err := db.PutDocument(t.Context(), d, IndexChunks(d, 2, "", nil)); err != nil {
					t.Errorf("PutDocument(%s): %v", d.ID, err)
				}
			}
		})
	}
	wg.Wait()
	var after int64
	seen := map[string]bool{}
	for {
		cs, err := db.Changes(t.Context(), after, 7)
		if err != nil {
			t.Fatalf("Changes(%d, 7): %v", after, err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			if c.Seq != after+1 {
				t.Errorf("change after %d has seq %d, want %d", after, c.Seq, after+1)
			}
			seen[c.DocID] = true
			after = c.Seq
		}
	}
	if len(seen) != writers*each || after != writers*each {
		t.Errorf("paging the feed saw %d documents up to seq %d, want %d up to %d", len(seen), after, writers*each, writers*each)
	}
}

// testIndexConcurrentWriters runs puts, vector updates and deletes of the same documents at
// once: none may fail (as writers locking rows in different orders would, deadlocked).
func testIndexConcurrentWriters(t *testing.T, db *store.DB) {
	docs := make([]indexer.Document, 4)
	for i := range docs {
		docs[i] = IndexDoc(fmt.Sprintf("doc:%d", i), "docs", auth.VisibilityInternal)
		mustPut(t, db, docs[i], IndexChunks(docs[i], 3, "", nil))
	}
	ctx := t.Context()
	var wg sync.WaitGroup
	for round := range 15 {
		wg.Go(func() {
			d := docs[round%len(docs)]
			if err := db.PutDocument(ctx, d, IndexChunks(d, 3, "", nil)); err != nil {
				t.Errorf("PutDocument(%s): %v", d.ID, err)
			}
		})
		wg.Go(func() {
			vecs := map[string][]float32{}
			for i := range docs {
				vecs[fmt.Sprintf("doc:%d#%d", (i+round)%len(docs), round%3)] = []float32{1, float32(round)}
			}
			if err := db.SetChunkVectors(ctx, "m", vecs); err != nil {
				t.Errorf("SetChunkVectors: %v", err)
			}
		})
		wg.Go(func() {
			ids := []string{docs[(round+1)%len(docs)].ID, docs[(round+3)%len(docs)].ID}
			if err := db.DeleteDocuments(ctx, ids); err != nil {
				t.Errorf("DeleteDocuments(%v): %v", ids, err)
			}
		})
	}
	wg.Wait()
	cs := mustChanges(t, db, 0)
	for i, c := range cs {
		if i > 0 && c.Seq <= cs[i-1].Seq {
			t.Errorf("change %d has seq %d after %d", i, c.Seq, cs[i-1].Seq)
		}
	}
	if last := mustLastSeq(t, db); len(cs) > 0 && last != cs[len(cs)-1].Seq {
		t.Errorf("LastSeq = %d, want the last change's %d", last, cs[len(cs)-1].Seq)
	}
}

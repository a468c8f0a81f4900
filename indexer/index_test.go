package indexer_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

func TestIndexIncremental(t *testing.T) {
	db := storetest.New(t)
	emb := &countingEmbedder{Embedder: indexer.NewHashed(64)}
	svc := newTestService(t, db, emb)
	docs := testDocs(12)
	src := &sliceSource{name: "docs", docs: docs}

	var phases []string
	res, err := svc.Index(t.Context(), []indexer.Source{src}, func(p indexer.Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	})
	if err != nil {
		t.Fatalf("Index: %v", err)
	}
	var wantChunks int
	distinct := map[string]bool{}
	for _, d := range docs {
		for _, text := range chunkTexts(d.Text) {
			wantChunks++
			distinct[text] = true
		}
	}
	want := indexer.IndexResult{Documents: 12, Changed: 12, Chunks: wantChunks, Embedded: wantChunks, Model: emb.Model()}
	if res != want {
		t.Errorf("first Index = %+v, want %+v", res, want)
	}
	if _, texts := emb.texts(); texts != len(distinct) {
		t.Errorf("first Index embedded %d texts, want the %d distinct chunk texts", texts, len(distinct))
	}
	if want := []string{indexer.PhaseScan, indexer.PhaseEmbed, indexer.PhaseSync}; !slices.Equal(phases, want) {
		t.Errorf("progress phases = %v, want %v", phases, want)
	}
	st := mustStats(t, db, emb.Model())
	if st != (indexer.IndexStats{Documents: 12, Chunks: wantChunks, Vectors: wantChunks}) {
		t.Errorf("Stats after first Index = %+v, want 12 documents and %d chunks, all embedded", st, wantChunks)
	}

	t.Run("unchanged", func(t *testing.T) {
		seq := mustLastSeq(t, db)
		emb.reset()
		res := mustIndex(t, svc, src)
		if want := (indexer.IndexResult{Documents: 12, Unchanged: 12, Model: emb.Model()}); res != want {
			t.Errorf("Index over unchanged docs = %+v, want %+v", res, want)
		}
		if calls, _ := emb.texts(); calls != 0 {
			t.Errorf("Index over unchanged docs called the embedder %d times, want 0", calls)
		}
		if got := mustLastSeq(t, db); got != seq {
			t.Errorf("LastSeq = %d after an unchanged run, want %d", got, seq)
		}
	})

	t.Run("one section edited", func(t *testing.T) {
		edited := slices.Clone(docs)
		old := edited[3].Text
		edited[3].Text = strings.Replace(old, "Restart the pods one at a time", "Drain the consumer group first", 1)
		before := map[string]bool{}
		for _, text := range chunkTexts(old) {
			before[text] = true
		}
		changed := 0
		for _, text := range chunkTexts(edited[3].Text) {
			if !before[text] {
				changed++
			}
		}
		if changed == 0 {
			t.Fatal("the edit changed no chunk")
		}
		emb.reset()
		res := mustIndex(t, svc, &sliceSource{name: "docs", docs: edited})
		if res.Changed != 1 || res.Unchanged != 11 || res.Embedded != changed {
			t.Errorf("Index after one edit = %+v, want 1 changed, 11 unchanged, %d embedded", res, changed)
		}
		if _, texts := emb.texts(); texts != changed {
			t.Errorf("Index after one edit embedded %d texts, want %d (the changed chunks)", texts, changed)
		}
		if got := mustHashes(t, db, "docs")[edited[3].ID]; got != indexer.HashDocument(withSource(edited[3], "docs")) {
			t.Errorf("stored hash of the edited doc = %s, want its new hash", got)
		}
	})

	// Runs after the edit above, which it keeps, so that only the deletion is new.
	t.Run("doc deleted", func(t *testing.T) {
		gone := docs[5]
		kept := slices.Delete(slices.Clone(docs), 5, 6)
		kept[3].Text = strings.Replace(kept[3].Text, "Restart the pods one at a time", "Drain the consumer group first", 1)
		res := mustIndex(t, svc, &sliceSource{name: "docs", docs: kept})
		if res.Deleted != 1 || res.Changed != 0 {
			t.Errorf("Index without doc 5 = %+v, want 1 deleted, 0 changed", res)
		}
		if _, ok := mustHashes(t, db, "docs")[gone.ID]; ok {
			t.Errorf("DocumentHashes still holds %s", gone.ID)
		}
		st := mustStats(t, db, emb.Model())
		want := indexer.IndexStats{Documents: 11, Chunks: wantChunks - len(chunkTexts(gone.Text))}
		want.Vectors = want.Chunks
		if st != want {
			t.Errorf("Stats after delete = %+v, want %+v", st, want)
		}
	})
}

func withSource(d indexer.Document, source string) indexer.Document {
	d.Source = source
	return d
}

// A source that fails mid-way stores what it yielded before failing but deletes nothing.
func TestIndexFailingSourceDeletesNothing(t *testing.T) {
	db := storetest.New(t)
	svc := newTestService(t, db, indexer.NewHashed(64))
	docs := testDocs(10)
	mustIndex(t, svc, &sliceSource{name: "docs", docs: docs})
	before := mustHashes(t, db, "docs")

	broken := errors.New("git clone: connection reset")
	edited := slices.Clone(docs[:4])
	edited[0].Title = "renamed"
	_, err := svc.Index(t.Context(), []indexer.Source{&sliceSource{name: "docs", docs: edited, failAfter: 2, fail: broken}}, nil)
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), "docs") {
		t.Fatalf("Index with a failing source = %v, want an error naming the source and wrapping %v", err, broken)
	}
	after := mustHashes(t, db, "docs")
	if len(after) != len(before) {
		t.Errorf("failing source left %d documents, want all %d", len(after), len(before))
	}
	if after[edited[0].ID] == before[edited[0].ID] {
		t.Error("the document yielded before the failure was not stored")
	}
}

func TestIndexWrongDimensions(t *testing.T) {
	db := storetest.New(t)
	svc := newTestService(t, db, liarEmbedder{indexer.NewHashed(16)})
	_, err := svc.Index(t.Context(), []indexer.Source{&sliceSource{name: "docs", docs: testDocs(2)}}, nil)
	if !errors.Is(err, indexer.ErrModelMismatch) {
		t.Fatalf("Index with a wrong-dimension embedder = %v, want ErrModelMismatch", err)
	}
	for _, want := range []string{"hashed-tfidf-16", "16 dimensions", "want 8"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if st := mustStats(t, db, "hashed-tfidf-16"); st.Vectors != 0 {
		t.Errorf("%d vectors stored from a wrong-dimension embedder, want 0", st.Vectors)
	}
}

// liarEmbedder claims 8 dimensions and returns vectors of its real length.
type liarEmbedder struct{ indexer.Embedder }

func (liarEmbedder) Dims() int { return 8 }

// An entity with no text still gets a chunk, holding its title.
func TestIndexEmptyEntity(t *testing.T) {
	db := storetest.New(t)
	svc := newTestService(t, db, indexer.NewHashed(64))
	d := indexer.Document{ID: "entity:group:default/sre", Kind: indexer.KindEntity, Title: "Site reliability"}
	res := mustIndex(t, svc, &sliceSource{name: "catalog", docs: []indexer.Document{d}})
	if res.Chunks != 1 {
		t.Fatalf("Index of an empty entity wrote %d chunks, want 1", res.Chunks)
	}
	chunks, err := db.ChunksByIDs(t.Context(), []string{d.ID + "#0"})
	if err != nil {
		t.Fatal(err)
	}
	if got := chunks[d.ID+"#0"].Text; got != "Site reliability" {
		t.Errorf("chunk text = %q, want the title", got)
	}
}

// A source that yields one ID twice keeps the first, so that reruns agree and write
// nothing.
func TestIndexRepeatedIDFirstWins(t *testing.T) {
	db := storetest.New(t)
	svc := newTestService(t, db, indexer.NewHashed(64))
	docs := testDocs(3)
	twin := docs[1]
	twin.Text = "# Other\n\nA different text under the same id."
	src := &sliceSource{name: "docs", docs: append(docs, twin)}
	if res := mustIndex(t, svc, src); res.Documents != 3 || res.Changed != 3 {
		t.Errorf("Index with a repeated id = %+v, want 3 documents changed", res)
	}
	if got, want := mustHashes(t, db, "docs")[twin.ID], indexer.HashDocument(withSource(docs[1], "docs")); got != want {
		t.Errorf("stored hash of the repeated id = %s, want the first document's %s", got, want)
	}
	seq := mustLastSeq(t, db)
	if res := mustIndex(t, svc, src); res.Changed != 0 || mustLastSeq(t, db) != seq {
		t.Errorf("rerun with a repeated id = %+v, LastSeq %d; want nothing written (seq %d)", res, mustLastSeq(t, db), seq)
	}
}

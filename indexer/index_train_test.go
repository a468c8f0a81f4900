package indexer_test

import (
	"strings"
	"testing"

	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// With no configured embedder, Index embeds with Hashed until the corpus is large enough,
// then trains LSA and re-embeds every chunk with it; growth by a quarter retrains it.
func TestIndexTrainsLocalModel(t *testing.T) {
	db := storetest.New(t)
	svc := newTestService(t, db, nil)
	ctx := t.Context()

	// 3 chunks per doc: 40 docs stay under the 200-chunk threshold.
	small := &sliceSource{name: "docs", docs: testDocs(40)}
	res := mustIndex(t, svc, small)
	if res.Model != "hashed-tfidf-256" || res.Embedded != res.Chunks {
		t.Fatalf("Index of %d chunks = %+v, want all embedded with hashed-tfidf-256", res.Chunks, res)
	}
	if _, _, ok, err := db.ActiveModel(ctx); err != nil || ok {
		t.Fatalf("ActiveModel after a small corpus: ok %v err %v, want no model", ok, err)
	}

	grown := &sliceSource{name: "docs", docs: testDocs(80)}
	res = mustIndex(t, svc, grown)
	st := mustStats(t, db, res.Model)
	if !strings.HasPrefix(res.Model, "lsa-") || st.Vectors != st.Chunks || st.Chunks < 200 {
		t.Fatalf("Index of %d chunks = %+v, Stats %+v; want every chunk embedded with an lsa model", st.Chunks, res, st)
	}
	if res.Embedded != st.Chunks {
		t.Errorf("Index after training embedded %d chunks, want all %d", res.Embedded, st.Chunks)
	}
	name, _, ok, err := db.ActiveModel(ctx)
	if err != nil || !ok || name != res.Model {
		t.Errorf("ActiveModel = %q, %v, %v; want %q", name, ok, err, res.Model)
	}
	lsa := res.Model

	// A service opened later (the server, after portal index trained) uses the saved model.
	other := newTestService(t, db, nil)
	if res := mustIndex(t, other, grown); res.Model != lsa || res.Embedded != 0 || res.Changed != 0 {
		t.Errorf("Index by a second service = %+v, want model %s and nothing to do", res, lsa)
	}

	// Under a quarter more chunks: the model stays.
	res = mustIndex(t, svc, &sliceSource{name: "docs", docs: testDocs(99)})
	if res.Model != lsa || res.Embedded != res.Chunks {
		t.Errorf("Index after +%d docs = %+v, want model %s and only the new chunks embedded", 19, res, lsa)
	}

	res = mustIndex(t, svc, &sliceSource{name: "docs", docs: testDocs(100)})
	st = mustStats(t, db, res.Model)
	if res.Model == lsa || !strings.HasPrefix(res.Model, "lsa-") {
		t.Fatalf("Index after the corpus grew by a quarter: model %s, want a new lsa model", res.Model)
	}
	if res.Embedded != st.Chunks || st.Vectors != st.Chunks {
		t.Errorf("after retraining: embedded %d, Stats %+v; want all %d chunks re-embedded", res.Embedded, st, st.Chunks)
	}
}

// With a configured embedder, Index never trains a local model.
func TestIndexConfiguredEmbedderNeverTrains(t *testing.T) {
	db := storetest.New(t)
	emb := &countingEmbedder{Embedder: indexer.NewHashed(32)}
	svc := newTestService(t, db, emb)
	res := mustIndex(t, svc, &sliceSource{name: "docs", docs: testDocs(100)})
	if res.Model != emb.Model() {
		t.Errorf("Index model = %s, want the configured %s", res.Model, emb.Model())
	}
	if _, _, ok, err := db.ActiveModel(t.Context()); err != nil || ok {
		t.Errorf("ActiveModel after indexing with a configured embedder: ok %v err %v, want none", ok, err)
	}
}

// Training twice on the same chunks must give the same model bit for bit, even on a
// corpus with repeated structure (many equal singular values), or a rerun after a crash
// would embed differently from a clean run.
func TestTrainLSABitForBit(t *testing.T) {
	var texts []string
	for _, d := range testDocs(100) {
		texts = append(texts, chunkTexts(d.Text)...)
	}
	var first []byte
	for range 4 {
		m, err := indexer.TrainLSA(texts, 128, 1)
		if err != nil {
			t.Fatalf("TrainLSA: %v", err)
		}
		data, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary: %v", err)
		}
		if first == nil {
			first = data
		} else if string(data) != string(first) {
			t.Fatalf("training on the same %d chunks gave another model (%s)", len(texts), m.Model())
		}
	}
}

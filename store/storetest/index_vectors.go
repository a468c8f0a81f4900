package storetest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// oddFloats are float32 values whose text forms are easy to get wrong: they must come back
// bit for bit.
var oddFloats = []float32{1.0 / 3, -0.1, 1e-38, math.SmallestNonzeroFloat32, math.MaxFloat32, -2.5e-7, 0, 0.70710677}

// unitVector returns a dims-long vector with 1 at i (mod dims).
func unitVector(dims, i int) []float32 {
	v := make([]float32, dims)
	v[i%dims] = 1
	return v
}

func testIndexByIDs(t *testing.T, db *store.DB) {
	ctx := t.Context()
	a := IndexDoc("doc:a", "techdocs", auth.VisibilityRestricted, "group:default/team-a", "user:default/jane")
	b := IndexDoc("doc:b", "techdocs", "")
	b.Fields = nil
	mustPut(t, db, a, IndexChunks(a, 2, "m", func(i int) []float32 { return unitVector(4, i) }))
	mustPut(t, db, b, IndexChunks(b, 1, "", nil))
	if err := db.DeleteDocuments(ctx, []string{"doc:b"}); err != nil {
		t.Fatalf("DeleteDocuments: %v", err)
	}
	docs, err := db.DocumentsByIDs(ctx, []string{"doc:a", "doc:b", "doc:missing"})
	if err != nil {
		t.Fatalf("DocumentsByIDs: %v", err)
	}
	want := a
	want.Text = ""
	if diff := cmp.Diff(map[string]indexer.Document{"doc:a": want}, docs); diff != "" {
		t.Errorf("DocumentsByIDs (-want +got):\n%s", diff)
	}
	chunks, err := db.ChunksByIDs(ctx, []string{"doc:a#1", "doc:b#0", "doc:a#9"})
	if err != nil {
		t.Fatalf("ChunksByIDs: %v", err)
	}
	wantChunk := IndexChunks(a, 2, "", nil)[1]
	wantChunk.Model = "m"
	if diff := cmp.Diff(map[string]indexer.StoredChunk{"doc:a#1": wantChunk}, chunks); diff != "" {
		t.Errorf("ChunksByIDs (-want +got):\n%s", diff)
	}
	if docs, err := db.DocumentsByIDs(ctx, nil); err != nil || len(docs) != 0 {
		t.Errorf("DocumentsByIDs(nil) = %v, %v; want none", docs, err)
	}
}

func testIndexUnicode(t *testing.T, db *store.DB) {
	d := IndexDoc("doc:dir:wiki:Ünïcode/日本語.md", "docs", auth.VisibilityRestricted,
		"group:default/a b", `group:default/c"d`, "group:default/e,f", "{x}", "NULL", `back\slash`, "")
	d.Title = "Café ☕ — naïve 🙂"
	d.Text = "Zeile mit Umlauten äöü, 中文文本, emoji 👩‍💻, RTL עברית, combining e\u0301, quotes ' \" `"
	d.Fields = map[string][]string{indexer.FieldTags: {"ünïcode", "日本"}, indexer.FieldOwner: {"group:default/équipe"}}
	chunks := IndexChunks(d, 2, "", nil)
	chunks[1].Text, chunks[1].Heading = d.Text, "Überschrift > 見出し"
	mustPut(t, db, d, chunks)
	cs := mustChanges(t, db, 0)
	if len(cs) != 1 {
		t.Fatalf("Changes = %d changes, want 1", len(cs))
	}
	if diff := cmp.Diff(d, cs[0].Document); diff != "" {
		t.Errorf("unicode document round trip (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(chunks, cs[0].Chunks); diff != "" {
		t.Errorf("unicode chunks round trip (-want +got):\n%s", diff)
	}
}

func testIndexCache(t *testing.T, db *store.DB) {
	ctx := t.Context()
	vecs := map[string][]float32{"h1": oddFloats, "h2": unitVector(8, 3)}
	if err := db.PutEmbeddings(ctx, "m1", vecs); err != nil {
		t.Fatalf("PutEmbeddings: %v", err)
	}
	if err := db.PutEmbeddings(ctx, "m2", map[string][]float32{"h1": unitVector(3, 0)}); err != nil {
		t.Fatalf("PutEmbeddings(m2): %v", err)
	}
	got, err := db.CachedEmbeddings(ctx, "m1", []string{"h1", "h2", "h3"})
	if err != nil {
		t.Fatalf("CachedEmbeddings: %v", err)
	}
	if diff := cmp.Diff(vecs, got); diff != "" {
		t.Errorf("CachedEmbeddings(m1) (-want +got):\n%s", diff)
	}
	for i, x := range got["h1"] {
		if math.Float32bits(x) != math.Float32bits(oddFloats[i]) {
			t.Errorf("cached h1[%d] = %g (bits %x), want %g (bits %x)", i, x, math.Float32bits(x), oddFloats[i], math.Float32bits(oddFloats[i]))
		}
	}
	// Storing a hash again replaces its vector; other models keep theirs.
	if err := db.PutEmbeddings(ctx, "m1", map[string][]float32{"h2": unitVector(8, 5)}); err != nil {
		t.Fatalf("PutEmbeddings again: %v", err)
	}
	got, err = db.CachedEmbeddings(ctx, "m2", []string{"h1", "h2"})
	if diff := cmp.Diff(map[string][]float32{"h1": unitVector(3, 0)}, got); err != nil || diff != "" {
		t.Errorf("CachedEmbeddings(m2) = %v (-want +got):\n%s", err, diff)
	}
	got, err = db.CachedEmbeddings(ctx, "m1", []string{"h2"})
	if diff := cmp.Diff(map[string][]float32{"h2": unitVector(8, 5)}, got); err != nil || diff != "" {
		t.Errorf("CachedEmbeddings(m1, h2) after replacing it = %v (-want +got):\n%s", err, diff)
	}
	// Many hashes at once (more than one statement's worth of parameters).
	many := map[string][]float32{}
	var hashes []string
	for i := range 700 {
		h := fmt.Sprintf("hash-%04d", i)
		many[h], hashes = unitVector(16, i), append(hashes, h)
	}
	if err := db.PutEmbeddings(ctx, "m3", many); err != nil {
		t.Fatalf("PutEmbeddings(700): %v", err)
	}
	if got, err := db.CachedEmbeddings(ctx, "m3", hashes); err != nil || !cmp.Equal(many, got) {
		t.Errorf("CachedEmbeddings(700) = %d vectors, %v; want the 700 stored", len(got), err)
	}
}

func testIndexPending(t *testing.T, db *store.DB) {
	ctx := t.Context()
	a, b := IndexDoc("doc:a", "docs", auth.VisibilityPublic), IndexDoc("doc:b", "docs", auth.VisibilityPublic)
	mustPut(t, db, a, IndexChunks(a, 3, "", nil))
	mustPut(t, db, b, IndexChunks(b, 2, "old", func(i int) []float32 { return unitVector(2, i) }))
	ids := func(cs []indexer.StoredChunk) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
			if c.Vector != nil || c.Text == "" || c.Hash == "" {
				t.Errorf("pending chunk %s: vector %v, text %q, hash %q; want no vector, a text and a hash", c.ID, c.Vector, c.Text, c.Hash)
			}
		}
		return out
	}
	pending, err := db.PendingChunks(ctx, "new", 4)
	if err != nil {
		t.Fatalf("PendingChunks(new, 4): %v", err)
	}
	if got, want := ids(pending), []string{"doc:a#0", "doc:a#1", "doc:a#2", "doc:b#0"}; !slices.Equal(got, want) {
		t.Errorf("PendingChunks(new, 4) = %v, want %v", got, want)
	}
	if pending, err = db.PendingChunks(ctx, "old", 10); err != nil || !slices.Equal(ids(pending), []string{"doc:a#0", "doc:a#1", "doc:a#2"}) {
		t.Errorf("PendingChunks(old) = %v, %v; want the 3 chunks of doc:a", ids(pending), err)
	}
	before := mustLastSeq(t, db)
	set := map[string][]float32{"doc:a#1": oddFloats, "doc:b#0": unitVector(8, 1), "doc:gone#0": unitVector(8, 2)}
	if err := db.SetChunkVectors(ctx, "new", set); err != nil {
		t.Fatalf("SetChunkVectors: %v", err)
	}
	cs := mustChanges(t, db, before)
	if len(cs) != 2 || cs[0].Seq != before+1 || cs[1].Seq != before+2 {
		t.Fatalf("Changes after SetChunkVectors on 2 documents = %d changes, want 2 with new seqs", len(cs))
	}
	for _, c := range cs {
		for _, ch := range c.Chunks {
			want, ok := set[ch.ID]
			if ok && (ch.Model != "new" || !cmp.Equal(ch.Vector, want)) {
				t.Errorf("chunk %s after SetChunkVectors: model %q vector %v, want new %v", ch.ID, ch.Model, ch.Vector, want)
			}
			if !ok && ch.Model == "new" {
				t.Errorf("chunk %s: model new, but no vector was set for it", ch.ID)
			}
		}
	}
	if pending, err = db.PendingChunks(ctx, "new", 0); err != nil || !slices.Equal(ids(pending), []string{"doc:a#0", "doc:a#2", "doc:b#1"}) {
		t.Errorf("PendingChunks(new) after SetChunkVectors = %v, %v; want doc:a#0, doc:a#2, doc:b#1", ids(pending), err)
	}
	if s, err := db.Stats(ctx, "new"); err != nil || s != (indexer.IndexStats{Documents: 2, Chunks: 5, Vectors: 2}) {
		t.Errorf("Stats(new) = %+v, %v; want 2 documents, 5 chunks, 2 vectors", s, err)
	}
	if err := db.SetChunkVectors(ctx, "new", map[string][]float32{"doc:gone#1": {1}}); err != nil {
		t.Fatalf("SetChunkVectors of unknown chunks: %v", err)
	}
	if seq := mustLastSeq(t, db); seq != before+2 {
		t.Errorf("LastSeq after SetChunkVectors of unknown chunks = %d, want %d (unchanged)", seq, before+2)
	}
}

func testIndexChunkTexts(t *testing.T, db *store.DB) {
	// More chunks than one page of the store's reads, over docs whose ids sort apart from
	// their insertion order.
	var all []indexer.StoredChunk
	for _, id := range []string{"doc:c", "doc:a", "doc:b"} {
		d := IndexDoc(id, "docs", auth.VisibilityInternal)
		chunks := IndexChunks(d, 400, "", nil)
		mustPut(t, db, d, chunks)
		all = append(all, chunks...)
	}
	slices.SortFunc(all, func(a, b indexer.StoredChunk) int { return strings.Compare(a.ID, b.ID) })
	var want []string
	for _, c := range all {
		want = append(want, c.Text)
	}
	var got []string
	err := db.ChunkTexts(t.Context(), func(text string) error {
		got = append(got, text)
		return nil
	})
	if err != nil {
		t.Fatalf("ChunkTexts: %v", err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ChunkTexts (-want +got):\n%s", diff)
	}
	stop := errors.New("enough")
	n := 0
	err = db.ChunkTexts(t.Context(), func(string) error {
		if n++; n == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 5 {
		t.Errorf("ChunkTexts with fn failing at call 5: %v after %d calls, want the fn's error after 5", err, n)
	}
}

func testIndexModels(t *testing.T, db *store.DB) {
	ctx := t.Context()
	if name, data, ok, err := db.ActiveModel(ctx); err != nil || ok || name != "" || data != nil {
		t.Errorf("ActiveModel of an empty store = %q, %v, %v, %v; want nothing", name, data, ok, err)
	}
	if name, ok, err := db.ActiveModelName(ctx); err != nil || ok || name != "" {
		t.Errorf("ActiveModelName of an empty store = %q, %v, %v; want nothing", name, ok, err)
	}
	steps := []struct {
		name string
		data []byte
	}{
		{"lsa-128-a", []byte{0, 1, 2, 255}},
		{"lsa-128-b", []byte("model b")},
		{"lsa-128-a", []byte("model a, retrained")},
	}
	for _, s := range steps {
		if err := db.SaveModel(ctx, s.name, s.data); err != nil {
			t.Fatalf("SaveModel(%s): %v", s.name, err)
		}
		name, data, ok, err := db.ActiveModel(ctx)
		if err != nil || !ok || name != s.name || string(data) != string(s.data) {
			t.Errorf("ActiveModel after SaveModel(%s, %q) = %q, %q, %v, %v", s.name, s.data, name, data, ok, err)
		}
		if name, ok, err := db.ActiveModelName(ctx); err != nil || !ok || name != s.name {
			t.Errorf("ActiveModelName after SaveModel(%s) = %q, %v, %v", s.name, name, ok, err)
		}
	}
}

func testIndexMixedDims(t *testing.T, db *store.DB) {
	ctx := t.Context()
	big := make([]float32, 1536)
	for i := range big {
		big[i] = float32(math.Sin(float64(i))) / 27.7
	}
	a, b := IndexDoc("doc:a", "docs", auth.VisibilityPublic), IndexDoc("doc:b", "docs", auth.VisibilityPublic)
	mustPut(t, db, a, IndexChunks(a, 2, "text-embedding-3-small", func(int) []float32 { return big }))
	mustPut(t, db, b, IndexChunks(b, 2, "lsa-128", func(i int) []float32 { return unitVector(128, i) }))
	if err := db.PutEmbeddings(ctx, "text-embedding-3-small", map[string][]float32{"x": big}); err != nil {
		t.Fatalf("PutEmbeddings(1536 dims): %v", err)
	}
	if err := db.PutEmbeddings(ctx, "lsa-128", map[string][]float32{"x": unitVector(128, 7)}); err != nil {
		t.Fatalf("PutEmbeddings(128 dims): %v", err)
	}
	for _, c := range mustChanges(t, db, 0) {
		for _, ch := range c.Chunks {
			want := map[string]int{"doc:a": 1536, "doc:b": 128}[c.DocID]
			if len(ch.Vector) != want {
				t.Errorf("chunk %s: %d dims, want %d", ch.ID, len(ch.Vector), want)
			}
		}
	}
	got, err := db.CachedEmbeddings(ctx, "text-embedding-3-small", []string{"x"})
	if err != nil || !cmp.Equal(got["x"], big) {
		t.Errorf("CachedEmbeddings of the 1536-dim vector: %v, equal %v", err, cmp.Equal(got["x"], big))
	}
	if s, err := db.Stats(ctx, "lsa-128"); err != nil || s.Vectors != 2 {
		t.Errorf("Stats(lsa-128) = %+v, %v; want 2 vectors", s, err)
	}
}

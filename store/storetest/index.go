package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// Index runs the indexer.Store contract against stores from newStore, which must return an
// empty, migrated database for each call.
func Index(t *testing.T, newStore func(t *testing.T) *store.DB) {
	t.Run("HashesPerSource", func(t *testing.T) { testIndexHashes(t, newStore(t)) })
	t.Run("PutReplacesChunks", func(t *testing.T) { testIndexReplace(t, newStore(t)) })
	t.Run("DeleteAndRevive", func(t *testing.T) { testIndexDelete(t, newStore(t)) })
	t.Run("Changes", func(t *testing.T) { testIndexChanges(t, newStore(t)) })
	t.Run("ConcurrentPuts", func(t *testing.T) { testIndexConcurrentPuts(t, newStore(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testIndexConcurrentWriters(t, newStore(t)) })
	t.Run("Epoch", func(t *testing.T) { testIndexEpoch(t, newStore(t), newStore(t)) })
	t.Run("ByIDs", func(t *testing.T) { testIndexByIDs(t, newStore(t)) })
	t.Run("Unicode", func(t *testing.T) { testIndexUnicode(t, newStore(t)) })
	t.Run("EmbeddingCache", func(t *testing.T) { testIndexCache(t, newStore(t)) })
	t.Run("PendingAndVectors", func(t *testing.T) { testIndexPending(t, newStore(t)) })
	t.Run("ChunkTexts", func(t *testing.T) { testIndexChunkTexts(t, newStore(t)) })
	t.Run("Models", func(t *testing.T) { testIndexModels(t, newStore(t)) })
	t.Run("MixedDims", func(t *testing.T) { testIndexMixedDims(t, newStore(t)) })
}

// IndexDoc returns a test document: a doc of source with owner and tags fields, visible as
// vis to allowed.
func IndexDoc(id, source string, vis auth.Visibility, allowed ...string) indexer.Document {
	return indexer.Document{
		ID: id, Kind: indexer.KindDoc, Source: source, EntityRef: "component:default/payments-api",
		Title: "Title of " + id, Text: "# Runbook\n\nText of " + id, URL: "/docs/default/component/payments-api/" + id,
		Fields: map[string][]string{
			indexer.FieldOwner: {"group:default/team-a"},
			indexer.FieldTags:  {"java", "payments"},
		},
		Visibility: vis, Allowed: allowed, UpdatedAt: at(0), Hash: "hash-" + id,
	}
}

// IndexChunks returns n chunks of d with texts made from d's ID, embedded by model with
// vectors from vec(i) when model is not "".
func IndexChunks(d indexer.Document, n int, model string, vec func(i int) []float32) []indexer.StoredChunk {
	out := make([]indexer.StoredChunk, n)
	for i := range out {
		text := fmt.Sprintf("Chunk %d of %s", i, d.ID)
		sum := sha256.Sum256([]byte(text))
		out[i] = indexer.StoredChunk{ID: fmt.Sprintf("%s#%d", d.ID, i), DocID: d.ID, Index: i,
			Anchor: fmt.Sprintf("section-%d", i), Heading: fmt.Sprintf("Runbook > Section %d", i),
			Text: text, Hash: hex.EncodeToString(sum[:])}
		if model != "" {
			out[i].Model, out[i].Vector = model, vec(i)
		}
	}
	return out
}

// mustPut stores d with chunks or fails the test.
func mustPut(t testing.TB, db *store.DB, d indexer.Document, chunks []indexer.StoredChunk) {
	t.Helper()
	if err := db.PutDocument(t.Context(), d, chunks); err != nil {
		t.Fatalf("PutDocument(%s): %v", d.ID, err)
	}
}

// mustChanges returns the changes after after (no limit).
func mustChanges(t *testing.T, db *store.DB, after int64) []indexer.Change {
	t.Helper()
	cs, err := db.Changes(t.Context(), after, 0)
	if err != nil {
		t.Fatalf("Changes(%d): %v", after, err)
	}
	return cs
}

// mustLastSeq returns db.LastSeq or fails the test.
func mustLastSeq(t *testing.T, db *store.DB) int64 {
	t.Helper()
	seq, err := db.LastSeq(t.Context())
	if err != nil {
		t.Fatalf("LastSeq: %v", err)
	}
	return seq
}

func testIndexHashes(t *testing.T, db *store.DB) {
	ctx := t.Context()
	for _, d := range []indexer.Document{
		IndexDoc("doc:a", "techdocs", auth.VisibilityInternal),
		IndexDoc("doc:b", "techdocs", auth.VisibilityPublic),
		IndexDoc("entity:c", "catalog", auth.VisibilityRestricted, "group:default/team-a"),
	} {
		mustPut(t, db, d, IndexChunks(d, 2, "", nil))
	}
	if err := db.DeleteDocuments(ctx, []string{"doc:b"}); err != nil {
		t.Fatalf("DeleteDocuments: %v", err)
	}
	tests := []struct {
		source string
		want   map[string]string
	}{
		{"techdocs", map[string]string{"doc:a": "hash-doc:a"}},
		{"catalog", map[string]string{"entity:c": "hash-entity:c"}},
		{"beir", map[string]string{}},
	}
	for _, tt := range tests {
		got, err := db.DocumentHashes(ctx, tt.source)
		if err != nil {
			t.Fatalf("DocumentHashes(%s): %v", tt.source, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("DocumentHashes(%s) (-want +got):\n%s", tt.source, diff)
		}
	}
}

func testIndexReplace(t *testing.T, db *store.DB) {
	ctx := t.Context()
	d := IndexDoc("doc:a", "techdocs", auth.VisibilityInternal)
	mustPut(t, db, d, IndexChunks(d, 3, "", nil))
	d.Title, d.Hash = "New title", "hash-2"
	mustPut(t, db, d, IndexChunks(d, 2, "", nil))
	got, err := db.ChunksByIDs(ctx, []string{"doc:a#0", "doc:a#1", "doc:a#2"})
	if err != nil {
		t.Fatalf("ChunksByIDs: %v", err)
	}
	if len(got) != 2 || got["doc:a#2"].ID != "" {
		t.Errorf("after putting 2 chunks over 3, ChunksByIDs found %d chunks (%v), want doc:a#0 and doc:a#1", len(got), got)
	}
	cs := mustChanges(t, db, 0)
	if len(cs) != 1 || cs[0].Seq != 2 || len(cs[0].Chunks) != 2 || cs[0].Document.Title != "New title" {
		t.Errorf("Changes after two puts of one document = %+v, want one change, seq 2, 2 chunks, the new title", cs)
	}
	if s, err := db.Stats(ctx, "m"); err != nil || s != (indexer.IndexStats{Documents: 1, Chunks: 2}) {
		t.Errorf("Stats(m) = %+v, %v; want 1 document, 2 chunks, no vectors", s, err)
	}
}

func testIndexDelete(t *testing.T, db *store.DB) {
	ctx := t.Context()
	a, b := IndexDoc("doc:a", "techdocs", auth.VisibilityInternal), IndexDoc("doc:b", "techdocs", auth.VisibilityInternal)
	mustPut(t, db, a, IndexChunks(a, 2, "m", func(int) []float32 { return []float32{1, 0} }))
	mustPut(t, db, b, IndexChunks(b, 1, "", nil))
	if err := db.DeleteDocuments(ctx, []string{"doc:a", "doc:unknown"}); err != nil {
		t.Fatalf("DeleteDocuments: %v", err)
	}
	if seq := mustLastSeq(t, db); seq != 3 {
		t.Errorf("LastSeq after 2 puts and deleting 1 known of 2 ids = %d, want 3", seq)
	}
	// Deleting a deleted document (and nothing) changes nothing.
	for _, ids := range [][]string{{"doc:a"}, nil} {
		if err := db.DeleteDocuments(ctx, ids); err != nil {
			t.Fatalf("DeleteDocuments(%v): %v", ids, err)
		}
	}
	cs := mustChanges(t, db, 2)
	want := []indexer.Change{{Seq: 3, DocID: "doc:a", Deleted: true}}
	if diff := cmp.Diff(want, cs); diff != "" {
		t.Errorf("Changes after the delete (-want +got):\n%s", diff)
	}
	docs, err := db.DocumentsByIDs(ctx, []string{"doc:a", "doc:b"})
	if err != nil || len(docs) != 1 || docs["doc:b"].ID != "doc:b" {
		t.Errorf("DocumentsByIDs(doc:a, doc:b) = %v, %v; want only doc:b", docs, err)
	}
	if chunks, err := db.ChunksByIDs(ctx, []string{"doc:a#0", "doc:a#1", "doc:b#0"}); err != nil || len(chunks) != 1 {
		t.Errorf("ChunksByIDs after deleting doc:a = %v, %v; want only doc:b#0", chunks, err)
	}
	if s, err := db.Stats(ctx, "m"); err != nil || s != (indexer.IndexStats{Documents: 1, Chunks: 1}) {
		t.Errorf("Stats(m) after the delete = %+v, %v; want 1 document, 1 chunk, 0 vectors", s, err)
	}

	// Putting a deleted document revives it.
	mustPut(t, db, a, IndexChunks(a, 1, "", nil))
	cs = mustChanges(t, db, 3)
	if len(cs) != 1 || cs[0].Seq != 4 || cs[0].Deleted || cs[0].Document.Text != a.Text || len(cs[0].Chunks) != 1 {
		t.Errorf("Changes after reviving doc:a = %+v, want one live change with seq 4, its text and 1 chunk", cs)
	}
	if hashes, err := db.DocumentHashes(ctx, "techdocs"); err != nil || len(hashes) != 2 {
		t.Errorf("DocumentHashes after the revival = %v, %v; want doc:a and doc:b", hashes, err)
	}
}

func testIndexChanges(t *testing.T, db *store.DB) {
	if seq := mustLastSeq(t, db); seq != 0 {
		t.Errorf("LastSeq of an empty index = %d, want 0", seq)
	}
	var last int64
	for i := range 5 {
		d := IndexDoc(fmt.Sprintf("doc:%d", i), "docs", auth.VisibilityPublic)
		mustPut(t, db, d, IndexChunks(d, 2, "", nil))
		seq := mustLastSeq(t, db)
		if seq <= last {
			t.Errorf("LastSeq after put %d = %d, want above %d", i, seq, last)
		}
		last = seq
	}
	// Rewriting doc:1 moves it to the end of the feed; it appears once.
	d := IndexDoc("doc:1", "docs", auth.VisibilityPublic)
	mustPut(t, db, d, IndexChunks(d, 1, "", nil))
	want := []string{"doc:0", "doc:2", "doc:3", "doc:4", "doc:1"}
	all := mustChanges(t, db, 0)
	var ids []string
	for i, c := range all {
		ids = append(ids, c.DocID)
		if i > 0 && c.Seq <= all[i-1].Seq {
			t.Errorf("Changes not in Seq order: %d after %d", c.Seq, all[i-1].Seq)
		}
		if c.Document.ID != c.DocID || len(c.Chunks) == 0 || c.Chunks[0].Index != 0 {
			t.Errorf("change %d: Document.ID %q, %d chunks; want %q with its chunks in order", c.Seq, c.Document.ID, len(c.Chunks), c.DocID)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("Changes(0) documents = %v, want %v", ids, want)
	}
	if last := mustLastSeq(t, db); last != all[len(all)-1].Seq {
		t.Errorf("LastSeq = %d, want the last change's seq %d", last, all[len(all)-1].Seq)
	}
	tests := []struct {
		after int64
		limit int
		want  []string
	}{
		{0, 2, want[:2]},
		{all[1].Seq, 2, want[2:4]},
		{all[3].Seq, 10, want[4:]},
		{all[4].Seq, 10, nil},
	}
	for _, tt := range tests {
		cs, err := db.Changes(t.Context(), tt.after, tt.limit)
		if err != nil {
			t.Fatalf("Changes(%d, %d): %v", tt.after, tt.limit, err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.DocID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Changes(%d, %d) = %v, want %v", tt.after, tt.limit, got, tt.want)
		}
	}
}

func testIndexEpoch(t *testing.T, db, other *store.DB) {
	ctx := t.Context()
	e1, err := db.IndexEpoch(ctx)
	if err != nil {
		t.Fatalf("IndexEpoch: %v", err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(e1) {
		t.Errorf("IndexEpoch = %q, want 32 hex digits", e1)
	}
	d := IndexDoc("doc:a", "docs", auth.VisibilityPublic)
	mustPut(t, db, d, nil)
	if e2, err := db.IndexEpoch(ctx); err != nil || e2 != e1 {
		t.Errorf("IndexEpoch after a write = %q, %v; want %q again", e2, err, e1)
	}
	if e3, err := other.IndexEpoch(ctx); err != nil || e3 == e1 {
		t.Errorf("IndexEpoch of another database = %q, %v; want one other than %q", e3, err, e1)
	}
}

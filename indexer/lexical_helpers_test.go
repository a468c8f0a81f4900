package indexer

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
)

// newTestLexical opens a lexical index in a fresh directory, closed at cleanup.
func newTestLexical(t *testing.T) *lexicalIndex {
	t.Helper()
	x, err := openLexical(t.TempDir()+"/bleve", nil)
	if err != nil {
		t.Fatalf("openLexical: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

// lexDoc is a public doc document with the given title; opts adjust it.
func lexDoc(id, title string, opts ...func(*Document)) Document {
	d := Document{ID: id, Kind: KindDoc, Source: "docs", Title: title, Visibility: auth.VisibilityPublic}
	for _, o := range opts {
		o(&d)
	}
	return d
}

// lexChange is the change of Seq seq writing d with one chunk per text; d's Hash is derived
// from its title and the texts unless already set.
func lexChange(seq int64, d Document, texts ...string) Change {
	chunks := make([]StoredChunk, len(texts))
	for i, text := range texts {
		chunks[i] = StoredChunk{ID: d.ID + "#" + strconv.Itoa(i), DocID: d.ID, Index: i, Text: text}
	}
	if d.Hash == "" {
		sum := sha256.Sum256([]byte(d.Title + "\x00" + string(d.Visibility) + "\x00" + strings.Join(texts, "\x00")))
		d.Hash = hex.EncodeToString(sum[:])
	}
	return Change{Seq: seq, DocID: d.ID, Document: d, Chunks: chunks}
}

// lexDelete is the change of Seq seq deleting document id.
func lexDelete(seq int64, id string) Change {
	return Change{Seq: seq, DocID: id, Deleted: true}
}

// lexApply applies changes to x or fails the test.
func lexApply(t *testing.T, x *lexicalIndex, changes ...Change) {
	t.Helper()
	if err := x.apply(changes); err != nil {
		t.Fatalf("apply: %v", err)
	}
}

// lexSearch runs q and returns the chunk IDs found, in order.
func lexSearch(t *testing.T, x *lexicalIndex, q lexicalQuery) []string {
	t.Helper()
	hits, _, err := x.search(t.Context(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ChunkID
		if h.DocID != docIDOf(h.ChunkID) {
			t.Errorf("hit %s has DocID %q", h.ChunkID, h.DocID)
		}
	}
	return ids
}

// lexCount returns x's document count or fails the test.
func lexCount(t *testing.T, x *lexicalIndex) uint64 {
	t.Helper()
	n, err := x.docCount()
	if err != nil {
		t.Fatalf("docCount: %v", err)
	}
	return n
}

// sortedIDs returns a sortedIDs copy of ids.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

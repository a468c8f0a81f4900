package indexer_test

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// openModel is the embedding model named on the vectors the open tests store.
const openModel = "open-test-model"

// openService opens a Service on db with its bleve index in dir, closed at cleanup.
func openService(t *testing.T, db *store.DB, dir string) *indexer.Service {
	t.Helper()
	svc, err := indexer.Open(t.Context(), indexer.Options{Store: db, BleveDir: dir,
		Vectors: db.VectorIndex(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// putOpenDocs stores n public documents named prefix-i with two embedded chunks each.
func putOpenDocs(t *testing.T, db *store.DB, prefix string, n int) {
	t.Helper()
	for i := range n {
		id := fmt.Sprintf("doc:dir:test:%s-%d.md", prefix, i)
		d := indexer.Document{ID: id, Kind: indexer.KindDoc, Source: "docs", Title: prefix + " guide",
			Text: "unused", Visibility: auth.VisibilityPublic}
		texts := []string{fmt.Sprintf("%s setup part %d", prefix, i), prefix + " troubleshooting"}
		d.Hash = indexer.HashDocument(d) + strings.Join(texts, "|")
		chunks := make([]indexer.StoredChunk, len(texts))
		for j, text := range texts {
			chunks[j] = indexer.StoredChunk{ID: fmt.Sprintf("%s#%d", id, j), DocID: id, Index: j, Text: text,
				Hash: fmt.Sprintf("%s-%d-%d", prefix, i, j), Model: openModel, Vector: []float32{1, float32(i), float32(j), 0.5}}
		}
		if err := db.PutDocument(t.Context(), d, chunks); err != nil {
			t.Fatalf("PutDocument %s: %v", id, err)
		}
	}
}

// wantIndexed checks that the bleve index holds chunks chunks and, when svc uses the flat
// index, that it holds as many vectors.
func wantIndexed(t *testing.T, svc *indexer.Service, db *store.DB, chunks int) {
	t.Helper()
	st, err := svc.Stats(t.Context())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if st.LexicalChunks != chunks {
		t.Errorf("bleve holds %d chunks, want %d", st.LexicalChunks, chunks)
	}
	if st.LexicalSeq != st.LastSeq {
		t.Errorf("bleve seq %d, store seq %d", st.LexicalSeq, st.LastSeq)
	}
	if db.VectorIndex() == nil && st.FlatVectors != chunks {
		t.Errorf("flat index holds %d vectors, want %d", st.FlatVectors, chunks)
	}
}

// lexicalTotal returns how many documents a lexical search for text finds anonymously.
func lexicalTotal(t *testing.T, svc *indexer.Service, text string) int {
	t.Helper()
	res, err := svc.Search(t.Context(), indexer.Query{Text: text, Mode: indexer.ModeLexical, Limit: 100})
	if err != nil {
		t.Fatalf("Search %q: %v", text, err)
	}
	return res.Total
}

func TestOpenOptions(t *testing.T) {
	db := storetest.New(t)
	tests := []struct {
		name string
		opts indexer.Options
		want string
	}{
		{"no store", indexer.Options{BleveDir: t.TempDir()}, "Store is required"},
		{"no bleve dir", indexer.Options{Store: db}, "BleveDir is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, err := indexer.Open(t.Context(), tt.opts)
			if err == nil {
				_ = svc.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestOpenBuildsAndSyncs(t *testing.T) {
	db := storetest.New(t)
	putOpenDocs(t, db, "alpha", 5)
	dir := filepath.Join(t.TempDir(), "bleve")
	svc := openService(t, db, dir)
	wantIndexed(t, svc, db, 10)
	if n := lexicalTotal(t, svc, "alpha"); n != 5 {
		t.Errorf("alpha finds %d documents, want 5", n)
	}

	// Another process writes: Sync picks the changes up.
	putOpenDocs(t, db, "beta", 3)
	if err := db.DeleteDocuments(t.Context(), []string{"doc:dir:test:alpha-0.md", "doc:dir:test:alpha-1.md"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Sync(t.Context()); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	wantIndexed(t, svc, db, 12)
	if a, b := lexicalTotal(t, svc, "alpha"), lexicalTotal(t, svc, "beta"); a != 3 || b != 3 {
		t.Errorf("alpha finds %d, beta %d; want 3, 3", a, b)
	}

	// Reopening keeps bleve and refills the flat index from the feed.
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	svc = openService(t, db, dir)
	wantIndexed(t, svc, db, 12)

	var last indexer.Progress
	calls := 0
	if err := svc.Reindex(t.Context(), func(p indexer.Progress) { last = p; calls++ }); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	wantIndexed(t, svc, db, 12)
	if calls == 0 || last.Phase != indexer.PhaseSync || last.Done != 6 || last.Total != 6 {
		t.Errorf("last progress %+v after %d calls, want phase sync, 6 of 6", last, calls)
	}
}

func TestOpenRebuilds(t *testing.T) {
	tests := []struct {
		name string
		// spoil acts between a first Open (on db with 4 documents) and the second, and
		// returns the store the second Open uses and the chunks it should index.
		spoil func(t *testing.T, db *store.DB, dir string) (*store.DB, int)
		// gone is a word that no longer finds anything after the second Open.
		gone string
	}{
		{"another database", func(t *testing.T, _ *store.DB, _ string) (*store.DB, int) {
			// More changes than the first database: only the epoch tells them apart.
			other := storetest.New(t)
			putOpenDocs(t, other, "gamma", 6)
			if err := other.DeleteDocuments(t.Context(), []string{"doc:dir:test:gamma-0.md"}); err != nil {
				t.Fatal(err)
			}
			return other, 10
		}, "alpha"},
		{"a corrupt index", func(t *testing.T, db *store.DB, dir string) (*store.DB, int) {
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
			return db, 8
		}, ""},
		{"a deleted index", func(t *testing.T, db *store.DB, dir string) (*store.DB, int) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			return db, 8
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.New(t)
			putOpenDocs(t, db, "alpha", 4)
			dir := filepath.Join(t.TempDir(), "bleve")
			svc := openService(t, db, dir)
			wantIndexed(t, svc, db, 8)
			if err := svc.Close(); err != nil {
				t.Fatal(err)
			}

			db2, chunks := tt.spoil(t, db, dir)
			svc = openService(t, db2, dir)
			wantIndexed(t, svc, db2, chunks)
			if tt.gone != "" {
				if n := lexicalTotal(t, svc, tt.gone); n != 0 {
					t.Errorf("%s still finds %d documents", tt.gone, n)
				}
			}
		})
	}
}

func TestOpenRebuildsAfterRestore(t *testing.T) {
	// A database restored from a backup has the same epoch but an older last seq than
	// the bleve index built after the backup: Open must rebuild rather than keep chunks
	// the database no longer holds.
	dataDir, backup := t.TempDir(), t.TempDir()
	bleveDir := filepath.Join(t.TempDir(), "bleve")
	openDB := func() *store.DB {
		db, err := store.Open(t.Context(), store.Options{DataDir: dataDir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := openDB()
	putOpenDocs(t, db, "alpha", 2)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	copyDir(t, dataDir, backup)

	db = openDB()
	putOpenDocs(t, db, "beta", 3)
	svc := openService(t, db, bleveDir)
	wantIndexed(t, svc, db, 10)
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	copyDir(t, backup, dataDir)
	db = openDB()
	t.Cleanup(func() { _ = db.Close() })
	svc = openService(t, db, bleveDir)
	wantIndexed(t, svc, db, 4)
	if n := lexicalTotal(t, svc, "beta"); n != 0 {
		t.Errorf("beta finds %d documents after the restore, want 0", n)
	}
}

// copyDir copies the regular files of src into dst, replacing those of the same name and
// removing the others.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	old, err := os.ReadDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range old {
		if err := os.RemoveAll(filepath.Join(dst, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

package indexer_test

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// TestWriteOnlyWhenLocked is `portal index` beside a running server: the server holds the
// bleve index, so the indexing process writes only the store, and the server finds the new
// documents after its next Sync.
func TestWriteOnlyWhenLocked(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the bleve lock to time out")
	}
	db := storetest.New(t)
	dir := filepath.Join(t.TempDir(), "bleve")
	open := func(writeOnly bool) *indexer.Service {
		svc, err := indexer.Open(t.Context(), indexer.Options{Store: db, Vectors: db.VectorIndex(), BleveDir: dir,
			WriteOnlyWhenLocked: writeOnly, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatalf("Open(writeOnly=%v): %v", writeOnly, err)
		}
		t.Cleanup(func() { svc.Close() })
		return svc
	}
	server := open(false)
	cli := open(true)
	mustIndex(t, cli, &sliceSource{name: "docs", docs: testDocs(5)})

	ctx := auth.NewContext(t.Context(), auth.System())
	if _, err := cli.Search(ctx, indexer.Query{Text: "ledger"}); !errors.Is(err, indexer.ErrIndexLocked) {
		t.Errorf("Search on a write-only service = %v, want ErrIndexLocked", err)
	}
	if err := server.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := server.Search(ctx, indexer.Query{Text: "ledger postings", Mode: indexer.ModeLexical})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Errorf("after Sync the server finds nothing the write-only service indexed")
	}
	st, err := server.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.LexicalChunks != st.Chunks || st.Chunks == 0 {
		t.Errorf("server stats after Sync = %+v, want every stored chunk in bleve", st)
	}
}

// TestOpenRejectsUnknownFusion checks that a misspelt fusion method is a clear error.
func TestOpenRejectsUnknownFusion(t *testing.T) {
	db := storetest.New(t)
	_, err := indexer.Open(t.Context(), indexer.Options{Store: db, BleveDir: filepath.Join(t.TempDir(), "bleve"), Fusion: "rfr"})
	if err == nil || !strings.Contains(err.Error(), `fusion "rfr"`) {
		t.Errorf("Open with fusion rfr = %v, want an error naming it", err)
	}
}

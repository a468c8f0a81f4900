package indexer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
)

// sliceSource is a Source over a fixed list of documents. With fail set, it returns fail
// after yielding failAfter documents, as a source that breaks mid-way does.
type sliceSource struct {
	name      string
	docs      []indexer.Document
	failAfter int
	fail      error
	// onYield, when set, is called after each document is yielded.
	onYield func(n int)
}

func (s *sliceSource) Name() string { return s.name }

func (s *sliceSource) Documents(ctx context.Context, yield func(indexer.Document) error) error {
	for i, d := range s.docs {
		if s.fail != nil && i == s.failAfter {
			return s.fail
		}
		if err := yield(d); err != nil {
			return err
		}
		if s.onYield != nil {
			s.onYield(i + 1)
		}
	}
	return nil
}

// countingEmbedder wraps a real embedder and counts the texts of every Embed call.
type countingEmbedder struct {
	indexer.Embedder
	mu    sync.Mutex
	calls []int // texts per call
	// before, when set, runs before each call and may fail it.
	before func(call int) error
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	c.calls = append(c.calls, len(texts))
	n := len(c.calls)
	c.mu.Unlock()
	if c.before != nil {
		if err := c.before(n); err != nil {
			return nil, err
		}
	}
	return c.Embedder.Embed(ctx, texts)
}

// texts returns the number of calls and of texts embedded since the last reset.
func (c *countingEmbedder) texts() (calls, texts int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.calls {
		texts += n
	}
	return len(c.calls), texts
}

func (c *countingEmbedder) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

// newTestService opens a Service on db with a bleve index in a temp dir; emb nil means
// the local embedders.
func newTestService(t testing.TB, db *store.DB, emb indexer.Embedder) *indexer.Service {
	t.Helper()
	opts := indexer.Options{
		Store:    db,
		BleveDir: filepath.Join(t.TempDir(), "bleve"),
		Embedder: emb,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Vectors:  db.VectorIndex(), // PostgreSQL searches vectors in SQL; nil on SQLite
	}
	svc, err := indexer.Open(t.Context(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

// testDocs returns n markdown docs of three sections each, about different services, so
// that their chunks differ.
func testDocs(n int) []indexer.Document {
	topics := []string{"ledger postings", "payment retries", "card tokens", "fraud scores",
		"invoice exports", "currency rates", "refund queues", "audit trails"}
	docs := make([]indexer.Document, n)
	for i := range docs {
		topic := topics[i%len(topics)]
		svc := fmt.Sprintf("service-%03d", i)
		docs[i] = indexer.Document{
			ID:        fmt.Sprintf("doc:dir:handbook:%s.md", svc),
			Kind:      indexer.KindDoc,
			Title:     fmt.Sprintf("%s runbook", svc),
			Text:      testDocText(svc, topic, "Restart the pods one at a time and watch the error rate."),
			URL:       "/docs/handbook/" + svc,
			Fields:    map[string][]string{indexer.FieldTags: {strings.Fields(topic)[0]}},
			UpdatedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		}
		if i%5 == 0 {
			docs[i].Visibility = auth.VisibilityRestricted
			docs[i].Allowed = []string{"group:default/payments"}
		}
	}
	return docs
}

func testDocText(svc, topic, recovery string) string {
	return fmt.Sprintf("# %[1]s\n\n%[1]s keeps %[2]s consistent for the finance platform.\n\n"+
		"## Deploy\n\nShip %[1]s with the release train; %[2]s migrations run first.\n\n"+
		"## Recover\n\n%[3]s If %[2]s lag, page the owning team.\n", svc, topic, recovery)
}

// chunkTexts returns the chunk texts indexing stores for a doc's markdown.
func chunkTexts(text string) []string {
	var out []string
	for _, c := range indexer.ChunkMarkdown([]byte(text), indexer.ChunkOptions{}) {
		out = append(out, c.Text)
	}
	return out
}

func mustIndex(t *testing.T, svc *indexer.Service, sources ...indexer.Source) indexer.IndexResult {
	t.Helper()
	res, err := svc.Index(t.Context(), sources, nil)
	if err != nil {
		t.Fatalf("Index: %v", err)
	}
	return res
}

func mustStats(t *testing.T, db *store.DB, model string) indexer.IndexStats {
	t.Helper()
	st, err := db.Stats(t.Context(), model)
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func mustLastSeq(t *testing.T, db *store.DB) int64 {
	t.Helper()
	seq, err := db.LastSeq(t.Context())
	if err != nil {
		t.Fatalf("LastSeq: %v", err)
	}
	return seq
}

func mustHashes(t *testing.T, db *store.DB, source string) map[string]string {
	t.Helper()
	h, err := db.DocumentHashes(t.Context(), source)
	if err != nil {
		t.Fatalf("DocumentHashes: %v", err)
	}
	return h
}

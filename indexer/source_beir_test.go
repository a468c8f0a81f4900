package indexer_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

func TestBEIRSource(t *testing.T) {
	src := indexer.NewBEIRSource("fix", filepath.Join("testdata", "sources", "beir"))
	if got := src.Name(); got != "beir:fix" {
		t.Errorf("Name() = %q, want beir:fix", got)
	}
	docs := collect(t, src)
	tests := []struct {
		id, title, textPrefix string
	}{
		{"beir:fix:d1", "Rotating database credentials", "Database passwords are rotated every 90 days"},
		{"beir:fix:d2", "Kafka consumer lag", "Consumer lag grows"},
		{"beir:fix:d3", "", "Refunds are issued to the original payment method.\n\nPartial refunds"},
		{"beir:fix:4983", "Idempotency keys", "Every write to the payments API"},
		{"beir:fix:ns:5", "Blue-green deploys", "A blue-green deploy"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, ok := docs[tt.id]
			if !ok {
				t.Fatalf("no document %s among %v", tt.id, keys(docs))
			}
			if d.Title != tt.title || !strings.HasPrefix(d.Text, tt.textPrefix) {
				t.Errorf("Title, Text = %q, %.40q, want %q, %.40q...", d.Title, d.Text, tt.title, tt.textPrefix)
			}
			if d.Kind != indexer.KindDoc || d.URL != "" || d.EntityRef != "" || d.Visibility != auth.VisibilityInternal {
				t.Errorf("Kind %q, URL %q, EntityRef %q, Visibility %q: want an internal doc with no URL or entity", d.Kind, d.URL, d.EntityRef, d.Visibility)
			}
			name, id, ok := indexer.ParseBEIRDocID(d.ID)
			if !ok || name != "fix" || indexer.BEIRDocID(name, id) != d.ID {
				t.Errorf("ParseBEIRDocID(%q) = %q, %q, %v: does not invert BEIRDocID", d.ID, name, id, ok)
			}
		})
	}
	if len(docs) != len(tests) {
		t.Errorf("documents = %v, want %d", keys(docs), len(tests))
	}
}

func TestBEIRSourceErrors(t *testing.T) {
	good := `{"_id": "a", "title": "A", "text": "alpha"}`
	tests := []struct {
		name, corpus string
		docs         int    // documents yielded before the error
		wantErr      string // "" for none
	}{
		{"malformed line", good + "\n\n{\"_id\": \"b\", \"text\": \n", 1, "corpus.jsonl:3: "},
		{"missing _id", good + "\n{\"text\": \"no id\"}\n", 1, `corpus.jsonl:2: "_id" is missing`},
		{"empty _id", `{"_id": " ", "text": "x"}`, 0, `corpus.jsonl:1: "_id" is empty`},
		{"NUL in _id", `{"_id": "a\u0000b", "text": "x"}`, 0, `corpus.jsonl:1: "_id" holds a NUL character`},
		{"repeated _id", good + "\n" + good + "\n", 1, `corpus.jsonl:2: _id "a" repeats line 1`},
		{"numeric _id and a long line", good + "\n{\"_id\": 7, \"text\": \"" + strings.Repeat("word ", 200_000) + "\"}\n", 2, ""},
		{"no trailing newline", good, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "corpus.jsonl"), tt.corpus)
			n := 0
			err := indexer.NewBEIRSource("t", dir).Documents(t.Context(), func(indexer.Document) error {
				n++
				return nil
			})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Documents: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Documents error = %v, want one containing %q", err, tt.wantErr)
			}
			if n != tt.docs {
				t.Errorf("yielded %d documents, want %d", n, tt.docs)
			}
		})
	}
	if err := indexer.NewBEIRSource("t", t.TempDir()).Documents(t.Context(), func(indexer.Document) error { return nil }); err == nil {
		t.Error("Documents without corpus.jsonl: no error")
	}
}

func TestParseBEIRDocID(t *testing.T) {
	tests := []struct {
		in       string
		name, id string
		ok       bool
	}{
		{"beir:scifact:4983", "scifact", "4983", true},
		{"beir:fiqa:a:b", "fiqa", "a:b", true},
		{"beir:scifact:", "", "", false},
		{"beir::4983", "", "", false},
		{"beir:scifact", "", "", false},
		{"doc:dir:x:y.md", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		name, id, ok := indexer.ParseBEIRDocID(tt.in)
		if name != tt.name || id != tt.id || ok != tt.ok {
			t.Errorf("ParseBEIRDocID(%q) = %q, %q, %v, want %q, %q, %v", tt.in, name, id, ok, tt.name, tt.id, tt.ok)
		}
	}
}

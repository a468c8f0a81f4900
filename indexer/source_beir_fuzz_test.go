package indexer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nextportal/portal/indexer"
)

// FuzzBEIRSource reads fuzzed corpus.jsonl files: at most one document per non-blank line,
// distinct IDs that ParseBEIRDocID inverts, and only text every engine can store (valid
// UTF-8, no NUL byte).
func FuzzBEIRSource(f *testing.F) {
	fixture, err := os.ReadFile(filepath.Join("testdata", "sources", "beir", "corpus.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	good := `{"_id": "a", "title": "A", "text": "alpha"}`
	for _, seed := range []string{
		string(fixture),
		good + "\n\n{\"_id\": \"b\", \"text\": \n",
		good + "\n{\"text\": \"no id\"}\n",
		`{"_id": " ", "text": "x"}`,
		good + "\n" + good + "\n",
		good + "\n{\"_id\": 7, \"text\": \"" + strings.Repeat("word ", 100) + "\"}\n",
		good,
		`{"_id": "x\u0000y", "title": "t\u0000", "text": "caf\u00e9 \ud800"}` + "\r\n",
		`{"_id": 1e3, "text": null, "title": 5}`,
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, corpus []byte) {
		if err := os.WriteFile(filepath.Join(dir, "corpus.jsonl"), corpus, 0o644); err != nil {
			t.Fatal(err)
		}
		lines := 0
		for l := range bytes.SplitSeq(corpus, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		ids := map[string]bool{}
		err := indexer.NewBEIRSource("fz", dir).Documents(t.Context(), func(d indexer.Document) error {
			if ids[d.ID] {
				t.Fatalf("document %q yielded twice", d.ID)
			}
			ids[d.ID] = true
			name, id, ok := indexer.ParseBEIRDocID(d.ID)
			if !ok || name != "fz" || indexer.BEIRDocID(name, id) != d.ID || strings.TrimSpace(id) != id {
				t.Fatalf("ParseBEIRDocID(%q) = %q, %q, %v: does not invert BEIRDocID", d.ID, name, id, ok)
			}
			for what, s := range map[string]string{"ID": d.ID, "Title": d.Title, "Text": d.Text} {
				if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					t.Fatalf("document %q: %s %q is not storable text", d.ID, what, s)
				}
			}
			if d.Source != "beir:fz" || d.Kind != indexer.KindDoc {
				t.Fatalf("document %q: source %q, kind %q", d.ID, d.Source, d.Kind)
			}
			return nil
		})
		if len(ids) > lines {
			t.Fatalf("%d documents from %d lines", len(ids), lines)
		}
		if err != nil && !strings.Contains(err.Error(), "corpus.jsonl:") {
			t.Fatalf("error %q does not name the file and line", err)
		}
	})
}

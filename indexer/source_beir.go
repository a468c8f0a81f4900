package indexer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nextportal/portal/auth"
)

// maxBEIRLine is the longest corpus.jsonl line a BEIR source accepts.
const maxBEIRLine = 64 << 20

// beirSource yields the documents of a BEIR corpus.
type beirSource struct {
	name, dir string
}

// NewBEIRSource returns the source of a BEIR-layout corpus, named "beir:<name>": it streams
// dir/corpus.jsonl, one JSON object {"_id", "title", "text", "metadata"} per line, and
// yields one internal KindDoc document per line with ID BEIRDocID(name, _id) and no URL.
// The text is taken as it is (ChunkMarkdown reads it as paragraphs). A line that does not
// parse, lacks an _id or repeats one is an error naming the file and line.
func NewBEIRSource(name, dir string) Source {
	return &beirSource{name: name, dir: dir}
}

// BEIRDocID returns the document ID of the corpus document id of the corpus name:
// "beir:<name>:<id>".
func BEIRDocID(name, id string) string {
	return "beir:" + name + ":" + id
}

// ParseBEIRDocID splits a document ID made by BEIRDocID into the corpus name and the
// corpus document id; ok is false for any other ID. A corpus name never holds a colon, an
// id may.
func ParseBEIRDocID(docID string) (name, id string, ok bool) {
	rest, ok := strings.CutPrefix(docID, "beir:")
	if !ok {
		return "", "", false
	}
	name, id, ok = strings.Cut(rest, ":")
	if !ok || name == "" || id == "" {
		return "", "", false
	}
	return name, id, true
}

// Name returns "beir:<name>", so two corpora never delete each other's documents.
func (s *beirSource) Name() string { return SourceBEIR + ":" + s.name }

// beirLine is one line of corpus.jsonl. _id is a string in BEIR; numbers are accepted too.
type beirLine struct {
	ID    json.RawMessage `json:"_id"`
	Title string          `json:"title"`
	Text  string          `json:"text"`
}

// Documents yields one document per line of corpus.jsonl.
func (s *beirSource) Documents(ctx context.Context, yield func(Document) error) error {
	if s.name == "" || strings.Contains(s.name, ":") {
		return fmt.Errorf("beir corpus %q: the name must be non-empty and hold no colon", s.name)
	}
	p := filepath.Join(s.dir, "corpus.jsonl")
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("beir corpus %s: %w", s.name, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), maxBEIRLine)
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		if err := ctx.Err(); err != nil {
			return err
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		id, l, err := parseBEIRLine(line)
		if err != nil {
			return fmt.Errorf("beir corpus %s:%d: %w", p, n, err)
		}
		if first, dup := seen[id]; dup {
			return fmt.Errorf("beir corpus %s:%d: _id %q repeats line %d", p, n, id, first)
		}
		seen[id] = n
		err = yield(Document{
			ID:         BEIRDocID(s.name, id),
			Kind:       KindDoc,
			Source:     s.Name(),
			Title:      cleanText(strings.TrimSpace(l.Title)),
			Text:       cleanText(l.Text),
			Fields:     map[string][]string{},
			Visibility: auth.VisibilityInternal,
		})
		if err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("beir corpus %s:%d: %w", p, n+1, err)
	}
	return nil
}

// parseBEIRLine decodes one corpus line and returns its _id as a string.
func parseBEIRLine(line []byte) (string, beirLine, error) {
	var l beirLine
	if err := json.Unmarshal(line, &l); err != nil {
		return "", l, err
	}
	var id string
	if err := json.Unmarshal(l.ID, &id); err != nil {
		var num json.Number
		if len(l.ID) == 0 || json.Unmarshal(l.ID, &num) != nil {
			return "", l, errors.New(`"_id" is missing or not a string`)
		}
		id = num.String()
	}
	if id = strings.TrimSpace(id); id == "" {
		return "", l, errors.New(`"_id" is empty`)
	}
	// A NUL byte ("\u0000" in JSON) cannot be stored in a PostgreSQL text column, and
	// cleaning it out could make two ids one.
	if strings.ContainsRune(id, 0) {
		return "", l, errors.New(`"_id" holds a NUL character`)
	}
	return id, l, nil
}

package evals

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// corpusFile is the corpus of a BEIR folder.
const corpusFile = "corpus.jsonl"

// LoadBEIRCorpus reads the corpus.jsonl of a BEIR folder as reference documents: each one
// is its title and text joined by a space, in file order.
func LoadBEIRCorpus(dir string) ([]Doc, error) {
	path := filepath.Join(dir, corpusFile)
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("load beir corpus %s: %w", dir, err)
	}
	var docs []Doc
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var d struct {
			ID    json.RawMessage `json:"_id"`
			Title string          `json:"title"`
			Text  string          `json:"text"`
		}
		if err := json.Unmarshal(line, &d); err != nil {
			return nil, fmt.Errorf("load beir corpus: %s:%d: %w", path, n+1, err)
		}
		id, err := jsonID(d.ID)
		if err != nil {
			return nil, fmt.Errorf("load beir corpus: %s:%d: _id: %w", path, n+1, err)
		}
		docs = append(docs, Doc{ID: id, Text: strings.TrimSpace(d.Title + " " + d.Text)})
	}
	return docs, nil
}

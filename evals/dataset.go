package evals

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Dataset is the query side of a BEIR-format collection: the queries that have relevance
// judgments, and those judgments. The corpus is indexed separately (indexer.NewBEIRSource,
// or the portal's own sources for the demo set).
type Dataset struct {
	// Name is the dataset's folder name.
	Name string
	// Queries are the judged queries, in the order of queries.jsonl.
	Queries []Query
	// Qrels maps a query ID to corpus ID → graded relevance (0 means judged not relevant).
	Qrels map[string]map[string]int
}

// Query is one evaluation query.
type Query struct {
	ID   string
	Text string
}

// The files of a BEIR folder that LoadBEIR reads.
const (
	queriesFile = "queries.jsonl"
	qrelsFile   = "qrels/test.tsv"
)

// LoadBEIR reads the queries (queries.jsonl) and test judgments (qrels/test.tsv) of a
// BEIR-format folder. Only queries that have judgments are kept. Errors name the file and
// line at fault.
func LoadBEIR(dir string) (*Dataset, error) {
	qrels, err := readQrels(filepath.Join(dir, filepath.FromSlash(qrelsFile)))
	if err != nil {
		return nil, fmt.Errorf("load beir %s: %w", dir, err)
	}
	texts, order, err := readQueries(filepath.Join(dir, queriesFile))
	if err != nil {
		return nil, fmt.Errorf("load beir %s: %w", dir, err)
	}
	ds := &Dataset{Name: filepath.Base(filepath.Clean(dir)), Qrels: qrels}
	for _, id := range order {
		if _, ok := qrels[id]; ok {
			ds.Queries = append(ds.Queries, Query{ID: id, Text: texts[id]})
		}
	}
	for id := range qrels {
		if _, ok := texts[id]; !ok {
			return nil, fmt.Errorf("load beir %s: %s judges query %q, which %s lacks", dir, qrelsFile, id, queriesFile)
		}
	}
	if len(ds.Queries) == 0 {
		return nil, fmt.Errorf("load beir %s: no query in %s has judgments in %s", dir, queriesFile, qrelsFile)
	}
	return ds, nil
}

// readQueries reads queries.jsonl: one {"_id": ..., "text": ...} object per line.
func readQueries(path string) (texts map[string]string, order []string, err error) {
	data, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	texts = map[string]string{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var q struct {
			ID   json.RawMessage `json:"_id"`
			Text string          `json:"text"`
		}
		if err := json.Unmarshal(line, &q); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %w", path, n+1, err)
		}
		id, err := jsonID(q.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: _id: %w", path, n+1, err)
		}
		if strings.TrimSpace(q.Text) == "" {
			return nil, nil, fmt.Errorf("%s:%d: query %q has no text", path, n+1, id)
		}
		if _, dup := texts[id]; dup {
			return nil, nil, fmt.Errorf("%s:%d: duplicate query id %q", path, n+1, id)
		}
		texts[id] = q.Text
		order = append(order, id)
	}
	return texts, order, nil
}

// jsonID accepts a BEIR _id written as a JSON string or number.
func jsonID(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil && s != "" {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", errors.New("missing, or neither a non-empty string nor a number")
}

// readQrels reads a qrels TSV: an optional "query-id corpus-id score" header, then one
// tab-separated judgment per line with an integer score. A pair judged twice keeps its
// highest score.
func readQrels(path string) (map[string]map[string]int, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	qrels := map[string]map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || (n == 1 && strings.HasPrefix(line, "query-id")) {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want 3 tab-separated fields (query-id, corpus-id, score), got %d", path, n, len(f))
		}
		qid, cid := strings.TrimSpace(f[0]), strings.TrimSpace(f[1])
		if qid == "" || cid == "" {
			return nil, fmt.Errorf("%s:%d: empty query-id or corpus-id", path, n)
		}
		score, err := strconv.Atoi(strings.TrimSpace(f[2]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: score %q is not an integer", path, n, f[2])
		}
		if qrels[qid] == nil {
			qrels[qid] = map[string]int{}
		}
		if old, ok := qrels[qid][cid]; !ok || score > old {
			qrels[qid][cid] = score
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(qrels) == 0 {
		return nil, fmt.Errorf("%s: no judgments", path)
	}
	return qrels, nil
}

func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist (a BEIR folder holds queries.jsonl and qrels/test.tsv)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

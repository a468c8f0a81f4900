package evals_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/evals"
)

// writeBEIR writes a BEIR folder with these queries.jsonl and qrels/test.tsv contents
// ("-" leaves the file out) and returns its path.
func writeBEIR(t *testing.T, queries, qrels string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mini")
	if err := os.MkdirAll(filepath.Join(dir, "qrels"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"queries.jsonl": queries, "qrels/test.tsv": qrels} {
		if body == "-" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	goodQueries = `{"_id": "q1", "text": "how do retries work", "metadata": {}}
{"_id": "q2", "text": "not judged"}

{"_id": 3, "text": "numeric id"}
`
	goodQrels = "query-id\tcorpus-id\tscore\r\nq1\td1\t2\r\nq1\td2\t0\r\n3\td1\t1\r\nq1\td2\t1\r\n"
)

func TestLoadBEIR(t *testing.T) {
	ds, err := evals.LoadBEIR(writeBEIR(t, goodQueries, goodQrels))
	if err != nil {
		t.Fatalf("LoadBEIR: %v", err)
	}
	want := &evals.Dataset{
		Name:    "mini",
		Queries: []evals.Query{{ID: "q1", Text: "how do retries work"}, {ID: "3", Text: "numeric id"}},
		// d2 is judged twice; the higher grade wins.
		Qrels: map[string]map[string]int{"q1": {"d1": 2, "d2": 1}, "3": {"d1": 1}},
	}
	if diff := cmp.Diff(want, ds); diff != "" {
		t.Errorf("LoadBEIR (-want +got):\n%s", diff)
	}
}

func TestLoadBEIRErrors(t *testing.T) {
	tests := []struct {
		name, queries, qrels string
		want                 string // substring of the error
	}{
		{"no qrels file", goodQueries, "-", "qrels/test.tsv does not exist"},
		{"no queries file", "-", goodQrels, "queries.jsonl does not exist"},
		{"bad json", goodQueries + "{\"_id\": \"q9\",\n", goodQrels, "queries.jsonl:5:"},
		{"no id", `{"text": "x"}`, goodQrels, "queries.jsonl:1: _id"},
		{"no text", `{"_id": "q1"}`, goodQrels, `queries.jsonl:1: query "q1" has no text`},
		{"duplicate query", goodQueries + `{"_id": "q1", "text": "again"}`, goodQrels, `queries.jsonl:5: duplicate query id "q1"`},
		{"two fields", goodQueries, "query-id\tcorpus-id\tscore\nq1\td1\n", "test.tsv:2: want 3 tab-separated fields"},
		{"spaces not tabs", goodQueries, "q1 d1 1\n", "test.tsv:1: want 3 tab-separated fields"},
		{"score not integer", goodQueries, "query-id\tcorpus-id\tscore\nq1\td1\t0.5\n", `test.tsv:2: score "0.5" is not an integer`},
		{"empty corpus id", goodQueries, "q1\t\t1\n", "test.tsv:1: empty query-id or corpus-id"},
		{"header only", goodQueries, "query-id\tcorpus-id\tscore\n", "no judgments"},
		{"unknown query", goodQueries, "q1\td1\t1\nq7\td1\t1\n", `judges query "q7"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := evals.LoadBEIR(writeBEIR(t, tt.queries, tt.qrels))
			if err == nil {
				t.Fatalf("LoadBEIR = %+v, want an error containing %q", ds, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadBEIR error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

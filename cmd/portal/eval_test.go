package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/nextportal/portal/store/storetest"
)

// beirMini is a BEIR dataset of 20 gardening documents and 8 judged queries (a ninth has
// no judgments and must not be scored).
const beirMini = "../../evals/testdata/beir-mini"

// runEvalCLI runs portal with args and returns stdout, stderr and the error.
func runEvalCLI(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, testEnv(t, env), strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestEvalRetrieval(t *testing.T) {
	engines := map[string]map[string]string{"sqlite": nil}
	if os.Getenv("DATABASE_URL") != "" {
		engines["postgres"] = map[string]string{"DATABASE_URL": storetest.PostgresURL(t)}
	}
	for name, env := range engines {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, err := runEvalCLI(t, env, "eval", "retrieval", "--beir", beirMini)
			if err != nil {
				t.Fatalf("eval retrieval: %v\nstderr:\n%s", err, stderr)
			}
			if !strings.Contains(stderr, "indexed 20 documents, 20 chunks") || !strings.Contains(stderr, "search hybrid: 8/8 queries") {
				t.Errorf("stderr shows no progress counts:\n%s", stderr)
			}
			rows := map[string][]string{}
			for _, line := range strings.Split(strings.TrimSpace(stdout), "\n")[1:] {
				f := strings.Fields(line)
				if len(f) != 6 || f[0] != "beir-mini" || f[2] != "8" {
					t.Fatalf("row %q: want beir-mini, a mode, 8 queries and three scores\n%s", line, stdout)
				}
				rows[f[1]] = f[3:]
			}
			for _, mode := range []string{"lexical", "vector", "hybrid", "bm25"} {
				if rows[mode] == nil {
					t.Errorf("no %s row in\n%s", mode, stdout)
				}
			}
			// Every query shares its key words with its answer, so keyword search must
			// rank almost every answer first.
			if ndcg, _ := strconv.ParseFloat(rows["lexical"][0], 64); ndcg < 0.8 {
				t.Errorf("lexical nDCG@10 = %v, want at least 0.8 on queries this easy\n%s", ndcg, stdout)
			}
		})
	}
}

func TestEvalRetrievalJSON(t *testing.T) {
	stdout, stderr, err := runEvalCLI(t, nil, "eval", "retrieval", "--beir", beirMini, "--mode", "lexical", "--name", "mini", "--json")
	if err != nil {
		t.Fatalf("eval retrieval --json: %v\nstderr:\n%s", err, stderr)
	}
	var rep struct {
		Dataset string `json:"dataset"`
		Modes   []struct {
			Mode    string  `json:"mode"`
			Queries int     `json:"queries"`
			NDCG    float64 `json:"ndcg@10"`
			Recall  float64 `json:"recall@100"`
			MRR     float64 `json:"mrr@10"`
		} `json:"modes"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if rep.Dataset != "beir-mini" || len(rep.Modes) != 2 || rep.Modes[0].Mode != "lexical" || rep.Modes[1].Mode != "bm25" {
		t.Fatalf("report = %+v, want lexical then the bm25 reference over beir-mini", rep)
	}
	for _, m := range rep.Modes {
		if m.Queries != 8 || m.NDCG <= 0 || m.NDCG > 1 || m.Recall < 0.9 || m.MRR <= 0 || m.MRR > 1 {
			t.Errorf("%s: scores %+v out of range", m.Mode, m)
		}
	}
}

func TestEvalRetrievalErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  string // substring of the error
		usage bool   // exit status 2
	}{
		{"no beir flag", []string{"eval", "retrieval"}, "needs --beir DIR", true},
		{"bad mode", []string{"eval", "retrieval", "--beir", beirMini, "--mode", "fuzzy"}, `--mode "fuzzy"`, true},
		{"stray argument", []string{"eval", "retrieval", "--beir", beirMini, "extra"}, `got "extra"`, true},
		{"unknown command", []string{"eval", "answers"}, `unknown eval command "answers"`, true},
		{"missing dir", []string{"eval", "retrieval", "--beir", "no/such/dir"}, "no/such/dir/qrels/test.tsv does not exist", false},
		{"no corpus", []string{"eval", "retrieval", "--beir", "../../evals/testdata/demo"}, "corpus.jsonl does not exist", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runEvalCLI(t, nil, tt.args...)
			if err == nil {
				t.Fatalf("run(%q) = nil, want an error containing %q; stdout:\n%s", tt.args, tt.want, stdout)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("run(%q) error = %q, want one line containing %q", tt.args, err, tt.want)
			}
			if got, want := exitCode(err) == 2, tt.usage; got != want {
				t.Errorf("run(%q) exit code %d, want usage status %v", tt.args, exitCode(err), want)
			}
		})
	}
}

func TestEvalHelp(t *testing.T) {
	stdout, _, err := runEvalCLI(t, nil, "eval")
	if err != nil || !strings.Contains(stdout, "retrieval --beir DIR") {
		t.Errorf("portal eval = %v, stdout:\n%s", err, stdout)
	}
	_, stderr, err := runEvalCLI(t, nil, "eval", "retrieval", "--help")
	if err != nil || !strings.Contains(stderr, "-beir") || !strings.Contains(stderr, "DATABASE_URL") || !strings.Contains(stderr, "nDCG@10") {
		t.Errorf("portal eval retrieval --help = %v, stderr:\n%s", err, stderr)
	}
	stdout, _, _ = runEvalCLI(t, nil, "help")
	if !strings.Contains(stdout, "eval") {
		t.Errorf("portal help does not list eval:\n%s", stdout)
	}
}

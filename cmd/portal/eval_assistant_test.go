package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/nextportal/portal/evals"
)

// The assistant sets and the floors make test holds on them with the local composer, a
// little below what was measured when they were set (in the comments). Raise them when the
// assistant gets better; never lower them without saying why in the commit.
const (
	assistantSets = "../../evals/testdata/assistant"
	// backstageExamples is Backstage's example org, beside the repository.
	backstageExamples = "../../../shared/data/backstage-catalog-examples/examples"
)

type assistantFloors struct {
	accuracy, citationPrecision, abstentionPrecision, abstentionRecall float64
}

func TestEvalAssistantDemoFloors(t *testing.T) {
	rep := runAssistantEval(t, "demo.jsonl", "--demo", "--catalog", filepath.Join(assistantSets, "restricted", "catalog-info.yaml"))
	// measured: accuracy 0.982, citation precision 0.925, abstention 1.000 / 1.000, top-3 1.000 (BM25 1.000)
	checkAssistantFloors(t, rep, assistantFloors{0.93, 0.85, 0.95, 0.9})
}

func TestEvalAssistantBackstageFloors(t *testing.T) {
	dir := os.Getenv("PORTAL_BACKSTAGE_EXAMPLES")
	if dir == "" {
		dir = backstageExamples
	}
	if _, err := os.Stat(filepath.Join(dir, "all.yaml")); err != nil {
		t.Skipf("Backstage's example org is not at %s (set PORTAL_BACKSTAGE_EXAMPLES): %v", dir, err)
	}
	rep := runAssistantEval(t, "backstage.jsonl", "--catalog", filepath.Join(dir, "all.yaml"), "--catalog", filepath.Join(dir, "acme-corp.yaml"))
	// measured: accuracy 1.000, citation precision 0.915, abstention 1.000 / 1.000
	checkAssistantFloors(t, rep, assistantFloors{0.93, 0.85, 0.9, 0.9})
}

// runAssistantEval runs portal eval assistant on one set and decodes its JSON report.
func runAssistantEval(t *testing.T, set string, args ...string) evals.AssistantReport {
	t.Helper()
	args = append([]string{"eval", "assistant", "--json", "--set", filepath.Join(assistantSets, set)}, args...)
	stdout, stderr, err := runEvalCLI(t, nil, args...)
	if err != nil {
		t.Fatalf("eval assistant: %v\nstderr:\n%s", err, stderr)
	}
	var rep evals.AssistantReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("decode report: %v\n%s", err, stdout)
	}
	for _, ty := range rep.Types {
		t.Logf("%-20s %3d questions  %.3f", ty.Type, ty.Questions, ty.Score)
	}
	return rep
}

func checkAssistantFloors(t *testing.T, rep evals.AssistantReport, f assistantFloors) {
	t.Helper()
	t.Logf("%s: accuracy %.3f, citation precision %.3f, abstention precision %.3f recall %.3f, top-3 %.3f (BM25 %.3f), leaks %d",
		rep.Set, rep.Accuracy, rep.CitationPrecision, rep.AbstentionPrecision, rep.AbstentionRecall, rep.Top3, rep.BM25Top3, rep.Leaks)
	for _, c := range []struct {
		name       string
		got, floor float64
	}{
		{"answer accuracy", rep.Accuracy, f.accuracy},
		{"citation precision", rep.CitationPrecision, f.citationPrecision},
		{"abstention precision", rep.AbstentionPrecision, f.abstentionPrecision},
		{"abstention recall", rep.AbstentionRecall, f.abstentionRecall},
	} {
		if c.got < c.floor {
			t.Errorf("%s %.3f is below its floor %.2f", c.name, c.got, c.floor)
		}
	}
	if rep.Top3 < rep.BM25Top3 {
		t.Errorf("how-to top-3 citation hit %.3f is below plain BM25's top-3 pages %.3f", rep.Top3, rep.BM25Top3)
	}
	if rep.Leaks > 0 {
		for _, r := range rep.Results {
			if len(r.Leaked) > 0 {
				t.Errorf("%s %q leaked %v: %s", r.ID, r.Q, r.Leaked, r.Answer)
			}
		}
	}
}

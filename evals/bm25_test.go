package evals_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/indexer"
)

// irDir finds the shared classic IR collections: $PORTAL_IR_DATA, else ../../shared/data/ir
// beside the repository. Outside CI a missing folder skips the test; under CI=true it fails.
func irDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PORTAL_IR_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data", "ir")
	}
	if _, err := os.Stat(filepath.Join(dir, "med", "corpus.jsonl")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("IR test collections not found at %s (set PORTAL_IR_DATA): %v", dir, err)
		}
		t.Skipf("IR test collections not found at %s (set PORTAL_IR_DATA): %v", dir, err)
	}
	return dir
}

// TestBM25ReproducesReadme scores the reference BM25 on the classic collections and
// compares nDCG@10, Recall@100 and MRR@10 with the README of the shared IR data. The
// README's own implementation is not published; this one agrees on nDCG@10 within 0.0025
// (med 0.6907 for 0.6929, cisi 0.4101 for 0.4105, cacm 0.4868 for 0.4884, npl 0.4387 for
// 0.4392) and on the others within 0.007. Ruled out as the cause, each tried on all four
// sets: the stemmer's version (Snowball 2.2 and 3.1.1 give the same or larger gaps), the
// stop list (it is Snowball's English list, the same as bleve's copy), ties by document ID
// (string or numeric, either direction), hyphens, and counting a repeated query token once.
// Keeping apostrophes inside words and not dropping a document whose ID equals the query's
// reproduces med exactly (0.6929 / 0.7963 / 0.8909) but moves cisi and cacm further away
// (0.4127, 0.4920), so it is not the README's rule either. npl runs only without -short.
func TestBM25ReproducesReadme(t *testing.T) {
	dir := irDir(t)
	tests := []struct {
		set               string
		ndcg, recall, mrr float64
	}{
		{"med", 0.6929, 0.7963, 0.8909},
		{"cisi", 0.4105, 0.4549, 0.6428},
		{"cacm", 0.4884, 0.6749, 0.7029},
		{"npl", 0.4392, 0.6027, 0.6878},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			if testing.Short() && tt.set == "npl" {
				t.Skip("npl is the largest set")
			}
			rep := referenceReport(t, filepath.Join(dir, tt.set))
			m, _ := rep.Mode(evals.ModeBM25)
			for _, c := range []struct {
				name           string
				got, want, tol float64
			}{{"nDCG@10", m.NDCG10, tt.ndcg, 0.0025}, {"Recall@100", m.Recall100, tt.recall, 0.007}, {"MRR@10", m.MRR10, tt.mrr, 0.007}} {
				if math.Abs(c.got-c.want) > c.tol {
					t.Errorf("%s %s = %.4f, want %.4f", tt.set, c.name, c.got, c.want)
				}
			}
		})
	}
}

func referenceReport(t *testing.T, dir string) evals.Report {
	t.Helper()
	ds, err := evals.LoadBEIR(dir)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := evals.LoadBEIRCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evals.Evaluate(t.Context(), ds, evals.NewBM25(docs).Searcher(nil), []indexer.Mode{evals.ModeBM25}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

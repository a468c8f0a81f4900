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
// README's own implementation is not published. Following its definition to the letter,
// this one gives nDCG@10 med 0.6907 (README 0.6929), cisi 0.4115 (0.4105), cacm 0.4868
// (0.4884), npl 0.4387 (0.4392): within 0.0025, and the other metrics within 0.007.
//
// What was found: the eval dropped a result whose ID is the query's (BEIR's rule), which
// the README does not do and which is wrong here, where query 1 and document 1 are
// unrelated; it is gone (med Recall@100 0.7905 → 0.7918, cisi nDCG@10 0.4101 → 0.4115).
// Ruled out, each on all four sets: the stemmer (blevesearch/snowballstem stems all 28,436
// words of the four sets exactly as libstemmer 2.2; Snowball 3.1.1 moves every set further
// away), the stop list (Snowball's English list; splitting its contractions into stop words
// moves cacm by +0.017), ties (string or numeric ID, either direction), float32 scores,
// document length with stop words, letters and digits as separate runs, counting a
// repeated query token once (cisi −0.08), title and text joined without a space or the
// title counted twice. Keeping apostrophes inside words (against the README's "runs of
// letters and digits") reproduces med exactly on all three metrics but puts cisi and cacm
// at 0.4127 and 0.4920. npl is pure lower-case ASCII words (no digits, no punctuation)
// and stays at 0.4387 under every variant, so what is left is not in the README's
// definition: most likely a different build of the corpus files. npl runs only without
// -short.
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

package indexer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// tuneConfig is one setting of the hybrid knobs (see indexer.SetTuning).
type tuneConfig struct {
	fbDocs, fbTerms                        int
	fbOrigW, agreeBase, agreeWeight, vecFB float64
}

// TestTuneHybrid scores hybrid search on the classic IR collections for a grid of
// settings and prints nDCG@10 as a ratio to plain BM25, per set, with the mean and the
// minimum: the harness the defaults were chosen with (leave-one-collection-out: a setting
// is judged by the sets it was not picked on). Set PORTAL_TUNE=1; PORTAL_IR_DATA as in evals.
func TestTuneHybrid(t *testing.T) {
	if os.Getenv("PORTAL_TUNE") == "" {
		t.Skip("set PORTAL_TUNE=1: indexes about 17,000 documents")
	}
	dir := os.Getenv("PORTAL_IR_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data", "ir")
	}
	sets := []string{"med", "cisi", "cacm", "npl"}
	if s := os.Getenv("PORTAL_TUNE_SETS"); s != "" {
		sets = strings.Split(s, ",")
	}
	grid := tuneGrid()
	ctx := auth.NewContext(t.Context(), auth.System())
	ratios := make([][]float64, len(grid))
	for _, set := range sets {
		sdir := filepath.Join(dir, set)
		ds, err := evals.LoadBEIR(sdir)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := evals.LoadBEIRCorpus(sdir)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := evals.Evaluate(ctx, ds, evals.NewBM25(docs).Searcher(func(id string) string { return indexer.BEIRDocID(set, id) }), []indexer.Mode{evals.ModeBM25}, func(id string) string { return indexer.BEIRDocID(set, id) })
		if err != nil {
			t.Fatal(err)
		}
		db := storetest.New(t)
		svc, err := indexer.Open(ctx, indexer.Options{Store: db, Vectors: db.VectorIndex(), BleveDir: filepath.Join(t.TempDir(), "bleve")})
		if err != nil {
			t.Fatal(err)
		}
		src := indexer.NewBEIRSource(set, sdir)
		if _, err := svc.Index(ctx, []indexer.Source{src}, nil); err != nil {
			t.Fatal(err)
		}
		search := evals.ServiceSearcher(svc, indexer.Filters{indexer.FieldSource: {src.Name()}})
		for i, c := range grid {
			restore := indexer.SetTuning(c.fbDocs, c.fbTerms, c.fbOrigW, c.agreeBase, c.agreeWeight, c.vecFB)
			rep, err := evals.Evaluate(ctx, ds, search, []indexer.Mode{indexer.ModeHybrid}, func(id string) string { return indexer.BEIRDocID(set, id) })
			restore()
			if err != nil {
				t.Fatal(err)
			}
			ratios[i] = append(ratios[i], rep.Modes[0].NDCG10/ref.Modes[0].NDCG10)
			fmt.Printf("%s %+v %.3f\n", set, c, ratios[i][len(ratios[i])-1])
		}
		svc.Close()
	}
	fmt.Printf("%-60s %s mean min\n", "config", strings.Join(sets, " "))
	for i, c := range grid {
		var sum, lo float64 = 0, 9
		var cells []string
		for _, r := range ratios[i] {
			sum += r
			lo = min(lo, r)
			cells = append(cells, fmt.Sprintf("%.3f", r))
		}
		fmt.Printf("%-60s %s %.3f %.3f\n", fmt.Sprintf("%+v", c), strings.Join(cells, " "), sum/float64(len(ratios[i])), lo)
	}
}

func tuneGrid() []tuneConfig {
	return []tuneConfig{
		{0, 0, 1, 0, 1.5, 0},
		{5, 10, 0.9, 0, 1.5, 0},
		{10, 10, 0.9, 0, 1.5, 0},
		{5, 5, 0.8, 0, 1.5, 0},
		{20, 10, 0.9, 0, 1.5, 0},
		{10, 10, 0.9, 0.2, 0.5, 0},
		{5, 10, 0.85, 0.2, 0.75, 0},
		{3, 10, 0.8, 0, 1.5, 0},
		{10, 5, 0.9, 0, 1.5, 0},
	}
}

package indexer_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/evals"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// tuneConfig is one setting of the hybrid knobs: the defaults with some knobs changed
// (see indexer.SetTuningKnob), written "name=value,name=value".
type tuneConfig string

// set applies c and returns a func that restores the defaults.
func (c tuneConfig) set(t *testing.T) (restore func()) {
	t.Helper()
	var undo []func()
	for _, kv := range strings.Split(string(c), ",") {
		if kv == "" || kv == "default" {
			continue
		}
		name, val, _ := strings.Cut(kv, "=")
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			t.Fatalf("tuning %q: %v", kv, err)
		}
		r := indexer.SetTuningKnob(name, v)
		if r == nil {
			t.Fatalf("tuning %q: no such knob", kv)
		}
		undo = append(undo, r)
	}
	return func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
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
		fmt.Printf("%s mean document length %.1f terms\n", set, indexer.MeanDocLen(svc))
		search := evals.ServiceSearcher(svc, indexer.Filters{indexer.FieldSource: {src.Name()}})
		for i, c := range grid {
			restore := c.set(t)
			rep, err := evals.Evaluate(ctx, ds, search, []indexer.Mode{indexer.ModeHybrid}, func(id string) string { return indexer.BEIRDocID(set, id) })
			restore()
			if err != nil {
				t.Fatal(err)
			}
			ratios[i] = append(ratios[i], rep.Modes[0].NDCG10/ref.Modes[0].NDCG10)
			fmt.Printf("%s %s %.3f\n", set, c, ratios[i][len(ratios[i])-1])
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
		fmt.Printf("%-60s %s %.3f %.3f\n", string(c), strings.Join(cells, " "), sum/float64(len(ratios[i])), lo)
	}
	// Leave one set out: pick on the others (their mean, less any shortfall below 1.02× on
	// the worst), score on the one left out.
	pick := func(r []float64, skip int) float64 {
		var sum float64
		lo := math.Inf(1)
		for j, x := range r {
			if j != skip {
				sum += x
				lo = min(lo, x)
			}
		}
		return sum/float64(len(r)-1) + min(0, lo-1.02)
	}
	for h, set := range sets {
		best := 0
		for i := range grid {
			if pick(ratios[i], h) > pick(ratios[best], h) {
				best = i
			}
		}
		fmt.Printf("left out %s: %.3f with %s\n", set, ratios[best][h], grid[best])
	}
}

// tuneGrid is the default and its neighbours along each knob, or the settings
// PORTAL_TUNE_GRID lists, separated by ";". The wider search the default was picked from
// (RM3 settings, their mixes, vector weights, smoothing weight, depth and neighbours,
// proximity weight, window and depth) ran on the same ingredients.
func tuneGrid() []tuneConfig {
	if g := os.Getenv("PORTAL_TUNE_GRID"); g != "" {
		var out []tuneConfig
		for _, c := range strings.Split(g, ";") {
			out = append(out, tuneConfig(c))
		}
		return out
	}
	return []tuneConfig{
		"default",
		"smoothBeta=0",
		"fbMix=1",
		"fbMix=0",
		"agreeBase=0",
		"agreeBase=0.2",
		"smoothBeta=0.5",
		"fbTerms=20,fbOrigW=0.5",
		"proxWeight=0",
		"proxWeight=0.2",
		"latentWeight=0",
		"latentWeight=1",
		"latentLo=0.45,latentHi=0.55",
		"latentLo=0.47,latentHi=0.57",
	}
}

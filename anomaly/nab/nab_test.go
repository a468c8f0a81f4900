package nab_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nextportal/portal/anomaly/nab"
)

// dataDir is the NAB copy beside the repository, or PORTAL_NAB_DATA.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PORTAL_NAB_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "nab")
	}
	if _, err := os.Stat(filepath.Join(dir, "labels", "combined_windows.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("NAB data missing at %s: %v", dir, err)
		}
		t.Skipf("NAB data missing at %s (set PORTAL_NAB_DATA): %v", dir, err)
	}
	return dir
}

var corpusCache *nab.Corpus

func loadCorpus(t *testing.T) (*nab.Corpus, string) {
	t.Helper()
	dir := dataDir(t)
	if corpusCache == nil {
		c, err := nab.LoadCorpus(dir)
		if err != nil {
			t.Fatal(err)
		}
		corpusCache = c
	}
	return corpusCache, dir
}

// TestPublishedScores feeds each published detector's per-row output to the scorer and checks
// it reproduces NAB's results/final_results.json within 0.01 on every profile. The shared
// copy holds the per-row output of windowedGaussian only; PORTAL_NAB_RESULTS may name a
// NAB checkout's results/ folder holding every detector's.
func TestPublishedScores(t *testing.T) {
	c, dir := loadCorpus(t)
	if got := c.Windows(); got != 116 {
		t.Fatalf("corpus has %d windows, want 116", got)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results", "final_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]map[string]float64
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(filepath.Join(dir, "config", "thresholds.json"))
	if err != nil {
		t.Fatal(err)
	}
	var thresholds map[string]map[string]struct{ Threshold float64 }
	if err := json.Unmarshal(b, &thresholds); err != nil {
		t.Fatal(err)
	}
	resultsDirs := []string{filepath.Join(dir, "results")}
	if extra := os.Getenv("PORTAL_NAB_RESULTS"); extra != "" {
		resultsDirs = append([]string{extra}, resultsDirs...)
	}
	checked := 0
	for detector, profiles := range want {
		t.Run(detector, func(t *testing.T) {
			var scores nab.Scores
			for _, rd := range resultsDirs {
				if _, err := os.Stat(filepath.Join(rd, detector, "realKnownCause")); err == nil {
					if scores, err = c.LoadResults(rd, detector); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			if scores == nil {
				t.Skipf("no per-row output of %s (set PORTAL_NAB_RESULTS)", detector)
			}
			checked++
			for _, p := range nab.Profiles() {
				th := thresholds[detector][p.Name].Threshold
				got, err := c.ScoreAt(scores, p, th)
				if err != nil {
					t.Fatal(err)
				}
				// NAB's thresholds.json was optimised on earlier outputs of a few detectors,
				// so the sweep may find a better threshold, never a worse one.
				best, err := c.Optimize(scores, p)
				if err != nil {
					t.Fatal(err)
				}
				if best.Raw < got.Raw-1e-9 {
					t.Errorf("%s %s: optimised raw %v at %v below the published threshold's %v", detector, p.Name, best.Raw, best.Threshold, got.Raw)
				}
				at, err := c.ScoreAt(scores, p, best.Threshold)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(at.Raw-best.Raw) > 1e-9 || at.TP != best.TP || at.FP != best.FP || at.FN != best.FN || at.TN != best.TN {
					t.Errorf("%s %s: sweep at %v gives %+v, scoring there gives %+v", detector, p.Name, best.Threshold, best, at)
				}
				norm, err := c.Normalize(got.Raw, p)
				if err != nil {
					t.Fatal(err)
				}
				w := profiles[p.Name]
				t.Logf("%s %s at %v: %.4f (published %.4f)", detector, p.Name, th, norm, w)
				if math.Abs(norm-w) > 0.01 {
					t.Errorf("%s %s at threshold %v = %.4f, want %.4f", detector, p.Name, th, norm, w)
				}
			}
		})
	}
	if checked == 0 {
		t.Fatal("no detector's per-row output found")
	}
}

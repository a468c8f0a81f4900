package nab_test

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nextportal/portal/anomaly/nab"
)

// TestPublishedTotalsNormalize checks the other half of the scorer for every published
// detector, including those whose per-row output the shared copy leaves out (random's
// tables there are cut short, so it is left out): NAB's per-file
// score tables (results/<detector>/<detector>_<profile>_scores.csv) summed over the corpus,
// normalised against this scorer's own null and perfect detectors, give final_results.json
// within 0.01. With TestPublishedScores (per-row output → raw score) it covers the whole chain.
func TestPublishedTotalsNormalize(t *testing.T) {
	c, dir := loadCorpus(t)
	b, err := os.ReadFile(filepath.Join(dir, "results", "final_results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]map[string]float64
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for detector, profiles := range want {
		for _, p := range nab.Profiles() {
			published, ok := profiles[p.Name]
			if !ok {
				continue
			}
			path := filepath.Join(dir, "results", detector, detector+"_"+p.Name+"_scores.csv")
			raw, files, err := sumScores(path)
			if err != nil {
				t.Errorf("%s %s: %v", detector, p.Name, err)
				continue
			}
			if files != len(c.Files) {
				// The shared copy of random's tables is cut short (32 of 58 files).
				t.Logf("%s %s: the table scores %d files, the corpus has %d: not summable", detector, p.Name, files, len(c.Files))
				continue
			}
			got, err := c.Normalize(raw, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-published) > 0.01 {
				t.Errorf("%s %s: raw %.4f normalises to %.4f, published %.4f", detector, p.Name, raw, got, published)
			}
			checked++
		}
	}
	if checked < 3*13 {
		t.Errorf("checked %d detector×profile scores, want every published one with a whole table (≥ 39)", checked)
	}
}

// sumScores adds the Score column of one of NAB's per-file score tables, leaving out its
// Totals row, and counts the files.
func sumScores(path string) (float64, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return 0, 0, err
	}
	var sum float64
	files := 0
	for _, r := range rows[1:] {
		if r[0] == "Totals" {
			continue
		}
		v, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			return 0, 0, err
		}
		sum += v
		files++
	}
	return sum, files, nil
}

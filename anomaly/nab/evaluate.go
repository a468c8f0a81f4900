package nab

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
)

// Result is a detector's NAB outcome under one profile.
type Result struct {
	Profile string `json:"profile"`
	// Score is normalised: 0 is the null detector, 100 a perfect one.
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	Raw       float64 `json:"raw"`
	TP        int     `json:"tp"`
	TN        int     `json:"tn"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
}

// Evaluate optimises a threshold per profile over the corpus, scores the corpus at it, and
// normalises the raw score as NAB's runner does (see Normalize).
func (c *Corpus) Evaluate(scores Scores, profiles []Profile) ([]Result, error) {
	out := make([]Result, 0, len(profiles))
	for _, p := range profiles {
		best, err := c.Optimize(scores, p)
		if err != nil {
			return nil, fmt.Errorf("optimise %s: %w", p.Name, err)
		}
		t, err := c.ScoreAt(scores, p, best.Threshold)
		if err != nil {
			return nil, fmt.Errorf("score %s: %w", p.Name, err)
		}
		norm, err := c.Normalize(t.Raw, p)
		if err != nil {
			return nil, err
		}
		out = append(out, Result{
			Profile:   p.Name,
			Score:     norm,
			Threshold: t.Threshold,
			Raw:       t.Raw,
			TP:        t.TP, TN: t.TN, FP: t.FP, FN: t.FN,
		})
	}
	return out, nil
}

// Normalize maps a raw score under profile p onto NAB's scale: 100 × (raw − null) /
// (perfect − null), where null is the optimised raw score of the null detector (a constant
// 0.5) and perfect is tpWeight for every window.
func (c *Corpus) Normalize(raw float64, p Profile) (float64, error) {
	base, err := c.Optimize(c.nullScores(), p)
	if err != nil {
		return 0, fmt.Errorf("null detector, %s: %w", p.Name, err)
	}
	perfect := float64(c.Windows()) * p.TP
	return 100 * (raw - base.Raw) / (perfect - base.Raw), nil
}

func (c *Corpus) nullScores() Scores {
	s := make(Scores, len(c.Files))
	for _, f := range c.Files {
		row := make([]float64, len(f.Times))
		for i := range row {
			row[i] = 0.5
		}
		s[f.Name] = row
	}
	return s
}

// LoadResults reads a published detector's per-row output, NAB's
// results/<detector>/<category>/<detector>_<file>.csv, column anomaly_score, for every file
// of the corpus.
func (c *Corpus) LoadResults(resultsDir, detector string) (Scores, error) {
	out := make(Scores, len(c.Files))
	for _, f := range c.Files {
		dir, name := path.Split(f.Name)
		p := filepath.Join(resultsDir, detector, filepath.FromSlash(dir), detector+"_"+name)
		col := -1
		var s []float64
		err := readCSV(p, func(header, row []string) error {
			if col < 0 {
				if col = slices.Index(header, "anomaly_score"); col < 0 {
					return fmt.Errorf("no anomaly_score column")
				}
			}
			if col >= len(row) {
				return fmt.Errorf("short row")
			}
			v, err := strconv.ParseFloat(row[col], 64)
			if err != nil {
				return fmt.Errorf("anomaly_score %q: %w", row[col], err)
			}
			s = append(s, v)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("results of %s: %w", detector, err)
		}
		out[f.Name] = s
	}
	return out, nil
}

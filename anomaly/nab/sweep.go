package nab

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// probationPercent is the share of each file NAB leaves out of scoring.
const probationPercent = 0.15

// probationLength is NAB's _getProbationaryLength: min(floor(15% of n), 15% of 5000).
func probationLength(n int) float64 {
	return math.Min(math.Floor(probationPercent*float64(n)), probationPercent*5000)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// scaledSigmoid is NAB's weight of a detection at a relative position: -1 is a window's left
// edge (0.987), 0 its right edge (0), and positive positions lie past it, down to -1.
func scaledSigmoid(pos float64) float64 {
	if pos > 3 {
		return -1
	}
	return 2*sigmoid(-5*pos) - 1
}

// point is one scorable row: its anomaly score, the NAB score a detection there would earn
// (weighted by the profile) and the window it falls in (-1 outside every window).
type point struct {
	score, sweep float64
	window       int32
}

// sweepFile is NAB's calcSweepScore for one file: it appends the file's rows after the
// probationary period to pts, numbering its windows from firstWindow.
func sweepFile(pts []point, f *File, scores []float64, p Profile, firstWindow int32) []point {
	maxTP := scaledSigmoid(-1)
	probation := probationLength(len(f.Times))
	next := 0 // the next window not yet entered
	cur, prev := -1, -1
	for i, s := range scores {
		if cur < 0 && next < len(f.Windows) && f.Windows[next].First == i {
			cur = next
			next++
		}
		var weighted float64
		if cur >= 0 {
			w := f.Windows[cur]
			width := float64(w.Last - w.First + 1)
			weighted = scaledSigmoid(-float64(w.Last-i+1)/width) * p.TP / maxTP
		} else {
			unweighted := -1.0
			if prev >= 0 {
				w := f.Windows[prev]
				pos := math.Abs(float64(w.Last-i)) / float64(w.Last-w.First)
				unweighted = scaledSigmoid(pos)
			}
			weighted = unweighted * p.FP
		}
		if float64(i) >= probation {
			win := int32(-1)
			if cur >= 0 {
				win = firstWindow + int32(cur)
			}
			pts = append(pts, point{score: s, sweep: weighted, window: win})
		}
		if cur >= 0 && f.Windows[cur].Last == i {
			prev, cur = cur, -1
		}
	}
	return pts
}

// Threshold is the outcome of detecting every row whose score is at least Threshold.
type Threshold struct {
	Threshold float64
	// Raw is NAB's unnormalised score: the best detection of each window, minus the missed
	// windows, plus the (negative) weights of the false positives.
	Raw            float64
	TP, TN, FP, FN int
}

// sweepPoints is NAB's calcScoreByThreshold: it sorts pts by score, highest first, and calls
// visit with the outcome of every distinct threshold from 1.1 (nothing detected) down to the
// lowest score. windows is the number of window ids; fn the profile's false-negative weight.
func sweepPoints(pts []point, windows int, fn float64, visit func(Threshold)) {
	slices.SortStableFunc(pts, func(a, b point) int { return cmp.Compare(b.score, a.score) })
	parts := make([]float64, windows)
	seen := make([]bool, windows)
	var t Threshold
	var windowSum float64
	for _, pt := range pts {
		if pt.window >= 0 {
			t.FN++
			if !seen[pt.window] {
				seen[pt.window] = true
				parts[pt.window] = -fn
				windowSum -= fn
			}
		} else {
			t.TN++
		}
	}
	fpSum := 0.0
	t.Threshold = 1.1
	for _, pt := range pts {
		if pt.score != t.Threshold {
			t.Raw = fpSum + windowSum
			visit(t)
			t.Threshold = pt.score
		}
		if pt.window >= 0 {
			t.TP++
			t.FN--
			if pt.sweep > parts[pt.window] {
				windowSum += pt.sweep - parts[pt.window]
				parts[pt.window] = pt.sweep
			}
		} else {
			t.FP++
			t.TN--
			fpSum += pt.sweep
		}
	}
	t.Raw = fpSum + windowSum
	visit(t)
}

// Scores holds a detector's anomaly score for every row of every file, by file name.
type Scores map[string][]float64

// points sweeps every file of the corpus with scores under profile p.
func (c *Corpus) points(scores Scores, p Profile) ([]point, int, error) {
	var pts []point
	var windows int32
	for i := range c.Files {
		f := &c.Files[i]
		s, ok := scores[f.Name]
		if !ok {
			return nil, 0, fmt.Errorf("no scores for %s", f.Name)
		}
		if len(s) != len(f.Times) {
			return nil, 0, fmt.Errorf("%s: %d scores for %d rows", f.Name, len(s), len(f.Times))
		}
		pts = sweepFile(pts, f, s, p, windows)
		windows += int32(len(f.Windows))
	}
	return pts, int(windows), nil
}

// Optimize is NAB's optimizeThreshold: the threshold with the highest raw score over the
// whole corpus (the highest such threshold on a tie).
func (c *Corpus) Optimize(scores Scores, p Profile) (Threshold, error) {
	pts, windows, err := c.points(scores, p)
	if err != nil {
		return Threshold{}, err
	}
	var best Threshold
	first := true
	sweepPoints(pts, windows, p.FN, func(t Threshold) {
		if first || t.Raw > best.Raw {
			best, first = t, false
		}
	})
	return best, nil
}

// ScoreAt is NAB's scoring step: every row scoring at least threshold is a detection, and the
// outcome is totalled over the files.
func (c *Corpus) ScoreAt(scores Scores, p Profile, threshold float64) (Threshold, error) {
	pts, windows, err := c.points(scores, p)
	if err != nil {
		return Threshold{}, err
	}
	t := Threshold{Threshold: threshold}
	best := make([]float64, windows)
	seen := make([]bool, windows)
	for _, pt := range pts {
		detected := pt.score >= threshold
		switch {
		case pt.window < 0 && detected:
			t.FP++
			t.Raw += pt.sweep
		case pt.window < 0:
			t.TN++
		case detected:
			t.TP++
			if !seen[pt.window] || pt.sweep > best[pt.window] {
				best[pt.window] = max(pt.sweep, -p.FN)
			}
			seen[pt.window] = true
		default:
			t.FN++
			if !seen[pt.window] {
				best[pt.window] = -p.FN
			}
			seen[pt.window] = true
		}
	}
	for w, ok := range seen {
		if ok {
			t.Raw += best[w]
		}
	}
	return t, nil
}

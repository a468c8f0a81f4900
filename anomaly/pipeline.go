package anomaly

import (
	"math"
	"time"
)

// pipeline is one detector: a raw surprise, squashed into [0, 1], through the anomaly
// likelihood, with out-of-range values flagged and repeated alarms damped.
type pipeline struct {
	s          surprise
	k          float64
	l          *likelihood
	minV, maxV float64
	seen       bool
	// n counts the points seen, warm how many pass before a value out of range counts.
	n, warm int
	sup     suppressor
}

func newPipeline(c Config, s surprise) *pipeline {
	return &pipeline{s: s, k: c.Squash, l: newLikelihood(c.Likelihood), sup: suppressor{n: c.Suppress, damp: c.Damp},
		warm: c.SpatialWarmup}
}

// Score implements Detector.
func (p *pipeline) Score(t time.Time, v float64) float64 {
	return p.sup.apply(p.likely(t, v))
}

// likely is the score before suppression.
func (p *pipeline) likely(t time.Time, v float64) float64 {
	z := p.s.surprise(t, v)
	raw := squash(z, p.k)
	score := logScore(p.l.probability(v, raw))
	if p.outOfRange(v) && p.n > p.warm {
		score = 1
	}
	p.n++
	return clamp01(score)
}

// outOfRange is NAB numenta's spatial anomaly: v lies more than 5% of the range seen so far
// beyond it. It counts only after Config.SpatialWarmup points, when the range means something.
func (p *pipeline) outOfRange(v float64) bool {
	defer func() {
		if !p.seen {
			p.minV, p.maxV, p.seen = v, v, true
		}
		p.minV, p.maxV = math.Min(p.minV, v), math.Max(p.maxV, v)
	}()
	if !p.seen || p.minV == p.maxV {
		return false
	}
	tol := (p.maxV - p.minV) * 0.05
	return v > p.maxV+tol || v < p.minV-tol
}

// squash maps a non-negative surprise onto [0, 1).
func squash(z, k float64) float64 {
	if math.IsNaN(z) || z <= 0 {
		return 0
	}
	return z / (z + k)
}

func clamp01(x float64) float64 {
	switch {
	case math.IsNaN(x) || x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// suppressor damps the scores that follow a detection: for n points after a score of at
// least 0.5, only a score above the one that alarmed passes undamped.
type suppressor struct {
	n     int
	damp  float64
	left  int
	level float64
}

func (s *suppressor) apply(score float64) float64 {
	if s.n <= 0 {
		return score
	}
	if s.left > 0 {
		s.left--
		if score <= s.level {
			return score * s.damp
		}
	}
	if score >= 0.5 {
		s.left, s.level = s.n, score
	}
	return score
}

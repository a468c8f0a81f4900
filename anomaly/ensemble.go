package anomaly

import (
	"math"
	"time"
)

// ensemble runs several detectors on the same series and combines them (Config.Combine):
// "mean" averages their scores, "max" keeps the strongest, "raw" feeds the largest of their
// surprises to one likelihood. Repeats are suppressed once, after combining.
type ensemble struct {
	parts   []*pipeline
	combine string
	sup     suppressor
}

func newEnsemble(c Config) Detector {
	e := &ensemble{combine: c.Combine, sup: suppressor{n: c.Suppress, damp: c.Damp}}
	var ss maxSurprise
	for _, name := range c.Components {
		if s := newSurprise(name, c); s != nil {
			ss = append(ss, s)
			e.parts = append(e.parts, newPipeline(c, s))
		}
	}
	if e.combine == "raw" {
		e.parts = []*pipeline{newPipeline(c, ss)}
	}
	return e
}

// Score implements Detector.
func (e *ensemble) Score(t time.Time, v float64) float64 {
	var best, sum float64
	for _, p := range e.parts {
		s := p.likely(t, v)
		best = max(best, s)
		sum += s
	}
	if e.combine == "mean" && len(e.parts) > 0 {
		best = sum / float64(len(e.parts))
	}
	return e.sup.apply(best)
}

// maxSurprise is the largest surprise of its parts.
type maxSurprise []surprise

func (m maxSurprise) surprise(t time.Time, v float64) float64 {
	z := 0.0
	for _, s := range m {
		z = math.Max(z, s.surprise(t, v))
	}
	return z
}

package anomaly

import "time"

// ensemble runs several detectors on the same series and reports the strongest of their
// scores before suppression, then suppresses repeats once.
type ensemble struct {
	parts []*pipeline
	sup   suppressor
}

func newEnsemble(c Config) Detector {
	return &ensemble{
		parts: []*pipeline{
			newPipeline(c, newRobustZ(c.Window)),
			newPipeline(c, newDiffZ(c.Window)),
			newPipeline(c, newSeasonal(c.Window)),
			newPipeline(c, newHoltWinters(c.Window)),
		},
		sup: suppressor{n: c.Suppress},
	}
}

// Score implements Detector.
func (e *ensemble) Score(t time.Time, v float64) float64 {
	best := 0.0
	for _, p := range e.parts {
		best = max(best, p.likely(t, v))
	}
	return e.sup.apply(best)
}

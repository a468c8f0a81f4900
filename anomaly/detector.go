package anomaly

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Detector scores the points of one series, in time order, from the past only.
type Detector interface {
	// Score returns the anomaly score of the point (t, v) in [0, 1]. It is called once per
	// point, with non-decreasing t.
	Score(t time.Time, v float64) float64
}

// Config is the one global configuration of every detector.
type Config struct {
	// Window is how many past points the robust statistics look at.
	Window int
	// Likelihood shapes the step from raw surprise to score.
	Likelihood LikelihoodConfig
	// Suppress is how many points after a detection are damped.
	Suppress int
}

// DefaultConfig is the configuration the NAB scores in the README were measured with.
func DefaultConfig() Config {
	return Config{
		Window:     400,
		Likelihood: DefaultLikelihood(),
		Suppress:   400,
	}
}

// constructors builds each named detector.
var constructors = map[string]func(Config) Detector{
	"robustz":     func(c Config) Detector { return newPipeline(c, newRobustZ(c.Window)) },
	"diffz":       func(c Config) Detector { return newPipeline(c, newDiffZ(c.Window)) },
	"seasonal":    func(c Config) Detector { return newPipeline(c, newSeasonal(c.Window)) },
	"holtwinters": func(c Config) Detector { return newPipeline(c, newHoltWinters(c.Window)) },
	"cusum":       func(c Config) Detector { return newPipeline(c, newCUSUM(c.Window)) },
	"ensemble":    newEnsemble,
}

// Names lists the detectors New builds, sorted.
func Names() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns a fresh detector by name (see Names) for one series.
func New(name string, cfg Config) (Detector, error) {
	c, ok := constructors[name]
	if !ok {
		return nil, fmt.Errorf("unknown detector %q (known: %v)", name, Names())
	}
	return c(cfg), nil
}

// Known reports whether New knows the detector name.
func Known(name string) bool { return slices.Contains(Names(), name) }

// surprise is a raw, unnormalised anomaly measure of each point: 0 is unremarkable, larger
// is stranger. It learns from the point after measuring it.
type surprise interface {
	surprise(t time.Time, v float64) float64
}

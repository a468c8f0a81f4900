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
	Window int `json:"window"`
	// Squash is the surprise that maps to a raw score of 0.5 (raw = z / (z + Squash)).
	Squash float64 `json:"squash"`
	// Likelihood shapes the step from raw surprise to score.
	Likelihood LikelihoodConfig `json:"likelihood"`
	// Suppress is how many points after a detection are damped, and Damp the factor
	// their scores are multiplied by unless they beat the detection.
	Suppress int     `json:"suppress"`
	Damp     float64 `json:"damp"`
	// SpatialWarmup is how many points pass before a value beyond the range seen so far
	// (by 5% of it) scores 1 outright.
	SpatialWarmup int `json:"spatial_warmup"`
	// Components are the detectors the ensemble combines, and Combine how: mean, max or raw.
	Components []string `json:"components"`
	Combine    string   `json:"combine"`
}

// DefaultConfig is the configuration the NAB scores in the README were measured with.
func DefaultConfig() Config {
	return Config{
		Window:        600,
		Squash:        10,
		SpatialWarmup: 150,
		Likelihood:    DefaultLikelihood(),
		Suppress:      400,
		Damp:          0.5,
		Components:    []string{"seasonal", "cusum"},
		Combine:       "max",
	}
}

// constructors builds each named detector.
var constructors = map[string]func(Config) Detector{
	"robustz":     func(c Config) Detector { return newPipeline(c, newSurprise("robustz", c)) },
	"diffz":       func(c Config) Detector { return newPipeline(c, newSurprise("diffz", c)) },
	"seasonal":    func(c Config) Detector { return newPipeline(c, newSurprise("seasonal", c)) },
	"holtwinters": func(c Config) Detector { return newPipeline(c, newSurprise("holtwinters", c)) },
	"cusum":       func(c Config) Detector { return newPipeline(c, newSurprise("cusum", c)) },
	"ensemble":    newEnsemble,
}

// newSurprise builds a component's raw surprise by name; nil for an unknown name.
func newSurprise(name string, c Config) surprise {
	switch name {
	case "robustz":
		return newRobustZ(c.Window)
	case "diffz":
		return newDiffZ(c.Window)
	case "seasonal":
		return newSeasonal(c.Window)
	case "holtwinters":
		return newHoltWinters(c.Window)
	case "cusum":
		return newCUSUM(c.Window)
	}
	return nil
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

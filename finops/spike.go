package finops

import (
	"math"
	"slices"
	"time"

	"github.com/nextportal/portal/anomaly"
)

// SpikeOptions say when a day's cost is a spike.
type SpikeOptions struct {
	// Score is the anomaly score (of the anomaly package's robust z-score detector, over
	// the day's distance from its seasonal baseline) a spike reaches (default 0.9).
	Score float64
	// MinRise is how far above its baseline a spike is, as a fraction (default 0.5: 50%).
	MinRise float64
	// MinAmount is how much above its baseline a spike is, in the series' currency
	// (default 10), so cents that double do not alert.
	MinAmount float64
}

func (o SpikeOptions) withDefaults() SpikeOptions {
	if o.Score <= 0 {
		o.Score = 0.9
	}
	if o.MinRise <= 0 {
		o.MinRise = 0.5
	}
	if o.MinAmount <= 0 {
		o.MinAmount = 10
	}
	return o
}

// SpikeDay is a day whose cost is far above its seasonal baseline.
type SpikeDay struct {
	Index    int     // into the series
	Cost     float64 // the day's cost
	Baseline float64 // the median of the same weekday in the four weeks before
	Score    float64 // the detector's anomaly score
}

// spikeWeeks is how many past same weekdays the baseline is the median of.
const spikeWeeks = 4

// spikeConfig is the anomaly detectors' configuration for daily cost: a quarter's window,
// likelihood learnt over the first eight weeks, no spatial shortcut and no damping (a spike
// is judged on its own).
func spikeConfig() anomaly.Config {
	return anomaly.Config{
		Window: 91, Squash: 3,
		Likelihood:    anomaly.LikelihoodConfig{LearningPeriod: 28, EstimationSamples: 28, HistoricWindow: 365, ReestimationPeriod: 7, AveragingWindow: 1},
		SpatialWarmup: math.MaxInt32, Damp: 1,
	}
}

// SeasonalBaseline is, for each day from the fourth week on, the median cost of the same
// weekday in the four weeks before (NaN before that).
func SeasonalBaseline(y []float64) []float64 {
	out := make([]float64, len(y))
	var w [spikeWeeks]float64
	for t := range y {
		if t < spikeWeeks*Season {
			out[t] = math.NaN()
			continue
		}
		for k := range spikeWeeks {
			w[k] = y[t-(k+1)*Season]
		}
		s := w[:]
		slices.Sort(s)
		out[t] = (s[spikeWeeks/2-1] + s[spikeWeeks/2]) / 2
	}
	return out
}

// DetectSpikes returns the days of y from index from on that are spikes by o: the anomaly
// package's robust z-score detector, run over each day's distance from its seasonal
// baseline, scores it at least o.Score, and the cost beats the baseline by o.MinRise and
// o.MinAmount. A spike that continues a spike of the day before is not reported again.
func DetectSpikes(y []float64, from int, o SpikeOptions) []SpikeDay {
	o = o.withDefaults()
	base := SeasonalBaseline(y)
	det, err := anomaly.New("robustz", spikeConfig())
	if err != nil {
		panic(err) // robustz is one of anomaly.Names()
	}
	t0 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []SpikeDay
	prevSpike := false
	for t := range y {
		if math.IsNaN(base[t]) {
			continue
		}
		score := det.Score(t0.AddDate(0, 0, t), y[t]-base[t])
		spike := score >= o.Score && y[t] >= base[t]*(1+o.MinRise) && y[t]-base[t] >= o.MinAmount
		if spike && !prevSpike && t >= from {
			out = append(out, SpikeDay{Index: t, Cost: y[t], Baseline: base[t], Score: score})
		}
		prevSpike = spike
	}
	return out
}

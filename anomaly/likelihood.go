package anomaly

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LikelihoodConfig shapes Numenta's anomaly likelihood (nupic's AnomalyLikelihood, as NAB's
// numenta detector uses it).
type LikelihoodConfig struct {
	// LearningPeriod points are skipped when the distribution is first estimated.
	LearningPeriod int
	// EstimationSamples more points are gathered before the first estimate; until then the
	// score is 0.5.
	EstimationSamples int
	// HistoricWindow is how many averaged surprises the distribution is estimated from.
	HistoricWindow int
	// ReestimationPeriod is how often, in points, the distribution is estimated again.
	ReestimationPeriod int
	// AveragingWindow is the moving average of raw surprises the tail probability is taken of.
	AveragingWindow int
}

// DefaultLikelihood is nupic's default: learn for 288 points, estimate from 100 more, keep
// 8640, re-estimate every 100 and average over 10.
func DefaultLikelihood() LikelihoodConfig {
	return LikelihoodConfig{LearningPeriod: 288, EstimationSamples: 100, HistoricWindow: 8640, ReestimationPeriod: 100, AveragingWindow: 10}
}

// likelihood turns a stream of raw scores in [0, 1] into the probability that the recent
// average is unusual: 1 − the Gaussian tail probability of the moving average against the
// distribution of moving averages in the historic window.
type likelihood struct {
	cfg       LikelihoodConfig
	iteration int
	// history holds the moving averages and the metric values of the historic window.
	history, values *ring
	avg             *ring
	avgSum          float64
	mean, stdev     float64
	estimated       bool
	prevTail        float64
}

func newLikelihood(cfg LikelihoodConfig) *likelihood {
	return &likelihood{
		cfg:      cfg,
		history:  newRing(cfg.HistoricWindow),
		values:   newRing(cfg.HistoricWindow),
		avg:      newRing(cfg.AveragingWindow),
		prevTail: 1,
	}
}

// Red and yellow zones of nupic's likelihood filter: a tail probability this small right after
// another is reported as yellow, so a run of reds alarms once.
const (
	redTail    = 1 - 0.99999
	yellowTail = 1 - 0.999
)

// probability returns the anomaly probability of a point with metric value v and raw score raw.
func (l *likelihood) probability(v, raw float64) float64 {
	if old, full := l.avg.push(raw); full {
		l.avgSum -= old
	}
	l.avgSum += raw
	average := l.avgSum / float64(l.avg.len())
	p := 0.5
	if l.iteration >= l.cfg.LearningPeriod+l.cfg.EstimationSamples {
		if !l.estimated || l.iteration%l.cfg.ReestimationPeriod == 0 {
			l.estimate()
		}
		tail := tailProbability(average, l.mean, l.stdev)
		filtered := tail
		if tail <= redTail && l.prevTail <= redTail {
			filtered = yellowTail
		}
		l.prevTail = tail
		p = 1 - filtered
	}
	l.history.push(average)
	l.values.push(v)
	l.iteration++
	return p
}

// estimate fits a normal distribution to the historic moving averages, with nupic's lower
// bounds (mean 0.03, variance 0.0003), or a null distribution when the metric is flat.
func (l *likelihood) estimate() {
	l.estimated = true
	shifted := max(0, l.iteration-l.cfg.HistoricWindow)
	skip := min(l.iteration, max(0, l.cfg.LearningPeriod-shifted))
	scores := l.history.slice()
	if len(scores) <= skip {
		l.mean, l.stdev = 0.5, 1000
		return
	}
	mean, variance := stat.PopMeanVariance(scores[skip:], nil)
	_, metricVar := stat.PopMeanVariance(l.values.slice()[skip:], nil)
	if metricVar < 1.5e-5 {
		l.mean, l.stdev = 0.5, 1000
		return
	}
	l.mean = math.Max(mean, 0.03)
	l.stdev = math.Sqrt(math.Max(variance, 0.0003))
}

var stdNormal = distuv.UnitNormal

// tailProbability is the two-sided Gaussian tail beyond x (mirrored below the mean).
func tailProbability(x, mean, stdev float64) float64 {
	if x < mean {
		x = 2*mean - x
	}
	return stdNormal.Survival((x - mean) / stdev)
}

// logScore is NAB's computeLogLikelihood: it spreads probabilities near 1 over [0, 1], so a
// probability of 1 − 1e-5 scores 0.5.
func logScore(p float64) float64 {
	return math.Log(1.0000000001-p) / math.Log(1.0-0.9999999999)
}

// ring is a fixed-size FIFO of floats.
type ring struct {
	buf  []float64
	next int
	n    int
}

func newRing(n int) *ring { return &ring{buf: make([]float64, 0, n), n: n} }

func (r *ring) len() int { return len(r.buf) }

// push appends v, returning the value it evicted and whether the ring was full.
func (r *ring) push(v float64) (float64, bool) {
	if len(r.buf) < r.n {
		r.buf = append(r.buf, v)
		return 0, false
	}
	old := r.buf[r.next]
	r.buf[r.next] = v
	r.next = (r.next + 1) % r.n
	return old, true
}

// slice returns the values oldest first (a copy when the ring has wrapped).
func (r *ring) slice() []float64 {
	if len(r.buf) < r.n || r.next == 0 {
		return r.buf
	}
	out := make([]float64, 0, r.n)
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}

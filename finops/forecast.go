package finops

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Forecast models. Each forecasts a daily series h days ahead with a 95% prediction interval.
const (
	// ModelLinear is a linear trend plus a day-of-week offset, fitted by least squares.
	ModelLinear = "linear"
	// ModelHoltWinters is additive Holt-Winters with a weekly season, its smoothing
	// parameters chosen on a grid by one-step-ahead squared error.
	ModelHoltWinters = "holtwinters"
	// ModelSeasonalNaive repeats the last week: the yardstick MASE is measured against.
	ModelSeasonalNaive = "snaive"
)

// Season is the length of the season every model assumes: a week of daily values.
const Season = 7

// Models lists the forecast models, the yardstick last.
func Models() []string { return []string{ModelLinear, ModelHoltWinters, ModelSeasonalNaive} }

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959964

// Prediction is a forecast of the h days after a series: Point[k] is the forecast for day
// n+k, and [Lower[k], Upper[k]] its 95% prediction interval.
//
// The intervals are residual-based and assume roughly normal, independent errors:
//   - linear: ±1.96·σ, σ the standard deviation of the regression's residuals (the
//     uncertainty of the fitted coefficients is ignored, which is small next to σ on a year);
//   - holtwinters: ±1.96·σ₁·√k for day k ahead, σ₁ the RMS of its one-step-ahead errors;
//   - snaive: ±1.96·σₛ·√⌈k/7⌉, σₛ the RMS of the in-sample week-on-week differences (the
//     textbook seasonal random walk).
//
// The eval (portal eval forecast) reports how often backtest actuals fall inside them.
type Prediction struct {
	Model string
	Point []float64
	Lower []float64
	Upper []float64
}

// MinHistory is the fewest days a series must have for Predict: two weeks, so every model
// has a season to start from and a residual to measure.
const MinHistory = 2 * Season

// Predict forecasts the h days after y with model (see Models).
func Predict(model string, y []float64, h int) (Prediction, error) {
	if len(y) < MinHistory {
		return Prediction{}, fmt.Errorf("forecast %s: %d days of history, need at least %d: %w", model, len(y), MinHistory, ErrInvalid)
	}
	if h < 1 {
		return Prediction{}, fmt.Errorf("forecast %s: horizon %d: %w", model, h, ErrInvalid)
	}
	var point []float64
	var half func(k int) float64
	switch model {
	case ModelLinear:
		var sigma float64
		point, sigma = linearForecast(y, h)
		half = func(int) float64 { return z95 * sigma }
	case ModelHoltWinters:
		var sigma float64
		point, sigma = holtWintersForecast(y, h)
		half = func(k int) float64 { return z95 * sigma * math.Sqrt(float64(k)) }
	case ModelSeasonalNaive:
		var sigma float64
		point, sigma = seasonalNaiveForecast(y, h)
		half = func(k int) float64 { return z95 * sigma * math.Sqrt(float64((k+Season-1)/Season)) }
	default:
		return Prediction{}, fmt.Errorf("forecast: unknown model %q (known: %v): %w", model, Models(), ErrInvalid)
	}
	p := Prediction{Model: model, Point: point, Lower: make([]float64, h), Upper: make([]float64, h)}
	for k := range h {
		w := half(k + 1)
		p.Lower[k], p.Upper[k] = point[k]-w, point[k]+w
	}
	return p, nil
}

// seasonalNaiveForecast repeats the last season of y, and returns the RMS of y's
// week-on-week differences.
func seasonalNaiveForecast(y []float64, h int) ([]float64, float64) {
	n := len(y)
	out := make([]float64, h)
	for k := range h {
		out[k] = y[n-Season+k%Season]
	}
	var ss float64
	for t := Season; t < n; t++ {
		d := y[t] - y[t-Season]
		ss += d * d
	}
	return out, math.Sqrt(ss / float64(n-Season))
}

// linearForecast fits y[t] = a + b·t + d[t mod 7] (d of the first slot fixed at 0) by least
// squares and extends it h days; it returns the residual standard deviation too.
func linearForecast(y []float64, h int) ([]float64, float64) {
	n := len(y)
	const cols = 2 + Season - 1
	x := mat.NewDense(n, cols, nil)
	for t := range n {
		x.Set(t, 0, 1)
		x.Set(t, 1, float64(t))
		if s := t % Season; s > 0 {
			x.Set(t, 1+s, 1)
		}
	}
	var beta mat.VecDense
	if err := beta.SolveVec(x, mat.NewVecDense(n, append([]float64(nil), y...))); err != nil {
		// Only a rank-deficient design fails, which n ≥ 14 rules out; fall back to the mean.
		return constant(mean(y), h), stddev(y)
	}
	at := func(t int) float64 {
		v := beta.AtVec(0) + beta.AtVec(1)*float64(t)
		if s := t % Season; s > 0 {
			v += beta.AtVec(1 + s)
		}
		return v
	}
	var ss float64
	for t := range n {
		r := y[t] - at(t)
		ss += r * r
	}
	dof := max(n-cols, 1)
	out := make([]float64, h)
	for k := range h {
		out[k] = at(n + k)
	}
	return out, math.Sqrt(ss / float64(dof))
}

// hwState is additive Holt-Winters after a pass over a series.
type hwState struct {
	level, trend float64
	season       [Season]float64 // season[i] is the offset of the slot i (t mod 7)
	sse          float64         // one-step-ahead squared errors, after the first season
	steps        int
}

// hwGrid is the smoothing parameters holtWintersForecast tries.
var (
	hwAlphas = []float64{0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9}
	hwBetas  = []float64{0, 0.01, 0.05, 0.1, 0.2}
	hwGammas = []float64{0.01, 0.05, 0.1, 0.2, 0.4}
)

// hwRun runs additive Holt-Winters with weekly season over y: level and season start from
// the first week, the trend from the difference of the first two weekly means.
func hwRun(y []float64, alpha, beta, gamma float64) hwState {
	var st hwState
	m0, m1 := mean(y[:Season]), mean(y[Season:2*Season])
	st.level = m0
	st.trend = (m1 - m0) / Season
	for i := range Season {
		st.season[i] = y[i] - (m0 + st.trend*(float64(i)-float64(Season-1)/2))
	}
	// The level after the first week sits at its last day.
	st.level = m0 + st.trend*float64(Season-1)/2
	for t := Season; t < len(y); t++ {
		slot := t % Season
		f := st.level + st.trend + st.season[slot]
		e := y[t] - f
		st.sse += e * e
		st.steps++
		prev := st.level
		st.level = alpha*(y[t]-st.season[slot]) + (1-alpha)*(st.level+st.trend)
		st.trend = beta*(st.level-prev) + (1-beta)*st.trend
		st.season[slot] = gamma*(y[t]-st.level) + (1-gamma)*st.season[slot]
	}
	return st
}

// holtWintersForecast picks α, β, γ from the grid by one-step SSE, extends the fitted
// state h days and returns the RMS one-step error too.
func holtWintersForecast(y []float64, h int) ([]float64, float64) {
	best := hwState{sse: math.Inf(1)}
	for _, a := range hwAlphas {
		for _, b := range hwBetas {
			for _, g := range hwGammas {
				if st := hwRun(y, a, b, g); st.sse < best.sse {
					best = st
				}
			}
		}
	}
	n := len(y)
	out := make([]float64, h)
	for k := range h {
		out[k] = best.level + float64(k+1)*best.trend + best.season[(n+k)%Season]
	}
	return out, math.Sqrt(best.sse / float64(max(best.steps, 1)))
}

func constant(v float64, h int) []float64 {
	out := make([]float64, h)
	for i := range out {
		out[i] = v
	}
	return out
}

func mean(y []float64) float64 {
	var s float64
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}

func stddev(y []float64) float64 {
	m := mean(y)
	var ss float64
	for _, v := range y {
		ss += (v - m) * (v - m)
	}
	return math.Sqrt(ss / float64(max(len(y)-1, 1)))
}

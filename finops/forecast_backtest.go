package finops

import (
	"errors"
	"fmt"
	"math"
)

// BacktestOptions shape a rolling-origin backtest.
type BacktestOptions struct {
	// Horizon is how many days each origin forecasts (default 14).
	Horizon int
	// Origins is the most forecast origins (default 8); the last ends at the series' end,
	// each earlier one Step days before the next.
	Origins int
	// Step is the days between origins (default 7).
	Step int
	// MinTrain is the fewest days of history an origin needs (default 28).
	MinTrain int
}

func (o BacktestOptions) withDefaults() BacktestOptions {
	if o.Horizon <= 0 {
		o.Horizon = 14
	}
	if o.Origins <= 0 {
		o.Origins = 8
	}
	if o.Step <= 0 {
		o.Step = 7
	}
	if o.MinTrain < MinHistory {
		o.MinTrain = 28
	}
	return o
}

// Backtest is the result of a rolling-origin backtest of every model on one series.
type Backtest struct {
	// Origins is how many forecast origins were scored.
	Origins int `json:"origins"`
	// MASE is each model's mean absolute error over the held-out days, divided by the
	// in-sample mean absolute error of the seasonal-naive one-week-back forecast on the
	// days before the origin, averaged over origins. Below 1 beats that yardstick.
	MASE map[string]float64 `json:"mase"`
	// Coverage is the share of held-out days inside each model's 95% interval.
	Coverage map[string]float64 `json:"coverage"`
	// Chosen is the model with the lowest MASE (seasonal-naive on a tie).
	Chosen string `json:"chosen"`
}

// ErrShortSeries means a series is too short to backtest: fewer days than MinTrain +
// Horizon.
var ErrShortSeries = fmt.Errorf("series too short to backtest: %w", ErrInvalid)

// RunBacktest scores every model on y by rolling-origin evaluation (see BacktestOptions)
// and chooses the one with the lowest MASE. Origins whose in-sample scale is zero (a
// constant series) are skipped; with none left Chosen is seasonal-naive and MASE is empty.
func RunBacktest(y []float64, o BacktestOptions) (Backtest, error) {
	o = o.withDefaults()
	n := len(y)
	if n < o.MinTrain+o.Horizon {
		return Backtest{}, fmt.Errorf("backtest %d days (need %d): %w", n, o.MinTrain+o.Horizon, ErrShortSeries)
	}
	sumMASE := map[string]float64{}
	inside := map[string]int{}
	held := 0
	bt := Backtest{MASE: map[string]float64{}, Coverage: map[string]float64{}, Chosen: ModelSeasonalNaive}
	for i := range o.Origins {
		origin := n - o.Horizon - i*o.Step
		if origin < o.MinTrain {
			break
		}
		train, test := y[:origin], y[origin:origin+o.Horizon]
		scale := naiveScale(train)
		if scale <= 0 {
			continue
		}
		bt.Origins++
		held += len(test)
		for _, m := range Models() {
			p, err := Predict(m, train, o.Horizon)
			if err != nil {
				return Backtest{}, fmt.Errorf("backtest origin %d: %w", origin, err)
			}
			var abs float64
			for k, v := range test {
				abs += math.Abs(v - p.Point[k])
				if v >= p.Lower[k] && v <= p.Upper[k] {
					inside[m]++
				}
			}
			sumMASE[m] += abs / float64(len(test)) / scale
		}
	}
	if bt.Origins == 0 {
		return bt, nil
	}
	for _, m := range Models() {
		bt.MASE[m] = sumMASE[m] / float64(bt.Origins)
		bt.Coverage[m] = float64(inside[m]) / float64(held)
	}
	// Seasonal-naive wins ties: a model must beat the yardstick to be chosen.
	best := bt.MASE[ModelSeasonalNaive]
	for _, m := range Models() {
		if bt.MASE[m] < best {
			bt.Chosen, best = m, bt.MASE[m]
		}
	}
	return bt, nil
}

// naiveScale is the mean absolute week-on-week difference of y: the in-sample error of
// the seasonal-naive forecast, MASE's denominator.
func naiveScale(y []float64) float64 {
	var s float64
	for t := Season; t < len(y); t++ {
		s += math.Abs(y[t] - y[t-Season])
	}
	return s / float64(len(y)-Season)
}

// ForecastSeries backtests every model on y, then forecasts h days ahead with the chosen
// one. A series too short to backtest is forecast by seasonal-naive; one shorter than
// MinHistory days is an error.
func ForecastSeries(y []float64, h int, o BacktestOptions) (Prediction, Backtest, error) {
	bt, err := RunBacktest(y, o)
	if errors.Is(err, ErrShortSeries) {
		bt = Backtest{Chosen: ModelSeasonalNaive}
	} else if err != nil {
		return Prediction{}, Backtest{}, err
	}
	p, err := Predict(bt.Chosen, y, h)
	if err != nil {
		return Prediction{}, bt, err
	}
	return p, bt, nil
}

package finops

import (
	"math"
	"math/rand/v2"
	"testing"
)

// linearWeekly is a + b·t plus a fixed weekly pattern, plus sigma·N(0,1) noise.
func linearWeekly(n int, a, b, sigma float64, seed uint64) []float64 {
	week := [Season]float64{0, 5, 6, 4, 3, -8, -10}
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float64, n)
	for t := range y {
		y[t] = a + b*float64(t) + week[t%Season] + sigma*r.NormFloat64()
	}
	return y
}

func TestPredictExactOnLinearWeekly(t *testing.T) {
	y := linearWeekly(120, 100, 0.5, 0, 1)
	want := linearWeekly(120+21, 100, 0.5, 0, 1)[120:]
	for _, m := range []string{ModelLinear, ModelHoltWinters} {
		p, err := Predict(m, y, 21)
		if err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if math.Abs(p.Point[k]-want[k]) > 1e-6*math.Abs(want[k]) {
				t.Errorf("%s day %d: got %.6f, want %.6f", m, k+1, p.Point[k], want[k])
			}
			if !(p.Lower[k] <= p.Point[k] && p.Point[k] <= p.Upper[k]) {
				t.Errorf("%s day %d: point %.3f outside [%.3f, %.3f]", m, k+1, p.Point[k], p.Lower[k], p.Upper[k])
			}
		}
	}
	sn, err := Predict(ModelSeasonalNaive, y, 14)
	if err != nil {
		t.Fatal(err)
	}
	// Seasonal-naive lags the trend by a week: 7·b below the truth.
	if d := want[0] - sn.Point[0]; math.Abs(d-3.5) > 1e-9 {
		t.Errorf("snaive day 1 lags by %.3f, want 3.5", d)
	}
}

func TestBacktest(t *testing.T) {
	cases := []struct {
		name           string
		y              []float64
		chosen         string // "" = any but snaive
		minMASE        float64
		maxMASE        float64
		minCov, maxCov float64
	}{
		// A pure trend + season: linear and Holt-Winters are exact, MASE ~0.
		{name: "linear weekly exact", y: linearWeekly(200, 50, 0.3, 0, 1), maxMASE: 1e-6},
		// With noise the models still win clearly, and their intervals hold ~95%.
		{name: "linear weekly noisy", y: linearWeekly(365, 200, 0.2, 4, 2), maxMASE: 0.9, minCov: 0.8, maxCov: 1},
		// White noise: the best any model can do is the mean, MASE ≈ 0.8/1.13 ≈ 0.71 of the
		// week-on-week error. Nothing may claim much better than that.
		{name: "white noise", y: linearWeekly(365, 100, 0, 10, 3), minMASE: 0.55, maxMASE: 1.0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bt, err := RunBacktest(c.y, BacktestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if bt.Origins != 8 {
				t.Errorf("origins %d, want 8", bt.Origins)
			}
			got := bt.MASE[bt.Chosen]
			if bt.Chosen == ModelSeasonalNaive {
				t.Errorf("chose seasonal-naive, MASE %v", bt.MASE)
			}
			if got < c.minMASE || got > c.maxMASE {
				t.Errorf("chosen %s MASE %.4f, want in [%.2f, %.2f] (all: %v)", bt.Chosen, got, c.minMASE, c.maxMASE, bt.MASE)
			}
			if cov := bt.Coverage[bt.Chosen]; c.maxCov > 0 && (cov < c.minCov || cov > c.maxCov) {
				t.Errorf("coverage %.3f, want in [%.2f, %.2f]", cov, c.minCov, c.maxCov)
			}
			for _, m := range Models() {
				if bt.MASE[m] < bt.MASE[bt.Chosen] {
					t.Errorf("chose %s (%.4f) over %s (%.4f)", bt.Chosen, bt.MASE[bt.Chosen], m, bt.MASE[m])
				}
			}
		})
	}
}

func TestBacktestRandomWalkNoFantasy(t *testing.T) {
	// A random walk is unforecastable: no model beats repeating the recent level by much,
	// so the chosen MASE stays near what naive forecasts get.
	r := rand.New(rand.NewPCG(9, 9))
	y := make([]float64, 365)
	y[0] = 1000
	for i := 1; i < len(y); i++ {
		y[i] = y[i-1] + 10*r.NormFloat64()
	}
	bt, err := RunBacktest(y, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := bt.MASE[bt.Chosen]; got < 0.4 {
		t.Errorf("random walk: chosen %s MASE %.3f is too good to be true (%v)", bt.Chosen, got, bt.MASE)
	}
}

func TestPredictBadInput(t *testing.T) {
	if _, err := Predict(ModelLinear, make([]float64, MinHistory-1), 7); err == nil {
		t.Error("short series: want error")
	}
	if _, err := Predict("arima", make([]float64, 30), 7); err == nil {
		t.Error("unknown model: want error")
	}
	if _, err := Predict(ModelLinear, make([]float64, 30), 0); err == nil {
		t.Error("zero horizon: want error")
	}
	if _, err := RunBacktest(make([]float64, 30), BacktestOptions{}); err == nil {
		t.Error("backtest of 30 days: want ErrShortSeries")
	}
	// A constant series has no scale: nothing to score, seasonal-naive is kept.
	bt, err := RunBacktest(constant(5, 100), BacktestOptions{})
	if err != nil || bt.Origins != 0 || bt.Chosen != ModelSeasonalNaive {
		t.Errorf("constant series: %+v, %v", bt, err)
	}
	p, bt, err := ForecastSeries(constant(5, 20), 3, BacktestOptions{})
	if err != nil || bt.Chosen != ModelSeasonalNaive || p.Point[2] != 5 {
		t.Errorf("short series forecast: %+v %+v %v", p, bt, err)
	}
}

package evals

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
)

// TestForecastFloor backtests the demo history per component: the chosen model must beat
// seasonal-naive (MASE < 1) on most series, and no series may claim a near-perfect MASE
// (the history has noise, so that would be a leak of the future into the fit).
func TestForecastFloor(t *testing.T) {
	var buf bytes.Buffer
	if _, err := demo.WriteCosts(&buf, demo.CostOptions{End: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Seed: 1}); err != nil {
		t.Fatal(err)
	}
	series, err := FOCUSDaily(&buf, "tag:application", "EffectiveCost")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := BacktestSeries("demo", series, finops.BacktestOptions{}, 28)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 15 {
		t.Fatalf("%d series backtested, want every demo component", len(rows))
	}
	sum := SummariseForecasts(rows)[0]
	for _, r := range rows {
		t.Logf("%-26s %v chosen %s", r.Series, r.Backtest.MASE, r.Backtest.Chosen)
		if m := r.Backtest.MASE[r.Backtest.Chosen]; m < 0.2 {
			t.Errorf("%s: MASE %.3f is too good for a noisy series", r.Series, m)
		}
	}
	if 10*sum.Beaten < 7*sum.Series {
		t.Errorf("chosen model beats seasonal-naive on %d of %d series, want ≥ 70%%", sum.Beaten, sum.Series)
	}
}

func TestFOCUSDailySample(t *testing.T) {
	f, err := os.Open("../../shared/data/focus/focus-sample-data/FOCUS-1.0/focus_sample.csv")
	if err != nil {
		t.Skipf("FOCUS sample not here: %v", err)
	}
	defer f.Close()
	series, err := FOCUSDaily(f, "ServiceName", "BilledCost")
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, s := range series {
		if len(s.Values) != 30 {
			t.Errorf("%s: %d days, want September's 30", s.Name, len(s.Values))
		}
		for _, v := range s.Values {
			total += v
		}
	}
	if len(series) < 10 || total <= 0 {
		t.Errorf("%d services, total %.4f", len(series), total)
	}
}

package finops

import "testing"

// BenchmarkForecastSeries backtests every model on a year of daily cost and forecasts the
// next 30 days with the chosen one: what a budget projection or a cost page costs per series.
func BenchmarkForecastSeries(b *testing.B) {
	y := linearWeekly(365, 200, 0.2, 4, 2)
	for b.Loop() {
		if _, _, err := ForecastSeries(y, 30, BacktestOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

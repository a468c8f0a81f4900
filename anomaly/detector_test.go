package anomaly_test

import (
	"math"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
)

// series is a calm hourly wave with deterministic noise, and a spike at spike (-1: none).
func series(n, spike int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 50 + 5*math.Sin(2*math.Pi*float64(i)/24) + float64((i*7919)%11)/11
	}
	if spike >= 0 {
		v[spike] = 120
	}
	return v
}

func scoreAll(t testing.TB, name string, values []float64) []float64 {
	t.Helper()
	d, err := anomaly.New(name, anomaly.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]float64, len(values))
	for i, v := range values {
		out[i] = d.Score(t0.Add(time.Duration(i)*time.Hour), v)
	}
	return out
}

func TestDetectors(t *testing.T) {
	const n, spike = 1500, 1200
	for _, name := range anomaly.Names() {
		t.Run(name, func(t *testing.T) {
			scores := scoreAll(t, name, series(n, spike))
			for i, s := range scores {
				if s < 0 || s > 1 || math.IsNaN(s) {
					t.Fatalf("score %d = %v, outside [0, 1]", i, s)
				}
			}
			if scores[spike] < 0.5 {
				t.Errorf("spike scored %.3f, want at least 0.5", scores[spike])
			}
			// Past the warm-up nothing else alarms.
			for i := 500; i < n; i++ {
				if i != spike && scores[i] >= 0.5 {
					t.Errorf("calm point %d scored %.3f", i, scores[i])
				}
			}
			// Past only: the scores before the spike do not change when the spike does.
			calm := scoreAll(t, name, series(n, -1))
			for i := range spike {
				if calm[i] != scores[i] {
					t.Fatalf("score %d depends on a later point: %v vs %v", i, calm[i], scores[i])
				}
			}
		})
	}
	if _, err := anomaly.New("nope", anomaly.DefaultConfig()); err == nil {
		t.Error("New(nope) succeeded")
	}
}

func TestFlatSeriesNeverAlarms(t *testing.T) {
	flat := make([]float64, 2000)
	for i := range flat {
		flat[i] = 7
	}
	for _, name := range anomaly.Names() {
		for i, s := range scoreAll(t, name, flat) {
			if s >= 0.5 {
				t.Fatalf("%s: flat point %d scored %.3f", name, i, s)
			}
		}
	}
}

// BenchmarkDetectors measures points scored per second by each detector.
func BenchmarkDetectors(b *testing.B) {
	values := series(20000, 15000)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range anomaly.Names() {
		b.Run(name, func(b *testing.B) {
			d, _ := anomaly.New(name, anomaly.DefaultConfig())
			b.ResetTimer()
			for i := range b.N {
				if i%len(values) == 0 {
					d, _ = anomaly.New(name, anomaly.DefaultConfig())
				}
				d.Score(t0.Add(time.Duration(i)*time.Minute), values[i%len(values)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}

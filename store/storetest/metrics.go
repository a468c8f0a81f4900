package storetest

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/anomaly"
)

// Metrics runs the anomaly.Store contract against stores from newStore, which must return an
// empty, migrated store for each call.
func Metrics(t *testing.T, newStore func(t *testing.T) anomaly.Store) {
	t.Run("SeriesAndPoints", func(t *testing.T) { testSeriesPoints(t, newStore(t)) })
	t.Run("BadPointsChangeNothing", func(t *testing.T) { testBadPoints(t, newStore(t)) })
	t.Run("Retention", func(t *testing.T) { testRetention(t, newStore(t)) })
	t.Run("ScoreOnce", func(t *testing.T) { testScoreOnce(t, newStore(t)) })
	t.Run("ScoreConcurrent", func(t *testing.T) { testScoreConcurrent(t, newStore(t)) })
}

var metricsT0 = time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)

func mins(n int) time.Time { return metricsT0.Add(time.Duration(n) * time.Minute) }

func mustSeries(t *testing.T, s anomaly.Store, name string, pts ...anomaly.Point) {
	t.Helper()
	ser := anomaly.Series{Name: name, Labels: map[string]string{"entity": "component:default/x", "env": "prod"}}
	if err := anomaly.ValidateSeries(&ser); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSeries(t.Context(), ser); err != nil {
		t.Fatalf("PutSeries(%s): %v", name, err)
	}
	if len(pts) > 0 {
		if err := s.AppendPoints(t.Context(), name, pts); err != nil {
			t.Fatalf("AppendPoints(%s): %v", name, err)
		}
	}
}

func ramp(from, n int) []anomaly.Point {
	out := make([]anomaly.Point, n)
	for i := range out {
		out[i] = anomaly.Point{T: mins(from + i), V: float64(from + i)}
	}
	return out
}

func testSeriesPoints(t *testing.T, s anomaly.Store) {
	ctx := t.Context()
	if _, err := s.Series(ctx, "nope"); !errors.Is(err, anomaly.ErrNotFound) {
		t.Errorf("Series(nope) error = %v, want ErrNotFound", err)
	}
	if err := s.AppendPoints(ctx, "nope", ramp(0, 1)); !errors.Is(err, anomaly.ErrNotFound) {
		t.Errorf("AppendPoints(nope) error = %v, want ErrNotFound", err)
	}
	mustSeries(t, s, "cpu", ramp(0, 200)...)
	mustSeries(t, s, "cpu", ramp(200, 5)...) // a second put keeps the points
	got, err := s.Series(ctx, "cpu")
	if err != nil {
		t.Fatal(err)
	}
	want := anomaly.Series{Name: "cpu", Entity: "component:default/x", Labels: map[string]string{"entity": "component:default/x", "env": "prod"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Series(cpu) diff (-want +got):\n%s", d)
	}
	pts, err := s.Points(ctx, "cpu", mins(10), mins(20), 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(ramp(10, 10), pts); d != "" {
		t.Errorf("Points[10,20) diff:\n%s", d)
	}
	all, err := s.Points(ctx, "cpu", time.Time{}, time.Time{}, 0)
	if err != nil || len(all) != 205 {
		t.Fatalf("Points(all) = %d points, %v; want 205", len(all), err)
	}
	if last, err := s.LastPoint(ctx, "cpu"); err != nil || !last.Equal(mins(204)) {
		t.Errorf("LastPoint(cpu) = %v, %v; want %v", last, err, mins(204))
	}
	if _, err := s.LastPoint(ctx, "nope"); !errors.Is(err, anomaly.ErrNotFound) {
		t.Errorf("LastPoint(nope) error = %v, want ErrNotFound", err)
	}
	limited, err := s.Points(ctx, "cpu", time.Time{}, time.Time{}, 7)
	if err != nil || len(limited) != 7 {
		t.Errorf("Points(limit 7) = %d, %v", len(limited), err)
	}
}

func testBadPoints(t *testing.T, s anomaly.Store) {
	ctx := t.Context()
	mustSeries(t, s, "mem", ramp(0, 10)...)
	cases := []struct {
		name string
		pts  []anomaly.Point
	}{
		{"late", []anomaly.Point{{T: mins(5), V: 1}}},
		{"duplicate of the last", []anomaly.Point{{T: mins(9), V: 1}}},
		{"out of order", []anomaly.Point{{T: mins(20), V: 1}, {T: mins(15), V: 2}}},
		{"duplicate within", []anomaly.Point{{T: mins(20), V: 1}, {T: mins(20), V: 2}}},
		{"NaN", []anomaly.Point{{T: mins(20), V: 1}, {T: mins(21), V: math.NaN()}}},
		{"Inf", []anomaly.Point{{T: mins(20), V: math.Inf(1)}}},
		{"empty", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.AppendPoints(ctx, "mem", tc.pts); !errors.Is(err, anomaly.ErrInvalid) {
				t.Errorf("AppendPoints error = %v, want ErrInvalid", err)
			}
			pts, err := s.Points(ctx, "mem", time.Time{}, time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(ramp(0, 10), pts); d != "" {
				t.Errorf("stored points changed:\n%s", d)
			}
		})
	}
}

func testRetention(t *testing.T, s anomaly.Store) {
	ctx := t.Context()
	mustSeries(t, s, "a", ramp(0, 30)...)
	mustSeries(t, s, "b", ramp(0, 5)...)
	n, err := s.DeletePointsBefore(ctx, mins(20))
	if err != nil {
		t.Fatal(err)
	}
	if n != 25 {
		t.Errorf("DeletePointsBefore removed %d, want 25", n)
	}
	pts, _ := s.Points(ctx, "a", time.Time{}, time.Time{}, 0)
	if d := cmp.Diff(ramp(20, 10), pts); d != "" {
		t.Errorf("points left diff:\n%s", d)
	}
}

func testScoreOnce(t *testing.T, s anomaly.Store) {
	ctx := t.Context()
	mustSeries(t, s, "lat", ramp(0, 50)...)
	pending, err := s.PendingSeries(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0] != "lat" {
		t.Fatalf("PendingSeries = %v, %v; want [lat]", pending, err)
	}
	var calls int
	score := func(ser anomaly.Series, scored time.Time, historyOf func() ([]anomaly.Point, error), pts []anomaly.Point) ([]anomaly.Anomaly, error) {
		calls++
		history, err := historyOf()
		if err != nil {
			return nil, err
		}
		if calls == 2 && !scored.Equal(mins(49)) {
			t.Errorf("second call: scored through %v, want %v", scored, mins(49))
		}
		var out []anomaly.Anomaly
		for _, p := range pts {
			if int(p.V)%10 == 7 {
				out = append(out, anomaly.Anomaly{Series: ser.Name, Entity: ser.Entity, Detector: "test", At: p.T, Value: p.V, Score: 0.9})
			}
		}
		if calls == 2 && (len(history) != 50 || !history[49].T.Equal(mins(49))) {
			t.Errorf("second call got %d history points, want the 50 scored", len(history))
		}
		return out, nil
	}
	if ok, err := s.Score(ctx, "lat", 100, score); !ok || err != nil {
		t.Fatalf("Score = %v, %v; want true", ok, err)
	}
	if ok, err := s.Score(ctx, "lat", 100, score); ok || err != nil || calls != 1 {
		t.Errorf("Score with nothing pending = %v, %v (calls %d); want false without calling", ok, err, calls)
	}
	if err := s.AppendPoints(ctx, "lat", ramp(50, 10)); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Score(ctx, "lat", 100, score); !ok || err != nil {
		t.Fatalf("Score = %v, %v; want true", ok, err)
	}
	got, err := s.Anomalies(ctx, anomaly.AnomalyQuery{Entity: "component:default/x"})
	if err != nil {
		t.Fatal(err)
	}
	var at []time.Time
	for _, a := range got {
		at = append(at, a.At)
	}
	if d := cmp.Diff([]time.Time{mins(7), mins(17), mins(27), mins(37), mins(47), mins(57)}, at); d != "" {
		t.Errorf("anomalies diff:\n%s", d)
	}
	got, _ = s.Anomalies(ctx, anomaly.AnomalyQuery{Entity: "component:default/x", From: mins(20), To: mins(50)})
	if len(got) != 3 {
		t.Errorf("anomalies in [20, 50) = %d, want 3", len(got))
	}
	got, _ = s.Anomalies(ctx, anomaly.AnomalyQuery{Entity: "component:default/other"})
	if len(got) != 0 {
		t.Errorf("anomalies of another entity = %d, want 0", len(got))
	}
}

// testScoreConcurrent scores one series from many goroutines at once: every pending point is
// scored exactly once.
func testScoreConcurrent(t *testing.T, s anomaly.Store) {
	ctx := t.Context()
	mustSeries(t, s, "q", ramp(0, 100)...)
	var mu sync.Mutex
	scored := map[time.Time]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Score(ctx, "q", 10, func(_ anomaly.Series, _ time.Time, _ func() ([]anomaly.Point, error), pts []anomaly.Point) ([]anomaly.Anomaly, error) {
				mu.Lock()
				defer mu.Unlock()
				for _, p := range pts {
					scored[p.T]++
				}
				return nil, nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(scored) != 100 {
		t.Errorf("%d points scored, want 100", len(scored))
	}
	for at, n := range scored {
		if n != 1 {
			t.Errorf("point %s scored %d times", at, n)
		}
	}
}

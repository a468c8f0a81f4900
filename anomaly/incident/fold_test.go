package incident_test

import (
	"math"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/incident"
)

const paymentsAPI = "component:default/payments-api"

// storeAnomalies stores one anomaly per point through the anomaly store's Score, the path
// the detectors take.
func storeAnomalies(t *testing.T, env *testEnv, series string, times []time.Time) {
	t.Helper()
	ctx := t.Context()
	ser := anomaly.Series{Name: series, Labels: map[string]string{"entity": paymentsAPI}}
	if err := anomaly.ValidateSeries(&ser); err != nil {
		t.Fatal(err)
	}
	if err := env.db.PutSeries(ctx, ser); err != nil {
		t.Fatal(err)
	}
	pts := make([]anomaly.Point, len(times))
	for i, at := range times {
		pts[i] = anomaly.Point{T: at, V: 1000 + float64(i)}
	}
	if err := env.db.AppendPoints(ctx, series, pts); err != nil {
		t.Fatal(err)
	}
	if _, err := env.db.Score(ctx, series, 0, func(s anomaly.Series, _ time.Time, _ func() ([]anomaly.Point, error), pending []anomaly.Point) ([]anomaly.Anomaly, error) {
		var out []anomaly.Anomaly
		for _, p := range pending {
			out = append(out, anomaly.Anomaly{Series: s.Name, Entity: s.Entity, Detector: "seasonal", At: p.T, Value: p.V, Score: 0.999})
		}
		return out, nil
	}); err != nil {
		t.Fatal(err)
	}
}

func minutes(t0 time.Time, from, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = t0.Add(time.Duration(from+i) * time.Minute)
	}
	return out
}

func TestAnomalyBurstIsOneIncident(t *testing.T) {
	env := newTestEnv(t)
	t0 := env.now.Add(-3 * time.Hour)
	storeAnomalies(t, env, "payments_latency_p99", minutes(t0, 0, 100))
	n, err := env.svc.FoldAnomalies(t.Context())
	if err != nil || n != 100 {
		t.Fatalf("FoldAnomalies = %d, %v; want 100", n, err)
	}
	list := env.all(t)
	if len(list) != 1 {
		t.Fatalf("a burst of 100 anomalies made %d incidents, want 1", len(list))
	}
	inc, err := env.svc.Get(systemCtx(t), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Count != 100 || inc.Series != "payments_latency_p99" || len(inc.Entities) != 1 || inc.Entities[0] != paymentsAPI ||
		inc.Status != incident.StatusOpen || !inc.OpenedAt.Equal(t0) || !inc.LastSeenAt.Equal(t0.Add(99*time.Minute)) {
		t.Errorf("incident = %+v; want 100 anomalies of payments_latency_p99 on payments-api, open from %v", inc, t0)
	}
	if len(inc.Timeline) != 1 || len(inc.Links) != 1 {
		t.Errorf("timeline %v, links %v: want one opening event (one batch) and a chart link", inc.Timeline, inc.Links)
	}
	// Folding again changes nothing: the cursor moved with the incident.
	if n, err := env.svc.FoldAnomalies(t.Context()); err != nil || n != 0 {
		t.Errorf("second FoldAnomalies = %d, %v; want 0", n, err)
	}
	// More of the burst, in a later batch, updates the same incident and bumps its Seq.
	storeAnomalies(t, env, "payments_latency_p99", minutes(t0, 100, 5))
	if _, err := env.svc.FoldAnomalies(t.Context()); err != nil {
		t.Fatal(err)
	}
	again, _ := env.svc.Get(systemCtx(t), inc.ID)
	if len(env.all(t)) != 1 || again.Count != 105 || again.Seq <= inc.Seq || len(again.Timeline) != 2 {
		t.Errorf("after 5 more: %d incidents, count %d, seq %d (was %d), %d events; want 1, 105, higher, 2",
			len(env.all(t)), again.Count, again.Seq, inc.Seq, len(again.Timeline))
	}
}

// TestAnomalyDetectorSpikeIsOneIncident runs the real detector over a series with an
// injected burst of 100 high points: however many it flags, they make one incident.
func TestAnomalyDetectorSpikeIsOneIncident(t *testing.T) {
	env := newTestEnv(t)
	asvc, err := anomaly.NewService(env.db, anomaly.ServiceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := env.now.Add(-48 * time.Hour)
	var pts []anomaly.Point
	for i := range 2000 {
		v := 100 + 10*math.Sin(float64(i)/30) + float64(i%7)
		if i >= 1800 && i < 1900 {
			v = 900 + float64(i%5)
		}
		pts = append(pts, anomaly.Point{T: t0.Add(time.Duration(i) * time.Minute), V: v})
	}
	ser := anomaly.Series{Name: "payments_errors", Labels: map[string]string{"entity": paymentsAPI}}
	if err := asvc.Ingest(t.Context(), ser, pts); err != nil {
		t.Fatal(err)
	}
	found, err := asvc.Anomalies(t.Context(), anomaly.AnomalyQuery{Series: "payments_errors"})
	if err != nil || len(found) == 0 {
		t.Fatalf("the detector found %d anomalies (%v); the test needs some", len(found), err)
	}
	if _, err := env.svc.FoldAnomalies(t.Context()); err != nil {
		t.Fatal(err)
	}
	inBurst := 0
	for _, a := range found {
		if !a.At.Before(t0.Add(1800*time.Minute)) && a.At.Before(t0.Add(1900*time.Minute)) {
			inBurst++
		}
	}
	var burst []incident.Incident
	for _, inc := range env.all(t) {
		if !inc.OpenedAt.Before(t0.Add(1800*time.Minute)) && inc.OpenedAt.Before(t0.Add(1900*time.Minute)) {
			burst = append(burst, inc)
		}
	}
	if inBurst == 0 || len(burst) != 1 {
		t.Fatalf("%d anomalies in the burst made %d incidents, want 1 (all anomalies %d)", inBurst, len(burst), len(found))
	}
}

func TestAnomalyGroupingWindowAndQuiet(t *testing.T) {
	env := newTestEnv(t)
	t0 := env.now.Add(-5 * time.Hour)
	// Two anomalies 10 minutes apart, then one two hours later: two incidents.
	storeAnomalies(t, env, "payments_auth_rate", []time.Time{t0, t0.Add(10 * time.Minute), t0.Add(130 * time.Minute)})
	if _, err := env.svc.FoldAnomalies(t.Context()); err != nil {
		t.Fatal(err)
	}
	list := env.all(t) // newest first
	if len(list) != 2 {
		t.Fatalf("got %d incidents, want 2", len(list))
	}
	first, second := list[1], list[0]
	if first.Count != 2 || first.Status != incident.StatusResolved || second.Count != 1 || second.Status != incident.StatusOpen {
		t.Errorf("first = %d anomalies %s, second = %d %s; want 2 resolved and 1 open", first.Count, first.Status, second.Count, second.Status)
	}
	// Quiet for less than the quiet period: still open; after it: resolved.
	env.now = t0.Add(130*time.Minute + 30*time.Minute)
	if n, err := env.svc.ResolveQuiet(t.Context()); err != nil || n != 0 {
		t.Errorf("ResolveQuiet after 30 min = %d, %v; want 0", n, err)
	}
	env.now = t0.Add(130*time.Minute + 61*time.Minute)
	if n, err := env.svc.ResolveQuiet(t.Context()); err != nil || n != 1 {
		t.Errorf("ResolveQuiet after 61 min = %d, %v; want 1", n, err)
	}
	got, _ := env.svc.Get(systemCtx(t), second.ID)
	if got.Status != incident.StatusResolved || got.ResolvedAt.IsZero() {
		t.Errorf("quiet incident = %s at %v, want resolved", got.Status, got.ResolvedAt)
	}
}

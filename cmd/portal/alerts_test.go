package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store/storetest"
)

const paymentsAPI = "component:default/payments-api"

// hookReceiver is a local webhook endpoint that checks signatures and keeps each body.
type hookReceiver struct {
	mu     sync.Mutex
	bodies [][]byte
	bad    int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !notify.Verify([]byte("hook-secret"), body, r.Header.Get(notify.SignatureHeader)) {
		h.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	h.bodies = append(h.bodies, body)
}

func (h *hookReceiver) alerts(t *testing.T) []alert.Alert {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bad > 0 {
		t.Errorf("%d requests with a bad signature", h.bad)
	}
	var out []alert.Alert
	for _, b := range h.bodies {
		var m struct{ Alert alert.Alert }
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("webhook body %s: %v", b, err)
		}
		out = append(out, m.Alert)
	}
	return out
}

// TestAlertEndToEnd runs the pipeline over one database: a metric series with an injected
// spike is scored, its anomaly becomes an incident, the incident an alert, and the alert
// reaches a local webhook once, with the owner, the on-call group, the chart, the two
// similar past incidents with their resolution and the runbook. Then a burst of 100
// anomalous points is grouped into the same incident and alert: no second message.
func TestAlertEndToEnd(t *testing.T) {
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(*testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresURL(t) }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { testAlertEndToEnd(t, e.url(t)) })
	}
}

func testAlertEndToEnd(t *testing.T, dbURL string) {
	hook := &hookReceiver{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	fixtures, err := filepath.Abs("testdata/alerts")
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.DataDir, cfg.DatabaseURL, cfg.FileLocationRoots = t.TempDir(), dbURL, []string{fixtures}
	cfg.AlertsWebhookURL, cfg.AlertsWebhookSecret, cfg.PortalBaseURL = srv.URL, "hook-secret", "https://portal.example"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx := auth.NewContext(t.Context(), auth.System())
	a, err := newApp(ctx, &cfg, io.Discard, upgradeSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, _, err := a.catalog.Import(ctx, filepath.Join(fixtures, "catalog-info.yaml")); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range []struct{ title, resolution string }{
		{"Payments API latency after the 4.2 deploy", "Rolled back to 4.1 and fixed the N+1 query"},
		{"Payments API timeouts from the card vault", "Raised the vault client pool from 10 to 50"},
	} {
		id := fmt.Sprintf("inc-past-%d", i+1)
		opened := t0.Add(-time.Duration(30*(i+1)) * 24 * time.Hour)
		if _, err := a.db.Upsert(ctx, incident.SourcePostmortem, id, func(inc *incident.Incident, _ bool) ([]incident.Event, error) {
			*inc = incident.Incident{ID: id, Title: p.title, Severity: incident.SeverityHigh, Status: incident.StatusResolved,
				Source: incident.SourcePostmortem, Fingerprint: id, Entities: []string{paymentsAPI}, Resolution: p.resolution,
				OpenedAt: opened, UpdatedAt: opened.Add(time.Hour), ResolvedAt: opened.Add(time.Hour)}
			return []incident.Event{{At: opened, Kind: incident.EventOpened, Text: "imported"}}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}

	metrics, err := a.anomalyService()
	if err != nil {
		t.Fatal(err)
	}
	incidents := a.incidentService()
	alerts, outbox, err := a.alertService(incidents, nil)
	if err != nil {
		t.Fatal(err)
	}
	// run is one turn of the background loops: score, fold, alert, deliver.
	run := func() {
		t.Helper()
		if _, err := incidents.FoldAnomalies(ctx); err != nil {
			t.Fatal(err)
		}
		if err := alerts.Step(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := outbox.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	series := anomaly.Series{Name: "payments_latency_p99", Labels: map[string]string{"entity": paymentsAPI}}
	push := func(from, n int, f func(i int) float64) {
		t.Helper()
		pts := make([]anomaly.Point, n)
		for i := range pts {
			pts[i] = anomaly.Point{T: t0.Add(time.Duration(from+i) * time.Minute), V: f(from + i)}
		}
		if err := metrics.Ingest(ctx, series, pts); err != nil {
			t.Fatal(err)
		}
	}
	calm := func(i int) float64 { return 100 + 10*math.Sin(float64(i)/30) + float64((i*7919)%13)/13 }
	const spike = 1700
	push(0, spike, calm)
	run()
	if got := hook.alerts(t); len(got) != 0 {
		t.Fatalf("a calm series alerted: %+v", got)
	}
	push(spike, 1, func(int) float64 { return 400 })
	push(spike+1, 20, calm)
	run()
	run() // a second turn finds nothing new

	got := hook.alerts(t)
	if len(got) != 1 {
		t.Fatalf("the webhook got %d alerts, want exactly 1", len(got))
	}
	al := got[0]
	if al.Entity != paymentsAPI || al.Owner != "group:default/team-payments" || al.OnCall != "group:default/payments-oncall" {
		t.Errorf("alert entity %q owner %q on-call %q", al.Entity, al.Owner, al.OnCall)
	}
	if want := "https://portal.example/api/v1/metrics/payments_latency_p99/chart.svg?from="; len(al.ChartURL) < len(want) || al.ChartURL[:len(want)] != want {
		t.Errorf("chart link %q, want it under %s", al.ChartURL, want)
	}
	if al.RunbookURL != "https://runbooks.example/payments-api" {
		t.Errorf("runbook link %q", al.RunbookURL)
	}
	if len(al.Similar) != 2 || al.Similar[0].Resolution == "" || al.Similar[1].Resolution == "" {
		t.Errorf("similar incidents %+v, want two with their resolution", al.Similar)
	}
	if al.State != alert.Firing || al.IncidentURL == "" {
		t.Errorf("alert %s, incident link %q", al.State, al.IncidentURL)
	}

	// A burst: 100 anomalous points in a row on the same series.
	burst := func(i int) float64 { return 400 + float64((i*37)%50)*8 - float64(i%2)*300 }
	push(spike+21, 100, burst)
	run()
	run()
	found, err := metrics.Anomalies(ctx, anomaly.AnomalyQuery{Series: series.Name})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the burst: %d anomalies in all; the alert: %+v", len(found), al)
	if len(found) < 2 {
		t.Fatalf("the burst recorded %d anomalies in all, want several to group", len(found))
	}
	if got := hook.alerts(t); len(got) != 1 {
		t.Errorf("after a burst of %d anomalies the webhook got %d messages, want still 1", len(found), len(got))
	}
	list, err := alerts.Alerts(ctx, alert.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Count != len(found) {
		t.Errorf("alerts = %d (grouping %d signals), want one grouping all %d anomalies", len(list), list[0].Count, len(found))
	}
}

// TestAlertRunbookFromDocs: an entity with no runbook link gets the runbook document search
// indexed from its TechDocs folder, and its on-call group from the older annotation.
func TestAlertRunbookFromDocs(t *testing.T) {
	fixtures, err := filepath.Abs("testdata/alerts")
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.DataDir, cfg.FileLocationRoots, cfg.PortalBaseURL = t.TempDir(), []string{fixtures}, "https://portal.example"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx := auth.NewContext(t.Context(), auth.System())
	a, err := newApp(ctx, &cfg, io.Discard, upgradeSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, _, err := a.catalog.Import(ctx, filepath.Join(fixtures, "catalog-info.yaml")); err != nil {
		t.Fatal(err)
	}
	ix, err := a.searchIndex(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Index(ctx, searchSources(&cfg, a.catalog, cfg.FileLocationRoots), nil); err != nil {
		t.Fatal(err)
	}
	url, err := runbookFinder(ix)(ctx, "component:default/checkout")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.SplitN(url, "#", 2)[0], "/docs/runbook.md") || !strings.Contains(url, "/checkout/") {
		t.Errorf("runbook of checkout = %q, want its docs/runbook.md", url)
	}
	if url, err := runbookFinder(ix)(ctx, paymentsAPI); err != nil || url != "" {
		t.Errorf("runbook document of payments-api = %q, %v; want none (its runbook is a link)", url, err)
	}
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := a.db.Upsert(ctx, incident.SourceEvents, "inc-checkout", func(inc *incident.Incident, _ bool) ([]incident.Event, error) {
		*inc = incident.Incident{ID: "inc-checkout", Title: "Checkout errors", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
			Source: incident.SourceEvents, Fingerprint: "inc-checkout", Entities: []string{"component:default/checkout"}, OpenedAt: at, UpdatedAt: at}
		return []incident.Event{{At: at, Kind: incident.EventOpened, Text: "triggered"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	alerts, _, err := a.alertService(a.incidentService(), ix)
	if err != nil {
		t.Fatal(err)
	}
	if err := alerts.Step(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := alerts.Alerts(ctx, alert.Query{Incident: "inc-checkout"})
	if err != nil || len(list) != 1 {
		t.Fatalf("alerts = %v, %v", list, err)
	}
	al := list[0]
	if !strings.HasPrefix(al.RunbookURL, "https://portal.example/docs/") || al.OnCall != "checkout-oncall" || al.Owner != "group:default/team-payments" {
		t.Errorf("alert runbook %q on-call %q owner %q", al.RunbookURL, al.OnCall, al.Owner)
	}
}

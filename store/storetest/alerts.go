package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/notify"
)

// AlertStore is what the alerts contract needs: alerts and the outbox they enqueue into.
type AlertStore interface {
	alert.Store
	notify.Store
}

// Alerts runs the alert.Store contract against stores from newStore, which must return an
// empty, migrated store for each call.
func Alerts(t *testing.T, newStore func(t *testing.T) AlertStore) {
	t.Run("Rules", func(t *testing.T) { testAlertRules(t, newStore(t)) })
	t.Run("SaveUnderVersion", func(t *testing.T) { testSaveAlert(t, newStore(t)) })
	t.Run("ListAndActive", func(t *testing.T) { testListAlerts(t, newStore(t)) })
	t.Run("Cursor", func(t *testing.T) { testAlertCursor(t, newStore(t)) })
}

var alertT0 = time.Date(2026, 4, 5, 6, 0, 0, 0, time.UTC)

func testAlertRules(t *testing.T, s AlertStore) {
	ctx := t.Context()
	rs, err := s.AlertRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ID != "default" || !rs[0].Enabled || rs[0].MinSeverity != incident.SeverityWarning || rs[0].Repeat != 4*time.Hour {
		t.Fatalf("rules of a new database = %+v, want the default rule", rs)
	}
	r := alert.Rule{ID: "payments", Name: "Payments", Enabled: true, Entities: []string{"component:default/payments-api"},
		Kinds: []string{"component"}, Owner: "group:default/payments", Selector: map[string]string{"tier": "1"}, Series: "http_*",
		Labels: map[string]string{"env": "prod"}, Sources: []string{"anomaly"}, MinSeverity: incident.SeverityHigh,
		For: 5 * time.Minute, Repeat: time.Hour, Channels: []string{"slack"}, CreatedAt: alertT0, UpdatedAt: alertT0}
	if err := s.CreateAlertRule(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAlertRule(ctx, r); !errors.Is(err, alert.ErrConflict) {
		t.Errorf("create twice: %v, want ErrConflict", err)
	}
	got, err := s.AlertRule(ctx, "payments")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, got); d != "" {
		t.Errorf("rule round trip (-want +got):\n%s", d)
	}
	r.Enabled, r.Name, r.UpdatedAt = false, "Payments (off)", alertT0.Add(time.Hour)
	if err := s.UpdateAlertRule(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.AlertRule(ctx, "payments"); got.Enabled || got.Name != "Payments (off)" || !got.UpdatedAt.Equal(r.UpdatedAt) {
		t.Errorf("after update: %+v", got)
	}
	if err := s.UpdateAlertRule(ctx, alert.Rule{ID: "nope"}); !errors.Is(err, alert.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}
	if err := s.DeleteAlertRule(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AlertRule(ctx, "payments"); !errors.Is(err, alert.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := s.DeleteAlertRule(ctx, "payments"); !errors.Is(err, alert.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func sampleAlert(id, incidentID string, created time.Time) alert.Alert {
	a := alert.Alert{ID: id, RuleID: "default", IncidentID: incidentID, State: alert.Firing, Version: 1,
		Severity: incident.SeverityHigh, Title: "latency " + id, Source: "anomaly", Series: "http_p99",
		IncidentStatus: incident.StatusOpen, IncidentSeq: 7, Count: 3, Repeat: time.Hour,
		OpenedAt: created, FiredAt: created, NotifiedAt: created, CreatedAt: created, UpdatedAt: created}
	a.Entity, a.Owner, a.OnCall = "component:default/payments-api", "group:default/payments", "group:default/payments-oncall"
	a.Similar = []alert.Similar{{ID: "inc-1", Title: "old", Resolution: "rolled back", URL: "http://p/incidents/inc-1"}}
	return a
}

func testSaveAlert(t *testing.T, s AlertStore) {
	ctx := t.Context()
	a := sampleAlert("al-1", "inc-9", alertT0)
	out := []notify.Delivery{notifyDelivery(alert.MessageKey(a.ID, 1), "slack")}
	if err := s.SaveAlert(ctx, a, -1, out); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAlert(ctx, a, -1, nil); !errors.Is(err, alert.ErrConflict) {
		t.Errorf("create twice: %v, want ErrConflict", err)
	}
	got, err := s.Alert(ctx, "al-1")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a, got); d != "" {
		t.Errorf("alert round trip (-want +got):\n%s", d)
	}
	// A writer that read version 1 moves it to 2 with its message; a second writer that
	// read version 1 too loses, and its message is not enqueued.
	a.State, a.Version = alert.Resolved, 2
	if err := s.SaveAlert(ctx, a, 1, []notify.Delivery{notifyDelivery(alert.MessageKey(a.ID, 2), "slack")}); err != nil {
		t.Fatal(err)
	}
	stale := a
	stale.State = alert.Acknowledged
	if err := s.SaveAlert(ctx, stale, 1, []notify.Delivery{notifyDelivery("alert:al-1:stale", "slack")}); !errors.Is(err, alert.ErrConflict) {
		t.Errorf("stale save: %v, want ErrConflict", err)
	}
	ds, err := s.Deliveries(ctx, notify.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, d := range ds {
		keys = append(keys, d.Key)
	}
	if d := cmp.Diff([]string{"alert:al-1:2", "alert:al-1:1"}, keys); d != "" {
		t.Errorf("enqueued keys (-want +got):\n%s", d)
	}
	if got, _ := s.Alert(ctx, "al-1"); got.State != alert.Resolved || got.Version != 2 {
		t.Errorf("after the race: %s v%d", got.State, got.Version)
	}
	if _, err := s.Alert(ctx, "nope"); !errors.Is(err, alert.ErrNotFound) {
		t.Errorf("unknown alert: %v", err)
	}
}

func testListAlerts(t *testing.T, s AlertStore) {
	ctx := t.Context()
	for i := range 5 {
		a := sampleAlert(fmt.Sprintf("al-%d", i), fmt.Sprintf("inc-%d", i%2), alertT0.Add(time.Duration(i)*time.Minute))
		a.RuleID = fmt.Sprintf("r%d", i)
		if i == 3 {
			a.State, a.Severity, a.Entity = alert.Resolved, incident.SeverityWarning, "component:default/other"
		}
		if err := s.SaveAlert(ctx, a, -1, nil); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(as []alert.Alert) []string {
		out := []string{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    alert.Query
		want []string
	}{
		{"all", alert.Query{}, []string{"al-4", "al-3", "al-2", "al-1", "al-0"}},
		{"state", alert.Query{State: alert.Resolved}, []string{"al-3"}},
		{"incident", alert.Query{Incident: "inc-1"}, []string{"al-3", "al-1"}},
		{"entity", alert.Query{Entity: "component:default/other"}, []string{"al-3"}},
		{"owner", alert.Query{Owner: "group:default/payments", Limit: 2}, []string{"al-4", "al-3"}},
		{"severity high and worse", alert.Query{Severity: incident.SeverityHigh}, []string{"al-4", "al-2", "al-1", "al-0"}},
		{"after cursor", alert.Query{AfterCreated: alertT0.Add(2 * time.Minute), AfterID: "al-2"}, []string{"al-1", "al-0"}},
	} {
		got, err := s.Alerts(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := cmp.Diff(tc.want, ids(got)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	// Firing alerts repeat an hour after they were notified (al-i at minute i).
	due, err := s.DueAlerts(ctx, alertT0.Add(time.Hour+2*time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"al-0", "al-1", "al-2"}, ids(due)); d != "" {
		t.Errorf("due (-want +got):\n%s", d)
	}
}

func testAlertCursor(t *testing.T, s AlertStore) {
	ctx := t.Context()
	if c, err := s.AlertCursor(ctx, "engine"); err != nil || c != 0 {
		t.Fatalf("new cursor = %d, %v", c, err)
	}
	if err := s.SetAlertCursor(ctx, "engine", 0, 10, alertT0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAlertCursor(ctx, "engine", 0, 5, alertT0); !errors.Is(err, alert.ErrConflict) {
		t.Errorf("move from a stale 0: %v, want ErrConflict", err)
	}
	if err := s.SetAlertCursor(ctx, "engine", 10, 12, alertT0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAlertCursor(ctx, "engine", 10, 11, alertT0); !errors.Is(err, alert.ErrConflict) {
		t.Errorf("move from a stale 10: %v, want ErrConflict", err)
	}
	if c, _ := s.AlertCursor(ctx, "engine"); c != 12 {
		t.Errorf("cursor = %d, want 12", c)
	}
}

package incident_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/anomaly/incident"
)

func amPayload(t *testing.T, status string, labels map[string]string) incident.AlertmanagerPayload {
	t.Helper()
	var p incident.AlertmanagerPayload
	body := `{"version":"4","groupKey":"{}:{alertname=\"PaymentsAPIHighErrorRate\"}","status":"` + status + `","receiver":"portal",
		"alerts":[{"status":"` + status + `","labels":{},"annotations":{"summary":"payments-api 5xx above 2%","runbook_url":"https://runbooks/payments"},
		"startsAt":"2026-05-01T11:00:00Z","endsAt":"2026-05-01T11:30:00Z","generatorURL":"http://prometheus/graph","fingerprint":"a1b2c3d4e5f60718"}]}`
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	p.Alerts[0].Labels = labels
	return p
}

func TestAlertmanagerOpensAndResolves(t *testing.T) {
	tests := []struct {
		name   string
		labels map[string]string
		want   []string
	}{
		{"entity label", map[string]string{"alertname": "X", "entity": "payments-api"}, []string{paymentsAPI}},
		{"service label", map[string]string{"alertname": "X", "service": "checkout-service"}, []string{"component:default/checkout-service"}},
		{"job label of an unknown component", map[string]string{"alertname": "X", "job": "node-exporter"}, nil},
		{"alert-selector annotation", map[string]string{"alertname": "X", "job": "payments", "env": "prod"}, []string{paymentsAPI}},
		{"selector needs every matcher", map[string]string{"alertname": "X", "job": "payments", "env": "staging"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			ctx := t.Context()
			got, err := env.svc.RecordAlertmanager(ctx, amPayload(t, "firing", tt.labels))
			if err != nil || len(got) != 1 {
				t.Fatalf("RecordAlertmanager(firing) = %v, %v", got, err)
			}
			inc := got[0]
			if !slices.Equal(inc.Entities, tt.want) || inc.Status != incident.StatusOpen || inc.Title != "payments-api 5xx above 2%" {
				t.Errorf("incident = entities %v status %s title %q; want %v open", inc.Entities, inc.Status, inc.Title, tt.want)
			}
			// Alertmanager repeats a firing alert: nothing changes.
			if again, err := env.svc.RecordAlertmanager(ctx, amPayload(t, "firing", tt.labels)); err != nil || len(again) != 0 {
				t.Errorf("repeated firing = %v, %v; want no change", again, err)
			}
			if _, err := env.svc.RecordAlertmanager(ctx, amPayload(t, "resolved", tt.labels)); err != nil {
				t.Fatal(err)
			}
			list := env.all(t)
			if len(list) != 1 || list[0].Status != incident.StatusResolved || list[0].ID != inc.ID {
				t.Errorf("after resolved: %+v; want the one incident resolved", list)
			}
		})
	}
}

func TestMalformedPayloadsChangeNothing(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	good := func() incident.AlertmanagerPayload {
		return amPayload(t, "firing", map[string]string{"alertname": "X", "service": "payments-api"})
	}
	am := []struct {
		name   string
		change func(*incident.AlertmanagerPayload)
		want   string
	}{
		{"version", func(p *incident.AlertmanagerPayload) { p.Version = "3" }, "version"},
		{"status", func(p *incident.AlertmanagerPayload) { p.Status = "burning" }, "status"},
		{"no alerts", func(p *incident.AlertmanagerPayload) { p.Alerts = nil }, "alerts"},
		{"alert status", func(p *incident.AlertmanagerPayload) { p.Alerts[0].Status = "" }, "alerts[0]: status"},
		{"fingerprint", func(p *incident.AlertmanagerPayload) { p.Alerts[0].Fingerprint = "" }, "fingerprint"},
		{"bad second alert", func(p *incident.AlertmanagerPayload) {
			p.Alerts = append(p.Alerts, p.Alerts[0])
			p.Alerts[1].Fingerprint = "ffff"
			p.Alerts[1].Labels = nil
		}, "alerts[1]: no labels"},
	}
	for _, tt := range am {
		p := good()
		tt.change(&p)
		_, err := env.svc.RecordAlertmanager(ctx, p)
		if !errors.Is(err, incident.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want ErrInvalid naming %q", tt.name, err, tt.want)
		}
	}
	ev := []struct {
		name string
		e    incident.PagerDutyEvent
	}{
		{"no routing key", incident.PagerDutyEvent{EventAction: "trigger", Payload: incident.PagerDutyPayload{Summary: "s", Source: "x", Severity: "error"}}},
		{"bad action", incident.PagerDutyEvent{RoutingKey: "k", EventAction: "page"}},
		{"resolve without dedup key", incident.PagerDutyEvent{RoutingKey: "k", EventAction: "resolve"}},
		{"trigger without summary", incident.PagerDutyEvent{RoutingKey: "k", EventAction: "trigger", Payload: incident.PagerDutyPayload{Source: "x", Severity: "error"}}},
		{"bad severity", incident.PagerDutyEvent{RoutingKey: "k", EventAction: "trigger", Payload: incident.PagerDutyPayload{Summary: "s", Source: "x", Severity: "sev1"}}},
	}
	for _, tt := range ev {
		if _, err := env.svc.RecordEvent(ctx, tt.e); !errors.Is(err, incident.ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", tt.name, err)
		}
	}
	if got, err := env.db.Changed(ctx, 0, 10); err != nil || len(got) != 0 {
		t.Errorf("malformed payloads stored %d incidents (%v), want none", len(got), err)
	}
}

func TestEventsTriggerAcknowledgeResolve(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	trigger := incident.PagerDutyEvent{RoutingKey: "R0UT1NG", EventAction: "trigger", DedupKey: "disk-full-ledger",
		Payload: incident.PagerDutyPayload{Summary: "ledger-db disk 95% full", Source: "ledger-service", Severity: "critical", Component: "ledger-db"}}
	key, err := env.svc.RecordEvent(ctx, trigger)
	if err != nil || key != "disk-full-ledger" {
		t.Fatalf("trigger = %q, %v", key, err)
	}
	list := env.all(t)
	if len(list) != 1 || list[0].Severity != incident.SeverityCritical || !slices.Contains(list[0].Entities, "component:default/ledger-service") {
		t.Fatalf("after trigger: %+v", list)
	}
	for _, step := range []struct {
		action string
		want   incident.Status
	}{{"acknowledge", incident.StatusAcknowledged}, {"resolve", incident.StatusResolved}, {"trigger", incident.StatusOpen}} {
		e := incident.PagerDutyEvent{RoutingKey: "R0UT1NG", EventAction: step.action, DedupKey: "disk-full-ledger", Payload: trigger.Payload}
		if _, err := env.svc.RecordEvent(ctx, e); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
		got, _ := env.svc.Get(systemCtx(t), list[0].ID)
		if got.Status != step.want {
			t.Errorf("after %s: status %s, want %s", step.action, got.Status, step.want)
		}
	}
	got, _ := env.svc.Get(systemCtx(t), list[0].ID)
	var kinds []string
	for _, e := range got.Timeline {
		kinds = append(kinds, e.Kind)
	}
	if want := []string{"opened", "acknowledged", "resolved", "reopened"}; !slices.Equal(kinds, want) {
		t.Errorf("timeline kinds %v, want %v", kinds, want)
	}
	// A trigger without a dedup key gets one; a resolve for an unknown key is ignored.
	trigger.DedupKey = ""
	if key, err := env.svc.RecordEvent(ctx, trigger); err != nil || key == "" {
		t.Errorf("trigger without dedup key = %q, %v", key, err)
	}
	if _, err := env.svc.RecordEvent(ctx, incident.PagerDutyEvent{RoutingKey: "R0UT1NG", EventAction: "resolve", DedupKey: "nope"}); err != nil {
		t.Errorf("resolve of an unknown key: %v", err)
	}
	if n := len(env.all(t)); n != 2 {
		t.Errorf("%d incidents, want 2", n)
	}
}

func TestImportDemoPostmortems(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	dirs, err := incident.PostmortemDirs(env.org)
	if err != nil || len(dirs) < 3 {
		t.Fatalf("PostmortemDirs = %v, %v; want the demo's postmortem folders", dirs, err)
	}
	total := 0
	for _, d := range dirs {
		rep, err := env.svc.ImportPostmortems(ctx, d)
		if err != nil || len(rep.Skipped) > 0 {
			t.Fatalf("ImportPostmortems(%s) = %+v, %v", d, rep, err)
		}
		total += rep.Changed
	}
	if total < 10 {
		t.Errorf("imported %d postmortems, want at least 10", total)
	}
	// Importing again changes nothing.
	for _, d := range dirs {
		if rep, err := env.svc.ImportPostmortems(ctx, d); err != nil || rep.Changed != 0 {
			t.Errorf("second import of %s = %+v, %v; want nothing changed", d, rep, err)
		}
	}
	list, err := env.svc.List(systemCtx(t), incident.Query{Entity: paymentsAPI})
	if err != nil || len(list) < 4 {
		t.Fatalf("payments-api incidents = %d, %v; want at least 4", len(list), err)
	}
	for _, inc := range list {
		if inc.Status != incident.StatusResolved || inc.RootCause == "" || inc.Resolution == "" || inc.OpenedAt.IsZero() {
			t.Errorf("%s %q: status %s, root cause %d bytes, resolution %d bytes, opened %v; want all set",
				inc.ID, inc.Title, inc.Status, len(inc.RootCause), len(inc.Resolution), inc.OpenedAt)
		}
	}
}

func TestParsePostmortem(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "postmortem-preamble.md"))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := incident.ParsePostmortem("2024-09-12-duplicate-captures.md", data)
	if err != nil {
		t.Fatal(err)
	}
	if pm.Title != "duplicate captures after PSP timeouts" || pm.Date.Format("2006-01-02") != "2024-09-12" ||
		!slices.Equal(pm.Services, []string{"component:default/checkout-service", paymentsAPI}) || pm.Severity != incident.SeverityHigh ||
		!strings.HasPrefix(pm.RootCause, "The retry wrapper") || !strings.HasPrefix(pm.Resolution, "- Pass idempotency keys") ||
		!strings.HasPrefix(pm.Summary, "Some captures") {
		t.Errorf("ParsePostmortem = %+v", pm)
	}
	for _, bad := range []string{"no title or date", "# Title only\n", "---\ntitle: [unclosed\n---\n"} {
		if _, err := incident.ParsePostmortem("x.md", []byte(bad)); !errors.Is(err, incident.ErrInvalid) {
			t.Errorf("ParsePostmortem(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
}

func FuzzParsePostmortem(f *testing.F) {
	data, _ := os.ReadFile(filepath.Join("testdata", "postmortem-preamble.md"))
	f.Add(string(data))
	f.Add("---\ntitle: t\ndate: 2025-01-01\nservices: [a, b]\n---\n## Root cause\nx\n")
	f.Fuzz(func(t *testing.T, s string) {
		pm, err := incident.ParsePostmortem("2025-01-01-x.md", []byte(s))
		if err != nil {
			return
		}
		if pm.Title == "" || len(pm.Title) > incident.MaxTitleLen || pm.Date.IsZero() || len(pm.Services) > incident.MaxEntities {
			t.Errorf("ParsePostmortem accepted %+v", pm)
		}
	})
}

// TestVisibility: a viewer sees incidents of entities they may see, not those of an entity
// the catalog does not hold; an anonymous caller sees none.
func TestVisibility(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	for fp, labels := range map[string]map[string]string{
		"known":   {"alertname": "X", "service": "payments-api"},
		"unknown": {"alertname": "Y", "entity": "component:default/ghost"},
	} {
		p := amPayload(t, "firing", labels)
		p.Alerts[0].Fingerprint = fp
		if _, err := env.svc.RecordAlertmanager(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(env.all(t)); n != 2 {
		t.Fatalf("the portal sees %d incidents, want 2", n)
	}
	seen, err := env.svc.List(viewerCtx(t), incident.Query{})
	if err != nil || len(seen) != 1 || seen[0].Entities[0] != paymentsAPI {
		t.Fatalf("viewer sees %+v, %v; want payments-api's incident only", seen, err)
	}
	for _, inc := range env.all(t) {
		_, err := env.svc.Get(viewerCtx(t), inc.ID)
		if hidden := inc.Entities[0] != paymentsAPI; hidden != errors.Is(err, incident.ErrNotFound) {
			t.Errorf("viewer Get(%s of %v) error = %v", inc.ID, inc.Entities, err)
		}
	}
	if got, _ := env.svc.List(t.Context(), incident.Query{}); len(got) != 0 {
		t.Errorf("an anonymous caller sees %d incidents", len(got))
	}
}

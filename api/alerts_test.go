package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// alertsEnv is an auth env whose server has alerts over incidents on open-svc (public)
// and secret-svc (restricted), delivered to a webhook that always fails.
type alertsEnv struct {
	*testEnv
	alerts *alert.Service
	outbox *notify.Outbox
	ids    map[string]string // entity name -> its alert's id
}

func newAlertsEnv(t *testing.T) *alertsEnv {
	t.Helper()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	t.Cleanup(down.Close)
	db := storetest.New(t)
	out, err := notify.New(db, notify.Options{MaxAttempts: 1, Logger: slog.New(slog.DiscardHandler),
		Channels: []notify.Channel{{Name: "webhook", Kind: notify.KindWebhook, URL: down.URL, Secret: "s"}}})
	if err != nil {
		t.Fatal(err)
	}
	incidents := incident.NewService(db, catalog.NewService(db, nil), incident.Options{})
	svc := alert.NewService(db, incidents, out, alert.Options{BaseURL: "https://portal.example", Logger: slog.New(slog.DiscardHandler)})
	env := &alertsEnv{testEnv: newAuthEnvOn(t, db, api.Deps{Alerts: svc, Outbox: out}), alerts: svc, outbox: out, ids: map[string]string{}}
	ctx := auth.NewContext(t.Context(), auth.System())
	for _, name := range []string{"open-svc", "secret-svc"} {
		putIncident(t, db, "inc-"+name, "component:default/"+name)
	}
	if err := svc.Step(ctx); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"open-svc", "secret-svc"} {
		as, err := svc.Alerts(ctx, alert.Query{Incident: "inc-" + name})
		if err != nil || len(as) != 1 {
			t.Fatalf("alerts of %s = %v, %v", name, as, err)
		}
		env.ids[name] = as[0].ID
	}
	return env
}

func putIncident(t *testing.T, db *store.DB, id, entity string) {
	t.Helper()
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.Upsert(t.Context(), incident.SourceEvents, id, func(inc *incident.Incident, _ bool) ([]incident.Event, error) {
		*inc = incident.Incident{ID: id, Title: "Errors on " + entity, Severity: incident.SeverityCritical, Status: incident.StatusOpen,
			Source: incident.SourceEvents, Fingerprint: id, Entities: []string{entity}, OpenedAt: at, UpdatedAt: at}
		return []incident.Event{{At: at, Kind: incident.EventOpened, Text: "triggered"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestAlertsAPI(t *testing.T) {
	env := newAlertsEnv(t)
	var list struct {
		Alerts     []alert.Alert
		NextCursor string
	}
	decode(t, env.doAs(asViewer, "GET", "/api/v1/alerts", ""), &list)
	if len(list.Alerts) != 1 || list.Alerts[0].Entity != "component:default/open-svc" || list.Alerts[0].State != alert.Firing {
		t.Errorf("viewer's alerts = %+v, want only open-svc's, firing", list.Alerts)
	}
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/alerts?severity=critical&limit=1", ""), &list)
	if len(list.Alerts) != 1 || list.NextCursor == "" {
		t.Fatalf("admin's first page = %+v, want one alert and a cursor", list)
	}
	first := list.Alerts[0].ID
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/alerts?limit=1&cursor="+list.NextCursor, ""), &list)
	if len(list.Alerts) != 1 || list.Alerts[0].ID == first {
		t.Errorf("second page = %+v", list.Alerts)
	}
	if w := env.doAs(asViewer, "GET", "/api/v1/alerts/"+env.ids["secret-svc"], ""); w.Code != http.StatusNotFound {
		t.Errorf("viewer GET of a hidden alert = %d, want 404", w.Code)
	}
	if w := env.doAs(asDeveloper, "POST", "/api/v1/alerts/"+env.ids["secret-svc"]+"/ack", ""); w.Code != http.StatusNotFound {
		t.Errorf("developer ack of a hidden alert = %d, want 404", w.Code)
	}
	var a alert.Alert
	decode(t, env.doAs(asDeveloper, "POST", "/api/v1/alerts/"+env.ids["open-svc"]+"/ack", ""), &a)
	if a.State != alert.Acknowledged || a.Actor != asDeveloper || a.Version != 2 {
		t.Errorf("after ack: %s by %q v%d", a.State, a.Actor, a.Version)
	}
	decode(t, env.doAs(asDeveloper, "POST", "/api/v1/alerts/"+env.ids["open-svc"]+"/snooze", `{"for":"2h"}`), &a)
	if a.State != alert.Snoozed || a.SnoozedUntil.Before(time.Now().Add(time.Hour)) {
		t.Errorf("after snooze: %s until %s", a.State, a.SnoozedUntil)
	}
	decode(t, env.doAs(asDeveloper, "POST", "/api/v1/alerts/"+env.ids["open-svc"]+"/resolve", ""), &a)
	if a.State != alert.Resolved || a.Version != 4 {
		t.Errorf("after resolve: %s v%d", a.State, a.Version)
	}
	if w := env.doAs(asDeveloper, "POST", "/api/v1/alerts/"+env.ids["open-svc"]+"/ack", ""); w.Code != http.StatusConflict {
		t.Errorf("ack of a resolved alert = %d, want 409", w.Code)
	}
}

func TestAlertsBadInputChangesNothing(t *testing.T) {
	env := newAlertsEnv(t)
	open := "/api/v1/alerts/" + env.ids["open-svc"]
	for _, tc := range []struct {
		method, url, body string
		want              int
		mention           string
	}{
		{"GET", "/api/v1/alerts?state=burning", "", 400, "alert state"},
		{"GET", "/api/v1/alerts?severity=urgent", "", 400, "severity"},
		{"GET", "/api/v1/alerts?limit=0", "", 400, "limit"},
		{"GET", "/api/v1/alerts?cursor=not-a-cursor", "", 400, "cursor"},
		{"GET", "/api/v1/alerts/al-none", "", 404, "alert al-none"},
		{"POST", open + "/snooze", `{}`, 400, "either until"},
		{"POST", open + "/snooze", `{"for":"-1h"}`, 400, "positive duration"},
		{"POST", open + "/snooze", `{"for":"1h","until":"2030-01-01T00:00:00Z"}`, 400, "either until"},
		{"POST", open + "/snooze", `{"until":"tomorrow"}`, 400, "RFC 3339"},
		{"POST", open + "/snooze", `{"until":"2020-01-01T00:00:00Z"}`, 400, "next 30 days"},
		{"POST", open + "/snooze", `{"for":"1h","why":"x"}`, 400, "Malformed"},
		{"POST", open + "/snooze", `[1]`, 400, "JSON object"},
		{"POST", "/api/v1/alert-rules", `{"id":"Bad Id"}`, 400, "rule id"},
		{"POST", "/api/v1/alert-rules", `{"id":"r","minSeverity":"urgent"}`, 400, "min severity"},
		{"POST", "/api/v1/alert-rules", `{"id":"r","for":"soon"}`, 400, "for"},
		{"POST", "/api/v1/alert-rules", `{"id":"r","repeat":"1s"}`, 400, "at least a minute"},
		{"POST", "/api/v1/alert-rules", `{"id":"r","entities":["payments"]}`, 400, "want a ref"},
		{"POST", "/api/v1/alert-rules", `{"id":"r","colour":"red"}`, 400, "Malformed"},
		{"POST", "/api/v1/alert-rules", `{"id":"default"}`, 409, "already exists"},
		{"PUT", "/api/v1/alert-rules/default", `{"id":"other"}`, 400, "differs"},
		{"PUT", "/api/v1/alert-rules/nope", `{}`, 404, "alert rule nope"},
		{"DELETE", "/api/v1/alert-rules/nope", ``, 404, "alert rule nope"},
		{"GET", "/api/v1/deliveries?state=lost", "", 400, "delivery state"},
		{"GET", "/api/v1/deliveries?before=x", "", 400, "before"},
		{"GET", "/api/v1/deliveries/abc", "", 404, "no delivery"},
		{"POST", "/api/v1/deliveries/999999/resend", "", 404, "delivery 999999"},
	} {
		w := env.doAs(asAdmin, tc.method, tc.url, tc.body)
		var p struct{ Error struct{ Message string } }
		_ = json.Unmarshal(w.Body.Bytes(), &p)
		if w.Code != tc.want || !strings.Contains(p.Error.Message, tc.mention) {
			t.Errorf("%s %s %s = %d %s, want %d mentioning %q", tc.method, tc.url, tc.body, w.Code, w.Body, tc.want, tc.mention)
		}
	}
	var rules struct{ Rules []struct{ ID string } }
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/alert-rules", ""), &rules)
	if len(rules.Rules) != 1 || rules.Rules[0].ID != "default" {
		t.Errorf("rules after refused requests = %+v, want the default only", rules.Rules)
	}
	var a alert.Alert
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/alerts/"+env.ids["open-svc"], ""), &a)
	if a.State != alert.Firing || a.Version != 1 {
		t.Errorf("alert after refused requests: %s v%d, want firing v1", a.State, a.Version)
	}
}

func TestAlertRulesCRUD(t *testing.T) {
	env := newAlertsEnv(t)
	var r struct {
		ID, Name, MinSeverity, For, Repeat string
		Enabled                            bool
		Channels                           []string
	}
	w := env.doAs(asAdmin, "POST", "/api/v1/alert-rules", `{"id":"payments","owner":"team-other","minSeverity":"high","for":"5m","repeat":"1h","channels":["webhook"]}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create = %d %s", w.Code, w.Body)
	}
	decode(t, w, &r)
	if r.ID != "payments" || r.Name != "payments" || !r.Enabled || r.For != "5m0s" || r.Repeat != "1h0m0s" || r.MinSeverity != "high" {
		t.Errorf("created rule = %+v", r)
	}
	r.For, r.Repeat = "", ""
	decode(t, env.doAs(asAdmin, "PUT", "/api/v1/alert-rules/payments", `{"name":"Payments","enabled":false}`), &r)
	if r.Name != "Payments" || r.Enabled || r.For != "" {
		t.Errorf("replaced rule = %+v", r)
	}
	decode(t, env.doAs(asViewer, "GET", "/api/v1/alert-rules/payments", ""), &r)
	if r.Name != "Payments" {
		t.Errorf("read rule = %+v", r)
	}
	if w := env.doAs(asAdmin, "DELETE", "/api/v1/alert-rules/payments", ""); w.Code != http.StatusNoContent {
		t.Errorf("delete = %d %s", w.Code, w.Body)
	}
	if w := env.doAs(asViewer, "GET", "/api/v1/alert-rules/payments", ""); w.Code != http.StatusNotFound {
		t.Errorf("read after delete = %d", w.Code)
	}
}

// TestDeadDeliveryVisibleAndResendable: a receiver that always fails leaves a dead
// delivery, listed by the API and the deliveries page, and re-sendable once.
func TestDeadDeliveryVisibleAndResendable(t *testing.T) {
	env := newAlertsEnv(t)
	if _, err := env.outbox.Deliver(auth.NewContext(t.Context(), auth.System())); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Deliveries []struct {
			ID        int64
			Key       string
			State     string
			Attempts  int
			LastError string
		}
	}
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/deliveries?state=dead", ""), &list)
	if len(list.Deliveries) != 2 {
		t.Fatalf("dead deliveries = %+v, want both alerts'", list.Deliveries)
	}
	d := list.Deliveries[0]
	if d.Attempts != 1 || !strings.Contains(d.LastError, "502") || !strings.HasPrefix(d.Key, "alert:al-") {
		t.Errorf("dead delivery = %+v", d)
	}
	page := env.doAs(asAdmin, "GET", "/alerts/deliveries?state=dead", "")
	if page.Code != 200 || !strings.Contains(page.Body.String(), d.Key) || !strings.Contains(page.Body.String(), `data-resend=`) {
		t.Errorf("deliveries page = %d, missing %s or its resend button", page.Code, d.Key)
	}
	if w := env.doAs(asDeveloper, "GET", "/alerts/deliveries", ""); w.Code != http.StatusForbidden {
		t.Errorf("deliveries page as developer = %d, want 403", w.Code)
	}
	var resent struct{ State string }
	decode(t, env.doAs(asAdmin, "POST", "/api/v1/deliveries/"+strconv.FormatInt(d.ID, 10)+"/resend", ""), &resent)
	if resent.State != "pending" {
		t.Errorf("resent delivery state %q, want pending", resent.State)
	}
	if w := env.doAs(asAdmin, "POST", "/api/v1/deliveries/"+strconv.FormatInt(d.ID, 10)+"/resend", ""); w.Code != http.StatusConflict {
		t.Errorf("resend of a pending delivery = %d, want 409", w.Code)
	}
	rules := env.doAs(asViewer, "GET", "/alerts/rules", "")
	if rules.Code != 200 || !strings.Contains(rules.Body.String(), "Every entity, warning and above") ||
		!strings.Contains(rules.Body.String(), "Errors on component:default/open-svc") || strings.Contains(rules.Body.String(), "secret-svc") {
		t.Errorf("alert rules page as viewer = %d: want the default rule and open-svc's alert only", rules.Code)
	}
}

// newAuthEnvOn is newAuthEnv on a given database.
func newAuthEnvOn(t *testing.T, db *store.DB, d api.Deps) *testEnv {
	t.Helper()
	env := newTestEnvOn(t, db, d)
	dir := env.copyTree("testdata/auth", "auth")
	if w := env.do(http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"`+dir+`"}`); w.Code != http.StatusCreated {
		t.Fatalf("register auth fixtures: %d %s", w.Code, w.Body)
	}
	return env
}

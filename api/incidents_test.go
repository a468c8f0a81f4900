package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// newIncidentEnv is newAuthEnv with a real incident service on the same database.
func newIncidentEnv(t *testing.T) *testEnv {
	t.Helper()
	db := storetest.New(t)
	svc := incident.NewService(db, catalog.NewService(db, nil), incident.Options{})
	env := newTestEnvOn(t, db, api.Deps{Incidents: svc})
	dir := env.copyTree("testdata/auth", "auth")
	if w := env.do(http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"`+dir+`"}`); w.Code != http.StatusCreated {
		t.Fatalf("register auth fixtures: %d %s", w.Code, w.Body)
	}
	return env
}

// amBody is an Alertmanager webhook with one alert.
func amBody(status, fingerprint, labels string) string {
	return `{"version":"4","groupKey":"{}:{alertname=\"HighErrorRate\"}","status":"` + status + `","receiver":"portal",
	"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093","truncatedAlerts":0,
	"alerts":[{"status":"` + status + `","labels":` + labels + `,"annotations":{"summary":"5xx above 2%"},
	"startsAt":"2026-05-01T11:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"` + fingerprint + `"}]}`
}

func listIncidents(t *testing.T, env *testEnv, who, query string) []incident.Incident {
	t.Helper()
	w := env.doAs(who, http.MethodGet, "/api/v1/incidents"+query, "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/incidents%s as %s = %d %s", query, who, w.Code, w.Body)
	}
	var resp struct {
		Items      []incident.Incident `json:"items"`
		NextCursor string              `json:"nextCursor"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	return resp.Items
}

func TestIncidentWebhooksMalformedChangeNothing(t *testing.T) {
	env := newIncidentEnv(t)
	tests := []struct {
		name, path, body, want string
	}{
		{"not json", "/api/v1/alertmanager", `{"version":`, "Malformed request"},
		{"array", "/api/v1/alertmanager", `[]`, "JSON object"},
		{"version 3", "/api/v1/alertmanager", strings.Replace(amBody("firing", "abc1", `{"service":"open-svc"}`), `"version":"4"`, `"version":"3"`, 1), "version"},
		{"no fingerprint", "/api/v1/alertmanager", amBody("firing", "", `{"service":"open-svc"}`), "fingerprint"},
		{"bad status", "/api/v1/alertmanager", amBody("exploding", "abc1", `{"service":"open-svc"}`), "status"},
		{"bad time", "/api/v1/alertmanager", strings.Replace(amBody("firing", "abc1", `{"service":"open-svc"}`), "2026-05-01T11:00:00Z", "yesterday", 1), "Malformed request"},
		{"labels not a map", "/api/v1/alertmanager", amBody("firing", "abc1", `["x"]`), "Malformed request"},
		{"event bad action", "/api/v1/events", `{"routing_key":"k","event_action":"page","payload":{"summary":"s","source":"x","severity":"error"}}`, "event_action"},
		{"event no summary", "/api/v1/events", `{"routing_key":"k","event_action":"trigger","payload":{"source":"x","severity":"error"}}`, "payload.summary"},
		{"event resolve without key", "/api/v1/events", `{"routing_key":"k","event_action":"resolve"}`, "dedup_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := env.doAs(asDeveloper, http.MethodPost, tt.path, tt.body)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.want) || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/") {
				t.Errorf("POST %s = %d %s; want 400 naming %q", tt.path, w.Code, w.Body, tt.want)
			}
		})
	}
	if got := listIncidents(t, env, asAdmin, ""); len(got) != 0 {
		t.Errorf("malformed payloads stored %d incidents", len(got))
	}
}

func TestIncidentWebhooksAndAPI(t *testing.T) {
	env := newIncidentEnv(t)
	// A viewer's read token cannot post alerts.
	if w := env.doAs(asViewer, http.MethodPost, "/api/v1/alertmanager", amBody("firing", "f1", `{"service":"open-svc"}`)); w.Code != http.StatusForbidden {
		t.Errorf("viewer POST alertmanager = %d, want 403", w.Code)
	}
	for _, b := range []string{
		amBody("firing", "f1", `{"alertname":"HighErrorRate","service":"open-svc","severity":"critical"}`),
		amBody("firing", "f2", `{"alertname":"HighErrorRate","entity":"component:default/secret-svc"}`),
	} {
		if w := env.doAs(asDeveloper, http.MethodPost, "/api/v1/alertmanager", b); w.Code != http.StatusOK {
			t.Fatalf("POST alertmanager = %d %s", w.Code, w.Body)
		}
	}
	w := env.doAs(asDeveloper, http.MethodPost, "/api/v1/events",
		`{"routing_key":"k1","event_action":"trigger","dedup_key":"d1","payload":{"summary":"queue backlog","source":"open-svc","severity":"warning"}}`)
	if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"dedup_key":"d1"`) {
		t.Fatalf("POST events = %d %s", w.Code, w.Body)
	}
	if got := listIncidents(t, env, asAdmin, ""); len(got) != 3 {
		t.Fatalf("admin sees %d incidents, want 3", len(got))
	}
	// The viewer may not see secret-svc, so not its incident either.
	viewer := listIncidents(t, env, asViewer, "")
	if len(viewer) != 2 {
		t.Fatalf("viewer sees %d incidents, want 2 (not secret-svc's)", len(viewer))
	}
	for _, inc := range viewer {
		if strings.Contains(strings.Join(inc.Entities, ","), "secret") {
			t.Errorf("viewer sees %s of %v", inc.ID, inc.Entities)
		}
	}
	secret := listIncidents(t, env, asAdmin, "?entity=secret-svc")
	if len(secret) != 1 {
		t.Fatalf("?entity=secret-svc = %d, want 1", len(secret))
	}
	if w := env.doAs(asViewer, http.MethodGet, "/api/v1/incidents/"+secret[0].ID, ""); w.Code != http.StatusNotFound {
		t.Errorf("viewer GET secret incident = %d, want 404", w.Code)
	}
	if w := env.doAs(asDeveloper, http.MethodPatch, "/api/v1/incidents/"+secret[0].ID, `{"status":"resolved"}`); w.Code != http.StatusNotFound {
		t.Errorf("developer PATCH an incident they cannot see = %d, want 404", w.Code)
	}
	// Filters and pages.
	tests := []struct {
		query string
		want  int
	}{
		{"?severity=critical", 1},
		{"?severity=warning", 2},
		{"?status=open", 2},
		{"?status=resolved", 0},
		{"?owner=group:default/team-other", 2},
		{"?owner=team-secret", 0},
		{"?limit=1", 1},
	}
	for _, tt := range tests {
		if got := listIncidents(t, env, asViewer, tt.query); len(got) != tt.want {
			t.Errorf("viewer %s = %d incidents, want %d", tt.query, len(got), tt.want)
		}
	}
	w = env.doAs(asViewer, http.MethodGet, "/api/v1/incidents?limit=1", "")
	var page struct {
		Items      []incident.Incident `json:"items"`
		NextCursor string              `json:"nextCursor"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &page)
	if page.NextCursor == "" {
		t.Fatal("no nextCursor on a full page")
	}
	next := listIncidents(t, env, asViewer, "?limit=1&cursor="+page.NextCursor)
	if len(next) != 1 || next[0].ID == page.Items[0].ID {
		t.Errorf("second page = %v, want the other incident", next)
	}
	for _, bad := range []string{"?status=closed", "?severity=sev1", "?limit=0", "?limit=9999", "?cursor=xyz", "?entity=a:b:c:d"} {
		if w := env.doAs(asViewer, http.MethodGet, "/api/v1/incidents"+bad, ""); w.Code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", bad, w.Code)
		}
	}
	// Acknowledge then resolve, with timeline events naming the caller.
	open := listIncidents(t, env, asViewer, "?severity=critical")[0]
	if w := env.doAs(asViewer, http.MethodPatch, "/api/v1/incidents/"+open.ID, `{"status":"acknowledged"}`); w.Code != http.StatusForbidden {
		t.Errorf("viewer PATCH = %d, want 403", w.Code)
	}
	for _, st := range []string{"acknowledged", "resolved"} {
		w := env.doAs(asDeveloper, http.MethodPatch, "/api/v1/incidents/"+open.ID, `{"status":"`+st+`","note":"on it"}`)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"status":"`+st+`"`) {
			t.Errorf("PATCH %s = %d %s", st, w.Code, w.Body)
		}
	}
	if w := env.doAs(asDeveloper, http.MethodPatch, "/api/v1/incidents/"+open.ID, `{"status":"closed"}`); w.Code != http.StatusBadRequest {
		t.Errorf("PATCH closed = %d, want 400", w.Code)
	}
	w = env.doAs(asViewer, http.MethodGet, "/api/v1/incidents/"+open.ID, "")
	var detail struct {
		incident.Incident
		Similar []incident.Incident `json:"similar"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &detail); err != nil || w.Code != http.StatusOK {
		t.Fatalf("GET incident = %d %s", w.Code, w.Body)
	}
	var kinds []string
	for _, e := range detail.Timeline {
		kinds = append(kinds, e.Kind+":"+e.Actor)
	}
	if got := strings.Join(kinds, " "); got != "opened:alertmanager acknowledged:developer resolved:developer" {
		t.Errorf("timeline = %s", got)
	}
	if len(detail.Similar) != 1 || detail.Similar[0].Title != "queue backlog" {
		t.Errorf("similar = %+v, want open-svc's other incident", detail.Similar)
	}
}

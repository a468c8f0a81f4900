package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestIncidentPages(t *testing.T) {
	env := newIncidentEnv(t)
	for _, b := range []string{
		amBody("firing", "p1", `{"alertname":"HighErrorRate","service":"open-svc","severity":"critical"}`),
		amBody("firing", "p2", `{"alertname":"QueueBacklog","service":"open-svc","severity":"warning"}`),
		amBody("firing", "p3", `{"alertname":"Secret","entity":"component:default/secret-svc"}`),
	} {
		if w := env.doAs(asDeveloper, http.MethodPost, "/api/v1/alertmanager", b); w.Code != http.StatusOK {
			t.Fatalf("POST alertmanager = %d %s", w.Code, w.Body)
		}
	}
	list := listIncidents(t, env, asAdmin, "?severity=critical")
	if len(list) != 1 {
		t.Fatalf("critical incidents = %d", len(list))
	}
	tests := []struct {
		name, who, url string
		status         int
		want, not      []string
	}{
		{"list", asViewer, "/incidents", 200, []string{`id="incidents"`, "/catalog/default/component/open-svc", "5xx above 2%"}, []string{"secret-svc"}},
		{"list as admin", asAdmin, "/incidents", 200, []string{"secret-svc"}, nil},
		{"filter severity", asViewer, "/incidents?severity=critical", 200, []string{`<option value="critical" selected>`, "sev-critical"}, []string{"sev-warning"}},
		{"filter status", asViewer, "/incidents?status=resolved", 200, []string{`id="no-incidents"`}, nil},
		{"filter owner", asViewer, "/incidents?owner=team-other", 200, []string{`id="incidents"`}, nil},
		{"bad filter", asViewer, "/incidents?severity=sev1", 400, []string{"severity"}, nil},
		{"detail", asViewer, "/incidents/" + list[0].ID, 200, []string{`id="timeline"`, "opened", `id="similar"`, "http://prom/graph", "/catalog/default/component/open-svc"}, nil},
		{"unknown", asViewer, "/incidents/nope", 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := env.doAs(tt.who, http.MethodGet, tt.url, "")
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%s", tt.url, w.Code, tt.status, body)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s lacks %q", tt.url, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("GET %s shows %q", tt.url, s)
				}
			}
		})
	}
	// The detail page lists the other open-svc incident as similar.
	w := env.doAs(asViewer, http.MethodGet, "/incidents/"+list[0].ID, "")
	similar := w.Body.String()[strings.Index(w.Body.String(), `id="similar"`):]
	if !strings.Contains(similar, `href="/incidents/inc-`) || strings.Contains(similar, list[0].ID) {
		t.Errorf("similar section lacks the other open-svc incident:\n%s", similar)
	}
}

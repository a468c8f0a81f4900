package api_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/nextportal/portal/api"
)

// TestCatalogChangedCallback checks that a successful catalog change (registering a
// location) tells the server's search indexer, and that reads and refused changes do not.
func TestCatalogChangedCallback(t *testing.T) {
	var calls atomic.Int32
	env := newTestEnv(t, api.Deps{CatalogChanged: func() { calls.Add(1) }})
	path := env.writeFile("svc/catalog-info.yaml", `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: changed-svc
spec:
  type: service
  lifecycle: production
  owner: team-a
`)
	steps := []struct {
		name, who, method, url, body string
		status                       int
		calls                        int32
	}{
		{"read", asAdmin, http.MethodGet, "/api/catalog/entities", "", 200, 0},
		{"query by POST is a read", asAdmin, http.MethodPost, "/api/catalog/entities/by-query", `{}`, 200, 0},
		{"refused: viewer may not register", asViewer, http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"` + path + `"}`, 403, 0},
		{"bad location", asAdmin, http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"/nowhere/x.yaml"}`, 400, 0},
		{"registered", asAdmin, http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"` + path + `"}`, 201, 1},
	}
	for _, s := range steps {
		w := env.doAs(s.who, s.method, s.url, s.body)
		if w.Code != s.status {
			t.Fatalf("%s: %s %s = %d, want %d\n%s", s.name, s.method, s.url, w.Code, s.status, w.Body.String())
		}
		if got := calls.Load(); got != s.calls {
			t.Errorf("%s: CatalogChanged called %d times in all, want %d", s.name, got, s.calls)
		}
	}
}

package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/store/storetest"
)

// discardWriter is the least a ResponseWriter can be, with a fresh header map per request
// as net/http gives: a benchmark through it counts the server's own work and allocations
// per request, not a recorder's.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// BenchmarkCatalogReadRequest measures the whole middleware chain plus the handler of the
// hot catalog reads as a viewer (visibility on), answered from the read model, with a
// static token and with a user's API token: CPU and allocations per request, which decide
// how many requests a core serves and how often the collector runs under load
// (scripts/wrkload.sh measures the same routes over HTTP).
func BenchmarkCatalogReadRequest(b *testing.B) {
	const admin, viewer = "np_benchadmin_0123456789abcdef", "np_benchviewer_0123456789abcdef"
	// Static tokens, as scripts/wrkload.sh uses.
	a := auth.NewService(auth.Options{StaticTokens: []auth.StaticToken{
		{Name: "bench-admin", Token: admin, Role: auth.RoleAdmin, Scope: auth.ScopeAdmin},
		{Name: "bench-viewer", Token: viewer},
	}})
	benchReads(b, "", newTestEnv(b, api.Deps{Auth: a}), admin, viewer)
	// A user's API token, as `portal token create` makes it: checked against the store once
	// per Options.CredentialTTL, and, uncached, on every request.
	for _, tc := range []struct {
		name string
		ttl  time.Duration
	}{{"user-token/", 0}, {"user-token-uncached/", -1}} {
		db := storetest.New(b)
		env := newTestEnvOn(b, db, api.Deps{Auth: auth.NewService(auth.Options{Store: db, CredentialTTL: tc.ttl})})
		benchReads(b, tc.name, env, env.tokens[asAdmin], env.tokens[asViewer])
	}
}

// benchReads registers the fixtures as admin and runs the hot reads as viewer.
func benchReads(b *testing.B, prefix string, env *testEnv, admin, viewer string) {
	dir := env.copyTree("testdata/catalog", "catalog")
	req := httptest.NewRequest(http.MethodPost, "/api/catalog/locations", strings.NewReader(`{"type":"file","target":"`+dir+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	if w := recorder(env, req); w.Code != http.StatusCreated {
		b.Fatalf("register fixtures: %d %s", w.Code, w.Body)
	}
	token := "Bearer " + viewer
	for _, bc := range []struct{ name, path string }{
		{"by-name", "/api/catalog/entities/by-name/component/default/payments-api"},
		{"facets", "/api/catalog/entity-facets?facet=kind"},
		{"by-query", "/api/catalog/entities/by-query?filter=kind=component&limit=20"},
	} {
		b.Run(prefix+bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.path, nil)
			req.Header.Set("Authorization", token)
			w := &discardWriter{}
			b.ReportAllocs()
			for b.Loop() {
				w.h, w.code = http.Header{}, 0
				env.srv.ServeHTTP(w, req)
				if w.code != http.StatusOK {
					b.Fatalf("GET %s: %d", bc.path, w.code)
				}
			}
		})
	}
}

package api_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
)

func TestRequestID(t *testing.T) {
	env := newTestEnv(t, api.Deps{})
	tests := []struct {
		name, in string
		keep     bool
	}{
		{"kept", "abc-123", true},
		{"made when absent", "", false},
		{"made when hostile", "a\nb", false},
		{"made when too long", strings.Repeat("x", 200), false},
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "/healthz", nil)
			req.Header["X-Request-Id"] = []string{tt.in}
			w := recorder(env, req)
			got := w.Header().Get("X-Request-Id")
			if tt.keep && got != tt.in {
				t.Errorf("X-Request-Id = %q, want %q", got, tt.in)
			}
			if !tt.keep && !uuid.MatchString(got) {
				t.Errorf("X-Request-Id = %q, want a fresh uuid", got)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	env := newTestEnv(t, api.Deps{})
	w := env.do(http.MethodGet, "/api/catalog/entities/by-name/component/default/x", "")
	want := map[string]string{
		"Content-Type":                      "application/json; charset=utf-8",
		"Content-Security-Policy":           "default-src 'self';base-uri 'self';font-src 'self' https: data:;frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
		"Referrer-Policy":                   "no-referrer",
		"Strict-Transport-Security":         "max-age=15552000; includeSubDomains",
		"X-Content-Type-Options":            "nosniff",
		"X-Dns-Prefetch-Control":            "off",
		"X-Download-Options":                "noopen",
		"X-Frame-Options":                   "SAMEORIGIN",
		"X-Permitted-Cross-Domain-Policies": "none",
		"X-Xss-Protection":                  "0",
		"Cache-Control":                     "no-store",
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestJSONIsNeverCached checks that every JSON answer, whatever its route or status,
// tells caches not to keep it (it may hold what only this caller may see), and that the
// CSP of pages allows no eval.
func TestJSONIsNeverCached(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	for _, path := range []string{
		"/api/catalog/entities",
		"/api/catalog/entities/by-name/component/default/open-svc",
		"/api/catalog/entities/by-name/component/default/nope",
		"/api/v1/me",
		"/api/v1/tokens",
		"/api/search/query?term=x",
		"/api/v1/search?q=x",
		"/no-such-route",
	} {
		w := env.doAs(asViewer, http.MethodGet, path, "")
		if !strings.Contains(w.Header().Get("Content-Type"), "json") {
			continue
		}
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s (%d): Cache-Control = %q, want no-store", path, w.Code, got)
		}
	}
	w := env.doAs(asViewer, http.MethodGet, "/catalog", "")
	if csp := w.Header().Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("page CSP = %q, want script-src 'self' without 'unsafe-eval'", csp)
	}
}

func TestReadyz(t *testing.T) {
	env := newTestEnv(t, api.Deps{Ready: func(context.Context) error { return errors.New("database: connection refused") }})
	env.run(t, []scenario{
		{"not ready", "GET", "/readyz", "", 503, []string{"database: connection refused"}, nil},
		{"still healthy", "GET", "/healthz", "", 200, []string{`"ok"`}, nil},
	}, nil)
}

func TestBodyLimit(t *testing.T) {
	env := newTestEnv(t, api.Deps{MaxBodyBytes: 100})
	body := `{"entityRefs":["` + strings.Repeat("a", 200) + `"]}`
	env.run(t, []scenario{
		{"over the limit", "POST", "/api/catalog/entities/by-refs", body, 413, []string{`"PayloadTooLargeError"`, "100 bytes", `"statusCode":413`}, nil},
		{"under the limit", "POST", "/api/catalog/entities/by-refs", `{"entityRefs":[]}`, 200, []string{`{"items":[]}`}, nil},
	}, nil)
	// Without a Content-Length the limit holds while reading.
	req, _ := http.NewRequest(http.MethodPost, "/api/catalog/entities/by-refs", strings.NewReader(body))
	req.ContentLength = -1
	if w := recorder(env, req); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked body over the limit = %d %s, want 413", w.Code, w.Body)
	}
}

func TestMetrics(t *testing.T) {
	env := newLoadedEnv(t)
	env.do(http.MethodGet, "/api/catalog/entities/by-name/component/default/payments-api", "")
	env.do(http.MethodGet, "/api/catalog/entities/by-name/component/default/ledger", "")
	env.do(http.MethodGet, "/api/catalog/entities/by-name/component/default/nope", "")
	env.do(http.MethodGet, "/no/such/page", "")
	w := env.do(http.MethodGet, "/metrics", "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="/api/catalog/entities/by-name/:kind/:namespace/:name",status="200"} 2`,
		`http_requests_total{method="GET",route="/api/catalog/entities/by-name/:kind/:namespace/:name",status="404"} 1`,
		`http_requests_total{method="POST",route="/api/catalog/locations",status="201"} 1`,
		`http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/api/catalog/entities/by-name/:kind/:namespace/:name"} 3`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "payments-api") {
		t.Errorf("/metrics labels a raw path")
	}
}

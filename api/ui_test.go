package api_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
)

func init() { gin.SetMode(gin.TestMode) }

// uiScenario is one page request and what its body must and must not contain.
type uiScenario struct {
	name       string
	path       string
	wantStatus int
	want       []string
	notWant    []string
}

func runUIScenarios(t *testing.T, h http.Handler, tests []uiScenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := uiGet(t, h, tt.path)
			body := rec.Body.String()
			if rec.Code != tt.wantStatus {
				t.Errorf("GET %s: status %d, want %d; body:\n%s", tt.path, rec.Code, tt.wantStatus, body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s: Content-Type %q, want text/html", tt.path, ct)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.path, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("GET %s: body contains %q", tt.path, w)
				}
			}
			if t.Failed() && testing.Verbose() {
				t.Logf("body:\n%s", body)
			}
		})
	}
}

// Row links as the catalog table renders them.
const (
	rowPaymentsAPI = `class="entity-link" href="/catalog/default/component/payments-api"`
	rowPayments    = `class="entity-link" href="/catalog/default/api/payments"`
	rowCheckout    = `class="entity-link" href="/catalog/default/component/checkout-web"`
	rowLedger      = `class="entity-link" href="/catalog/default/resource/ledger-db"`
	rowTeamWeb     = `class="entity-link" href="/catalog/default/group/team-web"`
)

func TestUICatalogPage(t *testing.T) {
	h := newUITestServer(t, uiCatalogFiles)
	runUIScenarios(t, h, []uiScenario{
		{
			name: "root lists every entity", path: "/", wantStatus: 200,
			want: []string{
				"<title>Catalog · NEXT Portal</title>", "NEXT Portal</a>", "v9.9.9-test",
				`href="/catalog" aria-current="page"`, `href="/catalog?kind=API"`, `href="/catalog?kind=Group"`,
				rowPaymentsAPI, rowPayments, rowCheckout, rowLedger, rowTeamWeb,
				`<a href="/catalog/default/group/team-payments">team-payments</a>`,
				"Takes card payments and refunds.", "production", "website",
				`<script type="module" src="/static/catalog.js"></script>`,
			},
		},
		{
			name: "catalog path is the same page", path: "/catalog", wantStatus: 200,
			want: []string{rowPaymentsAPI, rowCheckout},
		},
		{
			name: "selects are populated from facets", path: "/catalog", wantStatus: 200,
			want: []string{
				`<select name="kind">`, `<option value="Component">Component (3)</option>`, `<option value="API">API (1)</option>`,
				`<select name="type">`, `<option value="website">website (1)</option>`,
				`<select name="owner">`, `<option value="team-payments">team-payments (4)</option>`,
				`<select name="lifecycle">`, `<option value="experimental">experimental (2)</option>`,
			},
		},
		{
			name: "kind filter (APIs nav)", path: "/catalog?kind=API", wantStatus: 200,
			want:    []string{rowPayments, "<title>APIs · NEXT Portal</title>", `href="/catalog?kind=API" aria-current="page"`, `<option value="API" selected>`},
			notWant: []string{rowPaymentsAPI, rowCheckout, rowLedger},
		},
		{
			name: "kind filter ignores case (Teams nav)", path: "/catalog?kind=group", wantStatus: 200,
			want:    []string{rowTeamWeb, "<h1>Teams</h1>", `<option value="Group" selected>`},
			notWant: []string{rowPaymentsAPI, rowPayments},
		},
		{
			name: "type filter", path: "/catalog?type=website", wantStatus: 200,
			want:    []string{rowCheckout, "Showing 1–1 of 1 entity"},
			notWant: []string{rowPaymentsAPI, rowPayments},
		},
		{
			name: "owner filter", path: "/catalog?owner=team-web&kind=Component", wantStatus: 200,
			want:    []string{rowCheckout, `class="entity-link" href="/catalog/default/component/hostile"`},
			notWant: []string{rowPaymentsAPI, rowLedger},
		},
		{
			name: "lifecycle filter narrows other selects", path: "/catalog?lifecycle=production", wantStatus: 200,
			want:    []string{rowPaymentsAPI, rowPayments, `<option value="openapi">openapi (1)</option>`},
			notWant: []string{rowCheckout, `<option value="website">`},
		},
		{
			name: "search on names", path: "/catalog?q=pay", wantStatus: 200,
			want:    []string{rowPaymentsAPI, rowPayments, `name="q" value="pay"`},
			notWant: []string{rowCheckout, rowLedger},
		},
		{
			name: "search ignores case and combines with filters", path: "/catalog?q=PAY&kind=component", wantStatus: 200,
			want:    []string{rowPaymentsAPI},
			notWant: []string{rowPayments, rowCheckout},
		},
		{
			name: "search with no match", path: "/catalog?q=zzz", wantStatus: 200,
			want:    []string{"No entities match."},
			notWant: []string{`class="entity-link"`},
		},
		{
			name: "results fragment for search-as-you-type", path: "/catalog?q=checkout&fragment=results", wantStatus: 200,
			want:    []string{rowCheckout, "<table"},
			notWant: []string{"<html", "<select", rowPaymentsAPI},
		},
		{
			name: "unknown filter value keeps the select", path: "/catalog?owner=nobody", wantStatus: 200,
			want: []string{"No entities match.", `<option value="nobody" selected>nobody</option>`},
		},
		{
			name: "malformed cursor", path: "/catalog?after=%21%21not-base64", wantStatus: 400,
			want: []string{"malformed page cursor", `href="/catalog"`},
		},
	})
}

func TestUIEntityPage(t *testing.T) {
	h := newUITestServer(t, uiCatalogFiles)
	runUIScenarios(t, h, []uiScenario{
		{
			name: "component overview, links, relations and yaml", path: "/catalog/default/component/payments-api", wantStatus: 200,
			want: []string{
				"<title>payments-api · NEXT Portal</title>", "<code>component:default/payments-api</code>",
				"<dd>service</dd>", "lifecycle-production", "Takes card payments and refunds.",
				`<dt>Owner</dt><dd><a href="/catalog/default/group/team-payments">team-payments</a></dd>`,
				`<dt>System</dt><dd><a href="/catalog/default/system/payments">payments</a></dd>`,
				`<span class="tag">go</span>`, `<span class="tag">tier: critical</span>`,
				`<a href="https://runbooks.example.com/payments" rel="noopener noreferrer">Runbook</a>`,
				"<dt>ownedBy</dt>", `<a href="/catalog/default/group/team-payments">group:default/team-payments</a>`,
				"<dt>providesApi</dt>", `<a href="/catalog/default/api/payments">api:default/payments</a>`,
				"<dt>dependsOn</dt>", `<a href="/catalog/default/resource/ledger-db">resource:default/ledger-db</a>`,
				"<dt>partOf</dt>", `<a href="/catalog/default/system/payments">system:default/payments</a>`,
				"<dt>consumesApi</dt>", `api:default/does-not-exist <em>(unresolved)</em>`,
				`class="status status-warning"`,
				"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:", "  name: payments-api\n",
			},
			notWant: []string{`href="/catalog/default/api/does-not-exist"`},
		},
		{
			name: "refs ignore case", path: "/catalog/default/Component/Payments-API", wantStatus: 200,
			want: []string{"<code>component:default/payments-api</code>"},
		},
		{
			name: "group page links back to what it owns", path: "/catalog/default/group/team-payments", wantStatus: 200,
			want: []string{
				"<h1>Payments Team</h1>", `href="/catalog?kind=Group" aria-current="page"`,
				"<dt>ownerOf</dt>", `<a href="/catalog/default/component/payments-api">component:default/payments-api</a>`,
			},
		},
		{
			name: "api page shows its definition in the yaml", path: "/catalog/default/api/payments", wantStatus: 200,
			want: []string{"definition: |", "openapi: 3.0.0", "<dt>apiProvidedBy</dt>", "<dt>apiConsumedBy</dt>"},
		},
		{
			name: "unknown entity", path: "/catalog/default/component/nope", wantStatus: 404,
			want: []string{"<h1>Not found</h1>", `href="/catalog"`, "NEXT Portal"},
		},
		{
			name: "bad name", path: "/catalog/default/component/a:b", wantStatus: 404,
			want: []string{"<h1>Not found</h1>"},
		},
	})
}

func TestUIEscapesHostileContent(t *testing.T) {
	h := newUITestServer(t, uiCatalogFiles)
	hostile := []string{"<script>alert", "<img src=x", "<svg onload", `href="javascript:`, "<b>click</b>", `"><svg`}
	runUIScenarios(t, h, []uiScenario{
		{
			name: "entity page", path: "/catalog/default/component/hostile", wantStatus: 200,
			want:    []string{"&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt; &amp; more", "&lt;b&gt;click&lt;/b&gt;"},
			notWant: hostile,
		},
		{name: "catalog page", path: "/catalog", wantStatus: 200, want: []string{"&lt;img src=x"}, notWant: hostile},
		{name: "search fragment", path: "/catalog?q=host&fragment=results", wantStatus: 200, want: []string{"&lt;script&gt;"}, notWant: hostile},
		{name: "search term echoed", path: "/catalog?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", wantStatus: 200, notWant: hostile},
	})
}

var (
	uiRowNameRE = regexp.MustCompile(`class="entity-link" href="[^"]+">([^<]+)</a>`)
	uiNextRE    = regexp.MustCompile(`rel="next" href="([^"]+)"`)
	uiPrevRE    = regexp.MustCompile(`rel="prev" href="([^"]+)"`)
	uiCountRE   = regexp.MustCompile(`<p class="count">([^<]+)</p>`)
)

func TestUIPaging(t *testing.T) {
	const n = 120
	h := newUITestServer(t, uiManyComponents(n))
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("svc-%03d", i))
	}

	// Forwards from the first page to the last, then back again.
	var got, counts []string
	var pages [][]string
	var last string
	for path := "/catalog?kind=Component"; path != ""; {
		last = path
		body := uiGetOK(t, h, path)
		names := uiSubmatches(uiRowNameRE, body)
		pages = append(pages, names)
		got = append(got, names...)
		counts = append(counts, uiFirst(uiCountRE, body))
		path = uiFirst(uiNextRE, body)
		if len(pages) > 10 {
			t.Fatal("paging forwards does not end")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names paging forwards (-want +got):\n%s", diff)
	}
	wantCounts := []string{"Showing 1–50 of 120 entities", "Showing 51–100 of 120 entities", "Showing 101–120 of 120 entities"}
	if diff := cmp.Diff(wantCounts, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}

	body := uiGetOK(t, h, last)
	for i := len(pages) - 2; i >= 0; i-- {
		path := uiFirst(uiPrevRE, body)
		if path == "" {
			t.Fatalf("page %d has no previous link", i+2)
		}
		body = uiGetOK(t, h, path)
		if diff := cmp.Diff(pages[i], uiSubmatches(uiRowNameRE, body)); diff != "" {
			t.Errorf("page %d paging backwards (-want +got):\n%s", i+1, diff)
		}
	}
	if p := uiFirst(uiPrevRE, body); p != "" {
		t.Errorf("first page reached backwards has a previous link %q", p)
	}
	if c := uiFirst(uiCountRE, body); c != wantCounts[0] {
		t.Errorf("first page reached backwards says %q, want %q", c, wantCounts[0])
	}
	if !slices.Contains(pages[0], "svc-000") {
		t.Errorf("first page %v lacks svc-000", pages[0])
	}
}

func uiGetOK(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := uiGet(t, h, path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d; body:\n%s", path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// uiSubmatches returns the first group of every match, HTML-unescaped.
func uiSubmatches(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// uiFirst returns the first group of the first match, HTML-unescaped, or "".
func uiFirst(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

func TestUIStatic(t *testing.T) {
	h := newUITestServer(t, nil)
	tests := []struct {
		name, path, wantType string
		wantStatus           int
	}{
		{"stylesheet", "/static/style.css", "text/css", 200},
		{"module", "/static/catalog.js", "text/javascript", 200},
		{"icon", "/static/favicon.svg", "image/svg+xml", 200},
		{"directory is not listed", "/static/", "", 404},
		{"missing file", "/static/nope.css", "", 404},
		{"no escape from static", "/static/../templates/layout.html", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := uiGet(t, h, tt.path)
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s: status %d, want %d", tt.path, rec.Code, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				return
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("GET %s: Content-Type %q, want %s", tt.path, ct, tt.wantType)
			}
			etag := rec.Header().Get("ETag")
			if etag == "" {
				t.Fatalf("GET %s: no ETag", tt.path)
			}
			if again := uiGet(t, h, tt.path, "If-None-Match", etag); again.Code != http.StatusNotModified {
				t.Errorf("GET %s with If-None-Match: status %d, want 304", tt.path, again.Code)
			}
		})
	}
}

package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestUISearchPage checks the server-rendered search page, which is what a browser
// without JavaScript gets and what a reload shows.
func TestUISearchPage(t *testing.T) {
	env := newSearchEnv(t)
	tests := []struct {
		name, who, path string
		wantStatus      int
		want, notWant   []string
	}{
		{
			name: "results with marks, facets and links", who: asAdmin, path: "/search?q=refunds", wantStatus: 200,
			want: []string{
				`<input type="search" name="q" value="refunds"`,
				`<a class="result-title" href="/catalog/default/component/payments-api">Payments API service</a>`,
				`<mark>refunds</mark>`,
				`<section class="facet" data-field="kind">`,
				`<a class="facet-value" href="/search?filter=kind%3Acomponent&amp;q=refunds">`,
				`<option value="hybrid" selected>hybrid</option>`,
				`<a href="/search" aria-current="page">Search</a>`,
			},
			notWant: []string{`class="chip"`, "Did you mean", `rel="next"`},
		},
		{
			name: "an active filter is a chip and an active facet", who: asAdmin,
			path: "/search?q=payments&filter=kind:api&mode=lexical", wantStatus: 200,
			want: []string{
				`<input type="hidden" name="filter" value="kind:api">kind: api <a class="chip-remove" href="/search?mode=lexical&amp;q=payments"`,
				`<a class="facet-value active" href="/search?mode=lexical&amp;q=payments" aria-current="true">`,
				`<option value="lexical" selected>lexical</option>`,
				`href="/catalog/default/api/payments"`,
			},
			notWant: []string{`href="/catalog/default/component/payments-api"`},
		},
		{
			name: "a filter given as a parameter becomes a chip", who: asAdmin, path: "/search?owner=team-web", wantStatus: 200,
			want: []string{`value="owner:group:default/team-web"`, `href="/catalog/default/component/checkout-web"`},
		},
		{
			name: "did you mean", who: asAdmin, path: "/search?q=ledgr", wantStatus: 200,
			want: []string{`Did you mean <a href="/search?q=ledger">ledger</a>?`},
		},
		{
			name: "nothing found", who: asAdmin, path: "/search?q=qwxzvbnm", wantStatus: 200,
			want: []string{"Nothing matches."},
		},
		{
			name: "hostile texts are escaped", who: asAdmin, path: "/search?q=widget", wantStatus: 200,
			want:    []string{"&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; widget", "&amp; more"},
			notWant: []string{"<script>alert", "<img src=x"},
		},
		{
			name: "a viewer does not find the restricted service", who: asViewer, path: "/search?q=zebracrypt", wantStatus: 200,
			notWant: []string{`href="/catalog/default/component/zebracrypt"`, "Zebracrypt keeps"},
		},
		{
			name: "its owner does", who: asOwner, path: "/search?q=zebracrypt", wantStatus: 200,
			want: []string{`href="/catalog/default/component/zebracrypt"`},
		},
		{
			name: "unknown mode", who: asAdmin, path: "/search?q=x&mode=fuzzy", wantStatus: 400,
			want: []string{`unknown mode &#34;fuzzy&#34;: use lexical, vector or hybrid`, `href="/search"`},
		},
		{
			name: "bad cursor", who: asAdmin, path: "/search?q=x&cursor=garbage", wantStatus: 400,
			want: []string{"cursor is malformed"},
		},
		{
			name: "an anonymous browser goes to the login page", who: asAnonymous, path: "/search?q=x", wantStatus: http.StatusSeeOther,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := env.doAs(tt.who, http.MethodGet, tt.path, "")
			body := w.Body.String()
			if w.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d, want %d:\n%s", tt.path, w.Code, tt.wantStatus, body)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %s\n%s", s, body)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("page has %s", s)
				}
			}
		})
	}
}

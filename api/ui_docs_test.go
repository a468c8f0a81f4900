package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestUIDocPage renders indexed TechDocs pages: headings carry the anchors search results
// link to, and a restricted entity's doc is a 404 for a viewer, as a missing one is.
func TestUIDocPage(t *testing.T) {
	env := newSearchEnv(t)
	tests := []struct {
		name, who, path string
		status          int
		want            []string
	}{
		{"runbook", asViewer, "/docs/default/component/payments-api/docs/runbook.md", http.StatusOK,
			[]string{`id="rotate-credentials"`, `<h1 id="payments-runbook">Payments runbook</h1>`, `href="/catalog/default/component/payments-api"`}},
		{"restricted for a viewer", asViewer, "/docs/default/component/zebracrypt/docs/index.md", http.StatusNotFound,
			[]string{"There is no document"}},
		{"restricted for an admin", asAdmin, "/docs/default/component/zebracrypt/docs/index.md", http.StatusOK,
			[]string{"zebracrypt"}},
		{"missing", asViewer, "/docs/default/component/payments-api/docs/nope.md", http.StatusNotFound, nil},
		{"malformed", asViewer, "/docs/default", http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := env.doAs(tt.who, http.MethodGet, tt.path, "")
			if w.Code != tt.status {
				t.Fatalf("GET %s as %s = %d, want %d\n%s", tt.path, tt.who, w.Code, tt.status, w.Body.String())
			}
			for _, s := range tt.want {
				if !strings.Contains(w.Body.String(), s) {
					t.Errorf("GET %s: page lacks %q", tt.path, s)
				}
			}
			if tt.status == http.StatusNotFound && strings.Contains(strings.ToLower(w.Body.String()), "master keys") {
				t.Errorf("GET %s: the 404 page shows the restricted doc", tt.path)
			}
		})
	}
}

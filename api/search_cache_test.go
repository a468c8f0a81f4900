package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

// TestSearchAnswersFollowIndex checks the search answer cache: a repeated search gets the
// same bytes, a caller never gets the answer kept for a class that sees more, and once a
// new page is indexed (the catalog unchanged) both search APIs find it. Cache-Control:
// no-cache asks for a fresh answer.
func TestSearchAnswersFollowIndex(t *testing.T) {
	env, idx := newSearchEnvIndex(t)
	paths := []string{
		"/api/v1/search?limit=100&facets=owner&q=quartermaster",
		"/api/search/query?term=quartermaster&pageLimit=100",
		"/api/v1/search?limit=100&q=zebracrypt",
		"/api/search/query?term=zebracrypt&pageLimit=100",
	}
	// The admin asks first: a viewer asking the same must not get the admin's answer.
	for _, who := range []string{asAdmin, asViewer} {
		for _, p := range paths {
			first := env.doAs(who, http.MethodGet, p, "")
			again := env.doAs(who, http.MethodGet, p, "")
			if first.Code != http.StatusOK || again.Code != http.StatusOK || again.Body.String() != first.Body.String() {
				t.Errorf("%s GET %s = %d, again %d; want two equal 200 answers:\n%s\n%s", who, p, first.Code, again.Code, first.Body, again.Body)
			}
			body := first.Body.String()
			if got := strings.Contains(body, "zebracrypt"); strings.Contains(p, "zebracrypt") && got != (who == asAdmin) {
				t.Errorf("%s GET %s: mentions zebracrypt = %v, want %v: %s", who, p, got, who == asAdmin, body)
			}
			if strings.Contains(body, "quartermaster") {
				t.Errorf("%s GET %s finds quartermaster before it is indexed: %s", who, p, body)
			}
		}
	}

	// Cache-Control: no-cache searches afresh: Backstage's answer gets new highlight tags.
	const payments = "/api/search/query?term=payments"
	kept := env.do(http.MethodGet, payments, "").Body.String()
	req := httptest.NewRequest(http.MethodGet, payments, nil)
	req.Header.Set("Authorization", "Bearer "+env.tokens[asAdmin])
	req.Header.Set("Cache-Control", "no-cache")
	fresh := httptest.NewRecorder()
	env.srv.ServeHTTP(fresh, req)
	if !strings.Contains(kept, `"preTag"`) || fresh.Code != http.StatusOK || fresh.Body.String() == kept ||
		env.do(http.MethodGet, payments, "").Body.String() == kept {
		t.Errorf("GET %s with Cache-Control: no-cache = %d %s, want a new answer than %s, and kept after", payments, fresh.Code, fresh.Body, kept)
	}

	// A new page of payments-api's docs: the index changes, the catalog does not.
	env.writeFile("search/payments-api/docs/vault.md", "# Vault\n\nThe quartermaster opens the vault at dawn.\n")
	sys := auth.NewContext(t.Context(), auth.System())
	sources := []indexer.Source{indexer.NewCatalogSource(env.svc), indexer.NewTechDocsSource(env.svc, []string{env.root})}
	if _, err := idx.Index(sys, sources, nil); err != nil {
		t.Fatalf("index: %v", err)
	}
	for _, who := range []string{asAdmin, asViewer} {
		for _, p := range paths[:2] {
			w := env.doAs(who, http.MethodGet, p, "")
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "quartermaster") {
				t.Errorf("%s GET %s after indexing the new page = %d %s, want it found", who, p, w.Code, w.Body)
			}
		}
	}
}

package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

// TestSearchHidesRestrictedNames checks that no document a viewer may see names a
// restricted entity: the text of a visible group must not list what it owns out of the
// viewer's sight (the catalog API drops such relations for the viewer, too).
func TestSearchHidesRestrictedNames(t *testing.T) {
	env := newSearchEnv(t)
	for _, q := range []string{"zebracrypt", "rotate+payment+secrets", ""} {
		var o searchOut
		env.searchJSON(asViewer, "/api/v1/search?limit=100&q="+q, &o)
		for _, r := range o.Results {
			if strings.Contains(strings.ToLower(r.Title+" "+r.Snippet), "zebracrypt") {
				t.Errorf("q=%s: %s names the restricted zebracrypt: %q", q, r.DocID, r.Snippet)
			}
		}
		if q == "zebracrypt" && o.Total != 0 {
			t.Errorf("q=%s: total %d for a viewer, want 0", q, o.Total)
		}
	}
}

// TestRepublishedContentNeverLeaks checks that a visible entity cannot republish a
// restricted entity's files: not through a $text placeholder (its description and catalog
// page), nor through backstage.io/techdocs-ref (its doc pages and search), not even when
// it was registered before the folder's owner.
func TestRepublishedContentNeverLeaks(t *testing.T) {
	env, idx := newSearchEnvIndex(t)
	sys := auth.NewContext(t.Context(), auth.System())
	component := func(name, vis string, annotations map[string]string, description string) string {
		s := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: " + name + "\n  annotations:\n    nextportal.io/visibility: " + vis + "\n"
		for k, v := range annotations {
			s += "    " + k + ": " + v + "\n"
		}
		if description != "" {
			s += "  description: " + description + "\n"
		}
		return s + "spec:\n  type: service\n  lifecycle: production\n  owner: team-web\n"
	}
	register := func(file string) *httptest.ResponseRecorder {
		return env.do("POST", "/api/catalog/locations", `{"type":"file","target":"`+file+`"}`)
	}
	tests := []struct{ name, file string }{
		{"$text of a restricted entity's docs", env.writeFile("thief-text/catalog-info.yaml",
			component("thief-text", "public", nil, "{$text: ../search/zebracrypt/docs/index.md}"))},
		{"techdocs-ref at a restricted entity's folder", env.writeFile("thief-docs/catalog-info.yaml",
			component("thief-docs", "internal", map[string]string{"backstage.io/techdocs-ref": "dir:../search/zebracrypt"}, ""))},
		// The folder's owner is looked up once per read; each entity is still judged.
		{"techdocs-ref after an entity that may use it, in one file", env.writeFile("thief-after/catalog-info.yaml",
			strings.Replace(component("allowed-first", "restricted", map[string]string{"backstage.io/techdocs-ref": "dir:../search/zebracrypt"}, ""),
				"owner: team-web", "owner: team-secret", 1)+"---\n"+
				component("thief-after", "public", map[string]string{"backstage.io/techdocs-ref": "dir:../search/zebracrypt"}, ""))},
	}
	for _, tt := range tests {
		w := register(tt.file)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "component:default/zebracrypt") {
			t.Errorf("%s: register = %d %s, want a 400 naming the owner", tt.name, w.Code, w.Body)
		}
	}
	// The owner itself, and an entity as restricted, may use the folder.
	same := env.writeFile("same-docs/catalog-info.yaml", strings.Replace(
		component("same-docs", "restricted", map[string]string{"backstage.io/techdocs-ref": "dir:../search/zebracrypt"}, "{$text: ../search/zebracrypt/docs/index.md}"),
		"owner: team-web", "owner: team-secret", 1))
	if w := register(same); w.Code != http.StatusCreated {
		t.Errorf("an entity as restricted as the owner: register = %d %s, want 201", w.Code, w.Body)
	}

	// Registered before the folder had an owner: the index still refuses its docs.
	env.writeFile("vault/docs/index.md", "# Vault\n\nThe quartermaster opens the vault at dawn.\n")
	if w := register(env.writeFile("early/catalog-info.yaml",
		component("early", "public", map[string]string{"backstage.io/techdocs-ref": "dir:../vault"}, ""))); w.Code != http.StatusCreated {
		t.Fatalf("register early: %d %s", w.Code, w.Body)
	}
	if w := register(env.writeFile("vault/catalog-info.yaml", strings.Replace(
		component("vault", "restricted", map[string]string{"backstage.io/techdocs-ref": "dir:."}, ""), "owner: team-web", "owner: team-secret", 1))); w.Code != http.StatusCreated {
		t.Fatalf("register vault: %d %s", w.Code, w.Body)
	}
	sources := []indexer.Source{indexer.NewCatalogSource(env.svc), indexer.NewTechDocsSource(env.svc, []string{env.root})}
	if _, err := idx.Index(sys, sources, nil); err != nil {
		t.Fatalf("index: %v", err)
	}
	for _, q := range []string{"quartermaster", "master+keys+hardware+module"} {
		var o searchOut
		env.searchJSON(asViewer, "/api/v1/search?limit=100&q="+q, &o)
		for _, r := range o.Results {
			// early's own entity is public and may match weakly (hybrid always has vector
			// neighbours); its docs, which are the vault's, may not.
			earlyDocs := strings.HasPrefix(r.DocID, "doc:") && strings.Contains(r.DocID, "early")
			if earlyDocs || strings.Contains(r.DocID, "thief") || strings.Contains(r.DocID, "zebracrypt") || strings.Contains(r.DocID, "vault") ||
				strings.Contains(strings.ToLower(r.Snippet), "quartermaster") {
				t.Errorf("q=%s: a viewer finds %s", q, r.DocID)
			}
		}
	}
	if w := env.doAs(asViewer, "GET", "/docs/default/component/early/docs/index.md", ""); w.Code != http.StatusNotFound {
		t.Errorf("early's doc page for a viewer = %d, want 404", w.Code)
	}
	var o searchOut
	env.searchJSON(asAdmin, "/api/v1/search?limit=100&q=quartermaster", &o)
	if len(o.Results) != 1 || !strings.Contains(o.Results[0].DocID, "component:default/vault") {
		t.Errorf("the admin finds %+v for quartermaster, want vault's own doc only", o.Results)
	}
}

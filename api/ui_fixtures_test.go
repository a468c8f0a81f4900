package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// uiCatalogFiles is a small catalog: two teams, a system, a service that provides an API,
// depends on a database and consumes an API that does not exist, a website that consumes
// the API, and an entity whose texts try to inject markup and script.
var uiCatalogFiles = map[string]string{
	"teams/catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
  title: Payments Team
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-web
spec:
  type: team
  children: []
`,
	"payments/catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: payments
  description: Moving money.
spec:
  owner: team-payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  description: Takes card payments and refunds.
  tags: [go, payments]
  labels:
    tier: critical
  links:
    - url: https://runbooks.example.com/payments
      title: Runbook
spec:
  type: service
  lifecycle: production
  owner: team-payments
  system: payments
  providesApis: [payments]
  consumesApis: [does-not-exist]
  dependsOn: ['resource:ledger-db']
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments
  description: The payments REST API.
spec:
  type: openapi
  lifecycle: production
  owner: team-payments
  system: payments
  definition: |
    openapi: 3.0.0
    info: {title: Payments, version: 1.0.0}
    paths: {}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ledger-db
spec:
  type: database
  owner: team-payments
  system: payments
`,
	"web/catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-web
  description: The checkout pages.
spec:
  type: website
  lifecycle: experimental
  owner: team-web
  consumesApis: [payments]
`,
	"hostile/catalog-info.yaml": `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: hostile
  title: '<script>alert("title")</script>'
  description: '<img src=x onerror=alert(1)> & more'
  labels:
    evil: 'x'
  links:
    - url: 'javascript:alert(1)'
      title: '<b>click</b>'
spec:
  type: '"><svg onload=alert(2)>'
  lifecycle: experimental
  owner: team-web
`,
}

// newUITestServer registers files (path -> content, written under a temp root) with a
// catalog on a real store and returns the API server over it, in demo mode.
func newUITestServer(t *testing.T, files map[string]string) http.Handler {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := storetest.New(t)
	svc := catalog.NewService(db, []string{root})
	if len(files) > 0 {
		if _, _, err := svc.Import(auth.NewContext(t.Context(), auth.System()), root); err != nil {
			t.Fatalf("import %s: %v", root, err)
		}
	}
	// Demo mode: the pages are seen as the guest developer, as after make run.
	return api.NewServer(api.Deps{Catalog: svc, Auth: auth.NewService(auth.Options{Store: db, Directory: svc}),
		Demo: true, Version: "v9.9.9-test"})
}

// uiManyComponents returns one file with n components named svc-000 … svc-(n-1).
func uiManyComponents(n int) map[string]string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-%03d\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n", i)
	}
	return map[string]string{"many/catalog-info.yaml": b.String()}
}

// uiGet requests path from h and returns the response.
func uiGet(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

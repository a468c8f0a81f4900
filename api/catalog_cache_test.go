package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestCatalogReadsFollowWrites checks that repeated catalog reads answer the same bytes
// and that a write is seen by the next read of every cached route: answers are kept per
// catalog generation, and a delete starts a new one.
func TestCatalogReadsFollowWrites(t *testing.T) {
	env := newLoadedEnv(t)
	uid := env.uidOf("component", "ledger")
	reads := []struct {
		path     string
		before   string // in the answer before the delete
		after    string // in the answer after it
		afterGot int
	}{
		{"/api/catalog/entities/by-name/component/default/ledger", `"name":"ledger"`, `No entity named 'ledger'`, http.StatusNotFound},
		{"/api/catalog/entities/by-uid/" + uid, `"name":"ledger"`, `No entity with uid`, http.StatusNotFound},
		{"/api/catalog/entities/by-query?filter=spec.type=library&fields=metadata.name", `"totalItems":1`, `"totalItems":0`, http.StatusOK},
		{"/api/catalog/entities?filter=spec.type=library&fields=metadata.name", `[{"metadata":{"name":"ledger"}}]`, `[]`, http.StatusOK},
		{"/api/catalog/entity-facets?facet=spec.type", `{"value":"library","count":1}`, `"facets":{"spec.type":[`, http.StatusOK},
	}
	for _, r := range reads {
		first := env.do(http.MethodGet, r.path, "")
		again := env.do(http.MethodGet, r.path, "")
		if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), r.before) {
			t.Fatalf("GET %s = %d %s, want 200 with %s", r.path, first.Code, first.Body, r.before)
		}
		if again.Code != first.Code || again.Body.String() != first.Body.String() ||
			again.Header().Get("ETag") != first.Header().Get("ETag") {
			t.Errorf("GET %s again = %d %s (ETag %q), want the first answer %s (ETag %q)",
				r.path, again.Code, again.Body, again.Header().Get("ETag"), first.Body, first.Header().Get("ETag"))
		}
	}
	if w := env.do(http.MethodDelete, "/api/catalog/entities/by-uid/"+uid, ""); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE ledger = %d %s", w.Code, w.Body)
	}
	for _, r := range reads {
		w := env.do(http.MethodGet, r.path, "")
		if w.Code != r.afterGot || !strings.Contains(w.Body.String(), r.after) || strings.Contains(w.Body.String(), r.before) {
			t.Errorf("GET %s after the delete = %d %s, want %d with %s and without %s", r.path, w.Code, w.Body, r.afterGot, r.after, r.before)
		}
	}
}

package api_test

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// newSearchEnv is a test server whose catalog holds testdata/search (with a restricted
// entity and TechDocs folders) and whose search index was built from it by the real
// indexer, on the same store.
func newSearchEnv(t *testing.T) *testEnv {
	t.Helper()
	env, _ := newSearchEnvIndex(t)
	return env
}

// newSearchEnvIndex is newSearchEnv that also returns the search service, for tests that
// change the catalog and index it again.
func newSearchEnvIndex(t *testing.T) (*testEnv, *indexer.Service) {
	t.Helper()
	db := storetest.New(t)
	idx := newTestIndex(t, db)
	env := newTestEnvOn(t, db, api.Deps{Search: idx})
	sys := auth.NewContext(t.Context(), auth.System())
	if _, _, err := env.svc.Import(sys, env.copyTree("testdata/search", "search")); err != nil {
		t.Fatalf("import testdata/search: %v", err)
	}
	sources := []indexer.Source{indexer.NewCatalogSource(env.svc), indexer.NewTechDocsSource(env.svc, []string{env.root})}
	if _, err := idx.Index(sys, sources, nil); err != nil {
		t.Fatalf("index testdata/search: %v", err)
	}
	return env, idx
}

// newTestIndex opens a search service over db with its bleve index in a temp dir, closed
// when the test ends.
func newTestIndex(t *testing.T, db *store.DB) *indexer.Service {
	t.Helper()
	idx, err := indexer.Open(t.Context(), indexer.Options{
		Store: db, Vectors: db.VectorIndex(), BleveDir: filepath.Join(t.TempDir(), "bleve"),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("open search index: %v", err)
	}
	t.Cleanup(func() {
		if err := idx.Close(); err != nil {
			t.Errorf("close search index: %v", err)
		}
	})
	return idx
}

// newEmptySearch is a search service over an empty index of its own, for tests that only
// need the search routes served.
func newEmptySearch(t *testing.T) *indexer.Service {
	t.Helper()
	return newTestIndex(t, storetest.New(t))
}

// searchJSON GETs a search path as who, requires 200 and decodes the answer into v.
func (e *testEnv) searchJSON(who, path string, v any) {
	e.t.Helper()
	w := e.doAs(who, http.MethodGet, path, "")
	decode(e.t, w, v)
}

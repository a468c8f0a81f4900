package api_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// testEnv is a server on a real store whose catalog root is a temp dir.
type testEnv struct {
	t    *testing.T
	srv  *api.Server
	svc  *catalog.Service
	root string
}

// newTestEnv starts a server over a fresh store. Its only file root is a temp dir.
func newTestEnv(t *testing.T, d api.Deps) *testEnv {
	t.Helper()
	gin.SetMode(gin.TestMode)
	root := t.TempDir()
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	db := storetest.New(t)
	svc := catalog.NewService(db, []string{root})
	d.Catalog = svc
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &testEnv{t: t, srv: api.NewServer(d), svc: svc, root: root}
}

// newLoadedEnv is newTestEnv with testdata/catalog copied under the root and registered
// through POST /api/catalog/locations.
func newLoadedEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t, api.Deps{})
	dir := env.copyTree("testdata/catalog", "catalog")
	w := env.do(http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"`+dir+`"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("register fixtures: %d %s", w.Code, w.Body)
	}
	return env
}

// copyTree copies the directory src into root/name and returns the copy's path.
func (e *testEnv) copyTree(src, name string) string {
	e.t.Helper()
	dst := filepath.Join(e.root, name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		e.t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

// writeFile writes content to root/rel and returns the file's path.
func (e *testEnv) writeFile(rel, content string) string {
	e.t.Helper()
	p := filepath.Join(e.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// do sends one request through the server's ServeHTTP.
func (e *testEnv) do(method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

// getJSON GETs path, requires 200 and decodes the body into v.
func (e *testEnv) getJSON(path string, v any) {
	e.t.Helper()
	w := e.do(http.MethodGet, path, "")
	if w.Code != http.StatusOK {
		e.t.Fatalf("GET %s = %d %s", path, w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		e.t.Fatalf("GET %s: decode %q: %v", path, w.Body, err)
	}
}

// uidOf returns the uid of the entity with that kind/namespace/name.
func (e *testEnv) uidOf(kind, name string) string {
	e.t.Helper()
	var ent struct {
		Metadata struct{ UID string } `json:"metadata"`
	}
	e.getJSON("/api/catalog/entities/by-name/"+kind+"/default/"+name, &ent)
	return ent.Metadata.UID
}

// snapshot is the whole stored catalog as the API shows it: every entity and location.
func (e *testEnv) snapshot() string {
	e.t.Helper()
	ents := e.do(http.MethodGet, "/api/catalog/entities?order=asc:metadata.name", "")
	locs := e.do(http.MethodGet, "/api/catalog/locations", "")
	if ents.Code != 200 || locs.Code != 200 {
		e.t.Fatalf("snapshot: entities %d, locations %d", ents.Code, locs.Code)
	}
	return ents.Body.String() + "\n" + locs.Body.String()
}

// sharedData finds a folder of /work/shared/data: from env, else beside the repo. It skips
// when the folder is absent, but fails under CI=true.
func sharedData(t *testing.T, env, rel string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data", rel)
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (set %s): %v", dir, env, err)
		}
		t.Skipf("%s not found (set %s); skipping", dir, env)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// recorder serves a prepared request.
func recorder(e *testEnv, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

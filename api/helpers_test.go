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
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/testenv"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// testEnv is a server on a real store whose catalog root is a temp dir, with real auth:
// a user for each role, each with an API token.
type testEnv struct {
	t     testing.TB
	srv   *api.Server
	demo  *api.Server // the same store and services in demo mode
	svc   *catalog.Service
	auth  *auth.Service
	clock *testClock
	root  string
	// tokens are the raw API tokens of the test principals, by name: viewer, developer,
	// owner, admin, and the bad, expired and revoked tokens.
	tokens map[string]string
}

// Principals of the test server. "owner" is a developer whose catalog User is a member
// of the group that owns the auth fixtures' entities.
const (
	asAnonymous = "anonymous"
	asViewer    = "viewer"
	asDeveloper = "developer"
	asOwner     = "owner"
	asAdmin     = "admin"
	asGuest     = "guest" // demo mode without credentials
	asBad       = "bad token"
	asExpired   = "expired token"
	asRevoked   = "revoked token"
)

// testClock is the auth service's clock; tests move it forward instead of sleeping.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// testCatalogStore returns the catalog store tests serve from: the in-memory read model over
// db, as `portal serve` runs by default, or db itself when PORTAL_TEST_SQL_ONLY is set (to
// check that both give the same answers).
func testCatalogStore(t testing.TB, db *store.DB) catalog.Store {
	t.Helper()
	if os.Getenv("PORTAL_TEST_SQL_ONLY") != "" {
		return db
	}
	m, err := catalog.NewReadModel(t.Context(), db)
	if err != nil {
		t.Fatalf("catalog read model: %v", err)
	}
	return m
}

// newTestEnv starts a server over a fresh store. Its only file root is a temp dir. Unless
// d says otherwise it has its own auth.Service with the test principals.
func newTestEnv(t testing.TB, d api.Deps) *testEnv {
	t.Helper()
	return newTestEnvOn(t, storetest.New(t), d)
}

// newTestEnvOn is newTestEnv on a given database, for tests that build other services
// (the search index) on the same store.
func newTestEnvOn(t testing.TB, db *store.DB, d api.Deps) *testEnv {
	t.Helper()
	gin.SetMode(gin.TestMode)
	root := t.TempDir()
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	svc := catalog.NewService(testCatalogStore(t, db), []string{root})
	clock := &testClock{}
	authSvc := auth.NewService(auth.Options{Store: db, Directory: svc, Now: clock.Now})
	d.Catalog = svc
	if d.Auth == nil {
		d.Auth = authSvc
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	env := &testEnv{t: t, srv: api.NewServer(d), svc: svc, auth: authSvc, clock: clock, root: root}
	demo := d
	demo.Demo = true
	env.demo = api.NewServer(demo)
	env.tokens = newTestPrincipals(t, authSvc, clock)
	return env
}

// newTestPrincipals adds a user per role, gives each an API token of the widest scope
// its role allows, and makes an expired and a revoked admin token.
func newTestPrincipals(t testing.TB, a *auth.Service, clock *testClock) map[string]string {
	t.Helper()
	ctx := t.Context()
	users := []struct {
		name string
		role auth.Role
	}{{asViewer, auth.RoleViewer}, {asDeveloper, auth.RoleDeveloper}, {asOwner, auth.RoleDeveloper}, {asAdmin, auth.RoleAdmin}}
	scopes := map[auth.Role]auth.Scope{auth.RoleViewer: auth.ScopeRead, auth.RoleDeveloper: auth.ScopeWrite, auth.RoleAdmin: auth.ScopeAdmin}
	tokens := map[string]string{asBad: "np_bm90LWEtdG9rZW4tdGhhdC1hbnlvbmUtaXNzdWVk"}
	for _, u := range users {
		if _, err := a.AddUser(ctx, auth.NewUser{Name: u.name, Role: u.role}); err != nil {
			t.Fatalf("add user %s: %v", u.name, err)
		}
		raw, _, err := a.CreateToken(ctx, u.name, "test", scopes[u.role], 0)
		if err != nil {
			t.Fatalf("token of %s: %v", u.name, err)
		}
		tokens[u.name] = raw
	}
	raw, tok, err := a.CreateToken(ctx, asAdmin, "revoked", auth.ScopeAdmin, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RevokeToken(ctx, auth.System(), tok.ID); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	tokens[asRevoked] = raw
	if tokens[asExpired], _, err = a.CreateToken(ctx, asAdmin, "expires", auth.ScopeAdmin, time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	return tokens
}

// newLoadedEnv is newTestEnv with testdata/catalog copied under the root and registered
// through POST /api/catalog/locations.
func newLoadedEnv(t testing.TB) *testEnv {
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

// do sends one request through the server's ServeHTTP as the admin.
func (e *testEnv) do(method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.doAs(asAdmin, method, path, body)
}

// doAs sends one request as who: a test principal's bearer token, no credentials
// (anonymous), or no credentials to the demo server (guest).
func (e *testEnv) doAs(who, method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	h := http.Handler(e.srv)
	switch who {
	case asAnonymous:
	case asGuest:
		h = e.demo
	default:
		tok, ok := e.tokens[who]
		if !ok {
			e.t.Fatalf("no test principal %q", who)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
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
	return testenv.Dir(t, env, filepath.Join("..", "..", "shared", "data", rel))
}

// recorder serves a prepared request; one without an Authorization header is sent as
// the admin.
func recorder(e *testEnv, req *http.Request) *httptest.ResponseRecorder {
	if req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[asAdmin])
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

// decode requires a 2xx answer and decodes its JSON body into v.
func decode(t testing.TB, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if w.Code < 200 || w.Code > 299 {
		t.Fatalf("status %d, want success; body %s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", w.Body, err)
	}
}

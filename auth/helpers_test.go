package auth_test

import (
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// password is every test user's password.
const password = "correct horse battery"

// clock is a fake clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a Service over a real store with the catalog of testdata/catalog as its Directory.
type env struct {
	svc   *auth.Service
	db    *store.DB
	clock *clock
}

// newTestService returns a Service over a fresh store holding testdata/catalog and the
// users jane (developer), omar (developer), vic (viewer, no catalog user) and ada (admin).
func newTestService(t *testing.T, static ...auth.StaticToken) env {
	t.Helper()
	return newTestServiceWith(t, auth.Options{StaticTokens: static})
}

// newTestServiceWith is newTestService with these options (its store, directory and
// clock replace theirs).
func newTestServiceWith(t *testing.T, o auth.Options) env {
	t.Helper()
	db := storetest.New(t)
	dir, err := filepath.Abs("testdata/catalog")
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewService(db, []string{dir})
	if _, _, err := cat.Import(auth.NewContext(t.Context(), auth.System()), dir); err != nil {
		t.Fatalf("import test catalog: %v", err)
	}
	c := &clock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	o.Store, o.Directory, o.Now = db, cat, c.Now
	svc := auth.NewService(o)
	for _, u := range []auth.NewUser{
		{Name: "jane", Email: "jane@fernway.example", Role: auth.RoleDeveloper, Password: password},
		{Name: "omar", Role: auth.RoleDeveloper, Password: password},
		{Name: "vic", UserRef: "user:default/vic", Role: auth.RoleViewer, Password: password},
		{Name: "ada", UserRef: "ada", Role: auth.RoleAdmin, Password: password},
	} {
		if _, err := svc.AddUser(t.Context(), u); err != nil {
			t.Fatalf("AddUser(%s): %v", u.Name, err)
		}
	}
	return env{svc: svc, db: db, clock: c}
}

// login signs name in with the test password.
func (e env) login(t *testing.T, name string) auth.Principal {
	t.Helper()
	p, err := e.svc.Login(t.Context(), name, password, "192.0.2.1")
	if err != nil {
		t.Fatalf("Login(%s): %v", name, err)
	}
	return p
}

// wantUnauthenticated fails unless err is ErrUnauthenticated with msg in its text.
func wantUnauthenticated(t *testing.T, what string, err error, msg string) {
	t.Helper()
	if !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("%s: error = %v, want ErrUnauthenticated", what, err)
		return
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("%s: error = %q, want it to say %q", what, err, msg)
	}
}

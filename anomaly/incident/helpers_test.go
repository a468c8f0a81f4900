package incident_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// testEnv is a real store with the demo organisation registered and a service over it.
type testEnv struct {
	db   *store.DB
	cat  *catalog.Service
	svc  *incident.Service
	org  string // the extracted demo org folder
	now  time.Time
	opts incident.Options
}

// newTestEnv loads the demo organisation into a fresh store (PostgreSQL when DATABASE_URL
// is set) and returns an incident service over it with a settable clock.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	db := storetest.New(t)
	dir := t.TempDir()
	root, err := demo.Extract(dir)
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewService(db, []string{dir})
	if _, _, err := cat.Import(systemCtx(t), root); err != nil {
		t.Fatalf("import demo org: %v", err)
	}
	env := &testEnv{db: db, cat: cat, org: filepath.Dir(root), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	env.opts = incident.Options{Clock: func() time.Time { return env.now }}
	env.svc = incident.NewService(db, cat, env.opts)
	return env
}

func systemCtx(t *testing.T) context.Context {
	return auth.NewContext(t.Context(), auth.System())
}

// viewerCtx is a signed-in viewer in no group.
func viewerCtx(t *testing.T) context.Context {
	return auth.NewContext(t.Context(), auth.Principal{Kind: auth.KindUser, Subject: "u1", Name: "viewer", Role: auth.RoleViewer})
}

// all lists every incident as the portal.
func (e *testEnv) all(t *testing.T) []incident.Incident {
	t.Helper()
	list, err := e.svc.List(systemCtx(t), incident.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

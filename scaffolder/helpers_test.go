package scaffolder_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/testenv"
	"github.com/nextportal/portal/scaffolder"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// testEnv is a scaffolder over a real store and catalog: templates are registered from
// file locations under root, and publish:git writes under repos.
type testEnv struct {
	db      *store.DB
	catalog *catalog.Service
	svc     *scaffolder.Service
	root    string // a file location root holding test templates
	repos   string
	work    string

	mu     sync.Mutex
	audits []string // action target of each audit event
}

// newTestEnv builds the environment; dataRoots are extra file location roots (the shared
// sample templates).
func newTestEnv(t *testing.T, dataRoots ...string) *testEnv { return newEnv(t, dataRoots...) }

// newBenchEnv is newTestEnv for benchmarks (always SQLite).
func newBenchEnv(b *testing.B) *testEnv { return newEnv(b) }

func newEnv(t testing.TB, dataRoots ...string) *testEnv {
	t.Helper()
	base := t.TempDir()
	e := &testEnv{db: storetest.New(t), root: filepath.Join(base, "templates"), repos: filepath.Join(base, "repos"), work: filepath.Join(base, "work")}
	for _, d := range []string{e.root, e.repos, e.work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	roots := append([]string{e.root, filepath.Join(e.repos, "checkouts")}, dataRoots...)
	e.catalog = catalog.NewService(e.db, roots)
	svc, err := scaffolder.NewService(e.db, e.catalog, scaffolder.Config{
		WorkDir: e.work, ReposDir: e.repos, FileRoots: roots,
		ActionAliases: map[string]string{"publish:github": "publish:git", "publish:gitlab": "publish:git", "publish:bitbucket": "publish:git"},
		MaxEach:       20,
		Logger:        slog.New(slog.DiscardHandler),
		Audit: func(_ context.Context, ev auth.AuditEvent) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.audits = append(e.audits, ev.Action+" "+ev.Actor+" "+ev.Target)
			return nil
		},
	})
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	e.svc = svc
	return e
}

// sharedTemplates is the folder of Backstage's sample templates.
func sharedTemplates(t *testing.T) string {
	return testenv.Dir(t, "PORTAL_BACKSTAGE_TEMPLATES", "../../shared/data/backstage-software-templates")
}

// register adds the file location path to the catalog as the system.
func (e *testEnv) register(t testing.TB, path string) catalog.AddLocationResult {
	t.Helper()
	res, err := e.catalog.AddLocation(auth.NewContext(t.Context(), auth.System()), "file", path, false)
	if err != nil {
		t.Fatalf("register %s: %v", path, err)
	}
	return res
}

// writeTemplate writes files (path → content) under the root in folder dir and registers
// dir/template.yaml.
func (e *testEnv) writeTemplate(t *testing.T, dir string, files map[string]string) {
	e.writeTemplateB(t, dir, files)
}

// writeTemplateB is writeTemplate for any testing.TB.
func (e *testEnv) writeTemplateB(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(e.root, dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.register(t, filepath.Join(e.root, dir, "template.yaml"))
}

// developer is a signed-in developer's context.
func developer(ctx context.Context) context.Context {
	return auth.NewContext(ctx, auth.Principal{Kind: auth.KindUser, Subject: "u1", Name: "jane", UserRef: "user:default/jane", Role: auth.RoleDeveloper})
}

// viewer is a signed-in viewer's context.
func viewer(ctx context.Context) context.Context {
	return auth.NewContext(ctx, auth.Principal{Kind: auth.KindUser, Subject: "u2", Name: "vic", UserRef: "user:default/vic", Role: auth.RoleViewer})
}

// runAll runs open tasks until none is left.
func (e *testEnv) runAll(t *testing.T) {
	t.Helper()
	for {
		ran, err := e.svc.RunNext(t.Context())
		if err != nil {
			t.Fatalf("RunNext: %v", err)
		}
		if !ran {
			return
		}
	}
}

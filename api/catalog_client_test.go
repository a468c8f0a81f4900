package api_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/testenv"
	"github.com/nextportal/portal/store/storetest"
)

// catalogClientDir holds the npm project that pins @backstage/catalog-client, its check script and
// the fixture catalog.
const catalogClientDir = "testdata/catalog-client"

// TestBackstageCatalogClient runs the real @backstage/catalog-client from npm against our
// server: getEntities, getEntityByRef, queryEntities with cursors, getEntitiesByRefs,
// getEntityFacets, addLocation, removeEntityByUid and validateEntity, each with an API
// token passed the client's way, and refused without one (see check.mjs).
func TestBackstageCatalogClient(t *testing.T) {
	node := requireClientNode(t)

	// The fixtures go to a temp root, the only place file locations may point at.
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"catalog", "extra"} {
		copyClientFixtures(t, filepath.Join(catalogClientDir, dir), filepath.Join(root, dir))
	}
	outside := filepath.Join(t.TempDir(), "catalog-info.yaml")
	if err := os.WriteFile(outside, readClientFixture(t, filepath.Join(catalogClientDir, "extra", "catalog-info.yaml")), 0o644); err != nil {
		t.Fatal(err)
	}

	db := storetest.New(t)
	svc := catalog.NewService(testCatalogStore(t, db), []string{root})
	_, applied, err := svc.Import(auth.NewContext(t.Context(), auth.System()), filepath.Join(root, "catalog", "catalog-info.yaml"))
	if err != nil {
		t.Fatalf("import the fixture catalog: %v", err)
	}
	if applied.Added == 0 || len(applied.Conflicts) > 0 {
		t.Fatalf("import the fixture catalog: %+v, want entities added and no conflicts", applied)
	}

	// The client authenticates with an admin's API token, passed as { token } on every call.
	authSvc := auth.NewService(auth.Options{Store: db, Directory: svc})
	if _, err := authSvc.AddUser(t.Context(), auth.NewUser{Name: "client-check", Role: auth.RoleAdmin, ServiceAccount: true}); err != nil {
		t.Fatal(err)
	}
	token, _, err := authSvc.CreateToken(t.Context(), "client-check", "catalog-client", auth.ScopeWrite, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	var logs clientLogBuffer
	srv := httptest.NewServer(api.NewServer(api.Deps{
		Catalog: svc,
		Auth:    authSvc,
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs")
	cmd.Dir = catalogClientDir
	cmd.Env = append(os.Environ(),
		"BASE_URL="+srv.URL,
		"EXTRA_TARGET="+filepath.Join(root, "extra", "catalog-info.yaml"),
		"OUTSIDE_TARGET="+outside,
		"TOKEN="+token,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s\nserver log:\n%s", err, out, logs.String())
	}
	t.Logf("node check.mjs:\n%s", out)
}

// requireClientNode returns the path of node, or skips the test when node or the npm dependencies
// are missing. Under CI=true it fails instead: CI must run this test.
func requireClientNode(t *testing.T) string {
	t.Helper()
	skip := func(format string, args ...any) { testenv.SkipOrFail(t, format, args...) }
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node not found: @backstage/catalog-client check not run")
		return ""
	}
	if _, err := os.Stat(filepath.Join(catalogClientDir, "node_modules", "@backstage", "catalog-client", "package.json")); err != nil {
		skip("%s/node_modules missing (make test runs npm ci there): @backstage/catalog-client check not run", catalogClientDir)
		return ""
	}
	return node
}

// copyClientFixtures copies the regular files under src to dst.
func copyClientFixtures(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s to %s: %v", src, dst, err)
	}
}

func readClientFixture(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// clientLogBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type clientLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *clientLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *clientLogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

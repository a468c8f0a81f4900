package demo_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nextportal/portal/internal/demo"
)

func TestExtractReturnsAbsoluteRoot(t *testing.T) {
	t.Chdir(t.TempDir())
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := demo.Extract("data")
	if err != nil {
		t.Fatalf("Extract(data): %v", err)
	}
	if want := filepath.Join(cwd, "data", "org", "catalog-info.yaml"); root != want {
		t.Errorf("Extract(data) = %q, want %q", root, want)
	}
	if fi, err := os.Stat(root); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("Extract(data): root is not a regular file (err %v)", err)
	}
}

func TestExtractReplaces(t *testing.T) {
	dir := t.TempDir()
	root, err := demo.Extract(dir)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	org := filepath.Dir(root)
	want, err := os.ReadFile(root)
	if err != nil {
		t.Fatal(err)
	}

	// Local changes: an edited file, a stale file and folder the binary no longer has, a
	// folder where the binary has a file, and an untouched file with an old mtime.
	readme := filepath.Join(org, "systems", "payments", "docs", "README.md")
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	mustDo(t, os.WriteFile(root, []byte("edited"), 0o644))
	mustDo(t, os.WriteFile(filepath.Join(org, "stale.yaml"), []byte("kind: Stale"), 0o644))
	mustDo(t, os.MkdirAll(filepath.Join(org, "systems", "gone", "docs"), 0o755))
	domains := filepath.Join(org, "domains", "catalog-info.yaml")
	mustDo(t, os.Remove(domains))
	mustDo(t, os.MkdirAll(filepath.Join(domains, "x"), 0o755))
	mustDo(t, os.Chtimes(readme, old, old))

	if _, err := demo.Extract(dir); err != nil {
		t.Fatalf("Extract again: %v", err)
	}

	if got, _ := os.ReadFile(root); string(got) != string(want) {
		t.Errorf("root after re-extract = %.40q, want the embedded file", got)
	}
	for _, p := range []string{filepath.Join(org, "stale.yaml"), filepath.Join(org, "systems", "gone")} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s still exists after re-extract (err %v)", p, err)
		}
	}
	if fi, err := os.Stat(domains); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("%s is not a regular file after re-extract (err %v)", domains, err)
	}
	if fi, err := os.Stat(readme); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("unchanged %s was rewritten (err %v)", readme, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(org, ".*.tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestExtractRefusesFileAsDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	mustDo(t, os.WriteFile(f, []byte("x"), 0o644))
	if _, err := demo.Extract(f); err == nil {
		t.Errorf("Extract(%s) over a regular file: got nil error, want one", f)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

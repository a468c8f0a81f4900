// Package testenv holds the helpers tests use to find what lives outside the repository
// (shared data sets, a browser, node, PostgreSQL): when it is missing a test skips, except
// under CI=true, where a missing dependency fails the test instead of passing silently.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// CI reports whether the tests run in CI (CI=true), where nothing may skip.
func CI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail skips t with the message, or fails it under CI.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if CI() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// Dir returns the absolute path of a directory the test needs: the value of the
// environment variable env, else def. It skips (fails under CI) when it does not exist.
func Dir(t testing.TB, env, def string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		dir = def
	}
	if _, err := os.Stat(dir); err != nil {
		SkipOrFail(t, "%s not found (set %s): %v", dir, env, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// LookPath returns the first of the programs names that is installed. It skips (fails
// under CI) when none is, saying why the test needs it.
func LookPath(t testing.TB, why string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	SkipOrFail(t, "%s not found: %s", names[0], why)
	return ""
}

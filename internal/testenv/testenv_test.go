package testenv_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/nextportal/portal/internal/testenv"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TESTENV_DIR", dir)
	if got := testenv.Dir(t, "TESTENV_DIR", "/nonexistent"); got != dir {
		t.Errorf("Dir = %q, want %q", got, dir)
	}
	t.Setenv("TESTENV_DIR", "")
	if got := testenv.Dir(t, "TESTENV_DIR", dir); got != dir {
		t.Errorf("Dir with the default = %q, want %q", got, dir)
	}
}

// TestMissingSkipsOrFails runs the helpers on what is missing in a subtest and checks it
// skipped outside CI and failed under it.
func TestMissingSkipsOrFails(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		missing := filepath.Join(t.TempDir(), "absent")
		for name, f := range map[string]func(tb testing.TB){
			"dir":      func(tb testing.TB) { testenv.Dir(tb, "TESTENV_NONE", missing) },
			"lookpath": func(tb testing.TB) { testenv.LookPath(tb, "to test", "no-such-program-xyz") },
		} {
			ft := &fakeT{TB: t}
			done := make(chan struct{})
			go func() { defer close(done); f(ft) }()
			<-done
			if ci == "true" && !ft.failed || ci == "" && !ft.skipped {
				t.Errorf("%s with CI=%q: failed=%v skipped=%v", name, ci, ft.failed, ft.skipped)
			}
		}
	}
}

// fakeT records Fatalf and Skipf and ends its goroutine, as the testing package does.
type fakeT struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Fatalf(string, ...any) { f.failed = true; runtimeGoexit() }
func (f *fakeT) Skipf(string, ...any)  { f.skipped = true; runtimeGoexit() }
func (f *fakeT) Fatal(...any)          { f.failed = true; runtimeGoexit() }

func runtimeGoexit() { runtime.Goexit() }

package deptest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// module is the import path of this module.
const module = "github.com/nextportal/portal"

// pkg is the part of `go list -json` output the tests read.
type pkg struct {
	ImportPath string
	Name       string
	Doc        string
	GoFiles    []string
	Imports    []string // direct imports of the non-test files
	Deps       []string // transitive imports of the non-test files
	Error      *struct{ Err string }
}

// listModule runs `go list -e -deps=false -json` over every package of the module. Packages
// that do not compile are listed too (-e), so a broken package still gets its imports checked.
func listModule(t *testing.T) []pkg {
	t.Helper()
	if testing.Short() {
		t.Skip("go list over the module: skipped in -short mode")
	}
	cmd := exec.CommandContext(t.Context(), "go", "list", "-e", "-json=ImportPath,Name,Doc,GoFiles,Imports,Deps,Error", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s/...: %v\n%s", module, err, stderr.Bytes())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %s/... listed no packages", module)
	}
	statSources(t)
	return pkgs
}

// statSources stats go.mod and every Go file of the module and reads every directory. go test
// caches a result keyed on the files and directories a test opened or stat'ed; `go list` runs in
// a child process it cannot see, so without this a cached pass would hide a new bad import.
func statSources(t *testing.T) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if _, err := os.Stat(gomod); err != nil {
		t.Fatalf("find the module's go.mod: %v", err)
	}
	err = filepath.WalkDir(filepath.Dir(gomod), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", ".data", "bin":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk the module: %v", err)
	}
}

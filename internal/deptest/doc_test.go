package deptest_test

import (
	"strings"
	"testing"
)

// TestPackageDocs checks that every package of the module has a package doc comment, and that
// a library's starts with "Package <name> " (commands may start with their own name).
func TestPackageDocs(t *testing.T) {
	for _, p := range listModule(t) {
		if len(p.GoFiles) == 0 {
			continue // test files only, or nothing that builds yet
		}
		switch {
		case p.Doc == "":
			t.Errorf("%s: no package doc comment (add one, in doc.go when it needs a paragraph)", p.ImportPath)
		case p.Name != "main" && !strings.HasPrefix(p.Doc, "Package "+p.Name+" "):
			t.Errorf("%s: package doc %q does not start with %q", p.ImportPath, p.Doc, "Package "+p.Name+" ")
		}
	}
}

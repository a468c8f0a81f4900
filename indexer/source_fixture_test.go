package indexer_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// secretMarker is in a markdown file outside the file location roots; no document may
// ever hold it.
const secretMarker = "outside-the-roots-7f3a"

// sourceFixture is the demo organisation plus testdata/sources/extra imported into a real
// catalog.
type sourceFixture struct {
	cat     *catalog.Service
	inside  string // the only file location root: in/org (the demo) and in/extra
	outside string // the folder above the root, with docs/secret.md
}

// newSourceFixture extracts the demo organisation and the extra entities under one root,
// writes a docs folder above the root (where the escaper component's dir:../.. points),
// and imports both catalog files into a catalog over storetest.New(t).
func newSourceFixture(t *testing.T) sourceFixture {
	t.Helper()
	tmp := t.TempDir()
	inside := filepath.Join(tmp, "in")
	root, err := demo.Extract(inside)
	if err != nil {
		t.Fatalf("demo.Extract: %v", err)
	}
	extra := filepath.Join(inside, "extra")
	if err := os.CopyFS(extra, os.DirFS(filepath.Join("testdata", "sources", "extra"))); err != nil {
		t.Fatalf("copy extra entities: %v", err)
	}
	writeFile(t, filepath.Join(tmp, "docs", "secret.md"), "# Secret\n\n"+secretMarker+"\n")

	cat := catalog.NewService(storetest.New(t), []string{inside})
	ctx := auth.NewContext(t.Context(), auth.System())
	for _, p := range []string{root, filepath.Join(extra, "catalog-info.yaml")} {
		_, applied, err := cat.Import(ctx, p)
		if err != nil {
			var verr *catalog.ValidationError
			if errors.As(err, &verr) {
				for _, p := range verr.Problems {
					t.Errorf("problem: %s", p)
				}
			}
			t.Fatalf("Import(%s): %v", p, err)
		}
		if len(applied.Conflicts) > 0 {
			t.Fatalf("Import(%s) conflicts: %v", p, applied.Conflicts)
		}
	}
	return sourceFixture{cat: cat, inside: inside, outside: tmp}
}

// collect runs src and returns its documents by ID, failing on an error or a repeated ID.
func collect(t *testing.T, src indexer.Source) map[string]indexer.Document {
	t.Helper()
	out := map[string]indexer.Document{}
	err := src.Documents(t.Context(), func(d indexer.Document) error {
		if _, dup := out[d.ID]; dup {
			t.Errorf("%s yielded %s twice", src.Name(), d.ID)
		}
		if d.Source != src.Name() {
			t.Errorf("%s: Source = %q, want %q", d.ID, d.Source, src.Name())
		}
		out[d.ID] = d
		return nil
	})
	if err != nil {
		t.Fatalf("%s.Documents: %v", src.Name(), err)
	}
	return out
}

// writeFile writes text to p, creating its folder.
func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

package indexer_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

func TestTechDocsSource(t *testing.T) {
	fx := newSourceFixture(t)
	guide := filepath.Join(fx.inside, "extra", "handbook", "guide")
	// What the walk must leave out: a hidden folder, a file over 1 MiB and a symlink that
	// leaves the docs folder; a symlink that stays inside it is read.
	writeFile(t, filepath.Join(guide, ".drafts", "wip.md"), "# Draft\n")
	writeFile(t, filepath.Join(guide, "big.md"), "# Big\n\n"+strings.Repeat("a", 1<<20))
	if err := os.Symlink(filepath.Join(fx.outside, "docs", "secret.md"), filepath.Join(guide, "leak.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("index.md", filepath.Join(guide, "alias.md")); err != nil {
		t.Fatal(err)
	}
	entities := collect(t, indexer.NewCatalogSource(fx.cat))
	// The demo's top-level postmortems folder belongs to no entity: it holds past
	// incidents, indexed by the incidents source, not TechDocs.
	demoFiles := slices.DeleteFunc(markdownFiles(t, filepath.Join(fx.inside, "org")), func(p string) bool {
		return strings.HasPrefix(p, filepath.Join(fx.inside, "org", "postmortems")+string(filepath.Separator))
	})
	// The entities of testdata/sources/extra with docs; every other doc is the demo's.
	extraEntities := map[string]bool{
		"component:default/vault-broker": true,
		"component:default/handbook":     true,
		"component:default/escaper":      true,
	}

	tests := []struct {
		name  string
		roots []string
		// escaped is whether the escaper's docs above the roots are read.
		escaped bool
	}{
		{name: "confined to the roots", roots: []string{fx.inside}},
		{name: "nil roots check nothing", roots: nil, escaped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := indexer.NewTechDocsSource(fx.cat, tt.roots)
			if got := src.Name(); got != "techdocs" {
				t.Errorf("Name() = %q, want techdocs", got)
			}
			docs := collect(t, src)
			fromDemo := 0
			for id, d := range docs {
				e, ok := entities["entity:"+d.EntityRef]
				if !ok {
					t.Errorf("%s: no entity document for %q", id, d.EntityRef)
					continue
				}
				if !extraEntities[d.EntityRef] {
					fromDemo++
				}
				if d.Kind != indexer.KindDoc || d.UpdatedAt.IsZero() || d.Title == "" {
					t.Errorf("%s: Kind %q, UpdatedAt %v, Title %q", id, d.Kind, d.UpdatedAt, d.Title)
				}
				if diff := cmp.Diff(e.Fields, d.Fields); diff != "" {
					t.Errorf("%s: Fields differ from its entity's (-entity +doc):\n%s", id, diff)
				}
				if d.Visibility != e.Visibility || !cmp.Equal(d.Allowed, e.Allowed) {
					t.Errorf("%s: Visibility, Allowed = %s, %v, want the entity's %s, %v", id, d.Visibility, d.Allowed, e.Visibility, e.Allowed)
				}
				if !tt.escaped && strings.Contains(d.Text, secretMarker) {
					t.Errorf("%s holds text from outside the roots", id)
				}
			}
			if fromDemo != len(demoFiles) {
				t.Errorf("%d documents from the demo, want one per markdown file: %d", fromDemo, len(demoFiles))
			}

			want := map[string]struct{ title, url string }{
				"doc:component:default/ledger-posting-consumer:docs/runbook.md": {"ledger-posting-consumer runbook", "/docs/default/component/ledger-posting-consumer/docs/runbook.md"},
				"doc:group:default/payments-team:docs/README.md":                {"", "/docs/default/group/payments-team/docs/README.md"},
				"doc:system:default/payments:docs/README.md":                    {"", "/docs/default/system/payments/docs/README.md"},
				"doc:component:default/vault-broker:docs/README.md":             {"Vault broker", "/docs/default/component/vault-broker/docs/README.md"},
				"doc:component:default/vault-broker:docs/ops/rotation.markdown": {"rotation", "/docs/default/component/vault-broker/docs/ops/rotation.markdown"},
				"doc:component:default/handbook:guide/index.md":                 {"Engineering handbook", "/docs/default/component/handbook/guide/index.md"},
				"doc:component:default/handbook:guide/alias.md":                 {"Engineering handbook", "/docs/default/component/handbook/guide/alias.md"},
				"doc:component:default/handbook:guide/sub/setup.md":             {"setup", "/docs/default/component/handbook/guide/sub/setup.md"},
			}
			for id, w := range want {
				d, ok := docs[id]
				switch {
				case !ok:
					t.Errorf("no document %s", id)
				case d.URL != w.url || (w.title != "" && d.Title != w.title):
					t.Errorf("%s: Title, URL = %q, %q, want %q, %q", id, d.Title, d.URL, w.title, w.url)
				}
			}
			for _, id := range []string{
				"doc:component:default/handbook:docs/ignored.md",
				"doc:component:default/handbook:guide/.drafts/wip.md",
				"doc:component:default/handbook:guide/big.md",
				"doc:component:default/handbook:guide/leak.md",
			} {
				if _, ok := docs[id]; ok {
					t.Errorf("document %s was read", id)
				}
			}
			escaper := "doc:component:default/escaper:docs/secret.md"
			if _, ok := docs[escaper]; ok != tt.escaped {
				t.Errorf("document %s present = %v, want %v", escaper, ok, tt.escaped)
			}
			if n := len(docs) - fromDemo; n != 5+boolInt(tt.escaped) {
				t.Errorf("%d documents from the extra entities, want %d", n, 5+boolInt(tt.escaped))
			}
			if d := docs["doc:component:default/vault-broker:docs/README.md"]; d.Visibility != auth.VisibilityRestricted {
				t.Errorf("vault-broker README visibility = %s, want restricted", d.Visibility)
			}
		})
	}
}

// markdownFiles lists the markdown files under dir.
func markdownFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

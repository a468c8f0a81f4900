package indexer_test

import (
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

func TestDirSource(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "handbook")
	writeFile(t, filepath.Join(dir, "index.md"), "# Engineering handbook\n\nHow we work.\n")
	writeFile(t, filepath.Join(dir, "on call", "pager duty.markdown"), "Paging rules, no heading.\n")
	writeFile(t, filepath.Join(dir, ".git", "notes.md"), "# Hidden\n")
	writeFile(t, filepath.Join(dir, "image.png"), "not markdown")

	src := indexer.NewDirSource("handbook", dir)
	if got := src.Name(); got != "docs:handbook" {
		t.Errorf("Name() = %q, want docs:handbook", got)
	}
	docs := collect(t, src)
	tests := []struct {
		id, title, url string
	}{
		{"doc:dir:handbook:index.md", "Engineering handbook", "/docs/dir/handbook/index.md"},
		{"doc:dir:handbook:on call/pager duty.markdown", "pager duty", "/docs/dir/handbook/on%20call/pager%20duty.markdown"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, ok := docs[tt.id]
			if !ok {
				t.Fatalf("no document %s among %v", tt.id, keys(docs))
			}
			if d.Title != tt.title || d.URL != tt.url {
				t.Errorf("Title, URL = %q, %q, want %q, %q", d.Title, d.URL, tt.title, tt.url)
			}
			if d.Kind != indexer.KindDoc || d.EntityRef != "" || d.Visibility != auth.VisibilityInternal || d.Allowed != nil || d.UpdatedAt.IsZero() {
				t.Errorf("Kind %q, EntityRef %q, Visibility %q, Allowed %v, UpdatedAt %v: want an internal doc with no entity and a mtime",
					d.Kind, d.EntityRef, d.Visibility, d.Allowed, d.UpdatedAt)
			}
		})
	}
	if len(docs) != len(tests) {
		t.Errorf("documents = %v, want %d", keys(docs), len(tests))
	}

	missing := indexer.NewDirSource("gone", filepath.Join(dir, "nope"))
	if err := missing.Documents(t.Context(), func(indexer.Document) error { return nil }); err == nil {
		t.Error("Documents of a missing folder: no error")
	}
}

// keys returns the IDs of docs, sorted.
func keys(docs map[string]indexer.Document) []string {
	return slices.Sorted(maps.Keys(docs))
}

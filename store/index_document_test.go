package store_test

import (
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store/storetest"
)

// TestDocument reads one document with its text, and finds neither a missing nor a deleted
// one, on the engine storetest.New picks.
func TestDocument(t *testing.T) {
	db := storetest.New(t)
	ctx := t.Context()
	d := indexer.Document{ID: "doc:dir:h:a.md", Kind: indexer.KindDoc, Source: "docs:h", Title: "A",
		Text: "# A\n\nBody ünïcode.", URL: "/docs/dir/h/a.md", Fields: map[string][]string{"tags": {"x"}},
		Visibility: auth.VisibilityRestricted, Allowed: []string{"group:default/a"}, Hash: "h1"}
	if err := db.PutDocument(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.Document(ctx, d.ID)
	if err != nil || !ok {
		t.Fatalf("Document(%s) = %v, %v", d.ID, ok, err)
	}
	if got.Text != d.Text || got.Title != d.Title || got.Visibility != d.Visibility || len(got.Allowed) != 1 || got.Fields["tags"][0] != "x" {
		t.Errorf("Document(%s) = %+v, want %+v", d.ID, got, d)
	}
	if _, ok, err := db.Document(ctx, "doc:dir:h:missing.md"); ok || err != nil {
		t.Errorf("Document(missing) = %v, %v; want not found", ok, err)
	}
	if err := db.DeleteDocuments(ctx, []string{d.ID}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Document(ctx, d.ID); ok || err != nil {
		t.Errorf("Document(deleted) = %v, %v; want not found", ok, err)
	}
}

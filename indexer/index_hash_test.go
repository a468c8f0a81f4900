package indexer_test

import (
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
)

func hashBaseDoc() indexer.Document {
	return indexer.Document{
		ID: "doc:component:default/ledger:docs/runbook.md", Kind: indexer.KindDoc, Source: "techdocs",
		EntityRef: "component:default/ledger", Title: "Runbook", Text: "# Rotate\n\nRotate the key.",
		URL:        "/docs/default/component/ledger/docs/runbook.md",
		Fields:     map[string][]string{indexer.FieldKind: {"component"}, indexer.FieldTags: {"go", "money"}},
		Visibility: auth.VisibilityRestricted, Allowed: []string{"group:default/payments", "group:default/sre"},
		UpdatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func TestHashDocument(t *testing.T) {
	base := indexer.HashDocument(hashBaseDoc())
	if len(base) != 64 {
		t.Fatalf("HashDocument = %q, want 64 hex digits", base)
	}
	for _, tt := range []struct {
		name string
		edit func(d *indexer.Document)
		same bool
	}{
		{"UpdatedAt ignored", func(d *indexer.Document) { d.UpdatedAt = d.UpdatedAt.Add(time.Hour) }, true},
		{"Hash ignored", func(d *indexer.Document) { d.Hash = "x" }, true},
		{"tag order ignored", func(d *indexer.Document) { d.Fields[indexer.FieldTags] = []string{"money", "go"} }, true},
		{"allowed order ignored", func(d *indexer.Document) { d.Allowed = []string{"group:default/sre", "group:default/payments"} }, true},
		{"empty field same as none", func(d *indexer.Document) { d.Fields[indexer.FieldOwner] = nil }, true},
		{"ID", func(d *indexer.Document) { d.ID += "x" }, false},
		{"Kind", func(d *indexer.Document) { d.Kind = indexer.KindEntity }, false},
		{"Source", func(d *indexer.Document) { d.Source = "docs" }, false},
		{"EntityRef", func(d *indexer.Document) { d.EntityRef = "" }, false},
		{"Title", func(d *indexer.Document) { d.Title = "Runbook 2" }, false},
		{"Text", func(d *indexer.Document) { d.Text += " Then restart." }, false},
		{"URL", func(d *indexer.Document) { d.URL += "#x" }, false},
		{"field value", func(d *indexer.Document) { d.Fields[indexer.FieldKind] = []string{"api"} }, false},
		{"field added", func(d *indexer.Document) { d.Fields[indexer.FieldLifecycle] = []string{"production"} }, false},
		{"field key renamed", func(d *indexer.Document) {
			d.Fields[indexer.FieldType] = d.Fields[indexer.FieldKind]
			delete(d.Fields, indexer.FieldKind)
		}, false},
		{"Visibility", func(d *indexer.Document) { d.Visibility = auth.VisibilityPublic }, false},
		{"Allowed", func(d *indexer.Document) { d.Allowed = d.Allowed[:1] }, false},
		{"text moved across the title boundary", func(d *indexer.Document) {
			d.Title, d.Text = "Runbook#", " Rotate\n\nRotate the key."
		}, false},
		{"value moved between tags", func(d *indexer.Document) { d.Fields[indexer.FieldTags] = []string{"gomoney"} }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := hashBaseDoc()
			tt.edit(&d)
			got := indexer.HashDocument(d)
			if (got == base) != tt.same {
				t.Errorf("hash after edit = %s, base %s; want equal: %v", got, base, tt.same)
			}
		})
	}
}

// HashDocument must not sort the caller's slices in place.
func TestHashDocumentLeavesInputAlone(t *testing.T) {
	d := hashBaseDoc()
	d.Fields[indexer.FieldTags] = []string{"zeta", "alpha"}
	d.Allowed = []string{"group:default/z", "group:default/a"}
	indexer.HashDocument(d)
	if d.Fields[indexer.FieldTags][0] != "zeta" || d.Allowed[0] != "group:default/z" {
		t.Errorf("HashDocument reordered its input: tags %v, allowed %v", d.Fields[indexer.FieldTags], d.Allowed)
	}
}

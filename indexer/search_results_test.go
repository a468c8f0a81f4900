package indexer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/auth"
)

func TestCountFacets(t *testing.T) {
	docs := []Document{
		{ID: "a", Source: "catalog", Fields: map[string][]string{FieldKind: {"component"}, FieldTags: {"go", "payments", "go"}}},
		{ID: "b", Source: "techdocs", Fields: map[string][]string{FieldKind: {"component"}, FieldTags: {"payments"}}},
		{ID: "c", Source: "catalog", Fields: map[string][]string{FieldKind: {"api"}, FieldTags: {"payments", "rest"}}},
		{ID: "d", Source: "catalog", Fields: map[string][]string{FieldKind: {"group"}}},
	}
	got := countFacets([]string{FieldTags, FieldKind, FieldSource, FieldLifecycle}, docs)
	want := map[string][]FacetCount{
		// a document with a tag twice counts once; ties sort by value
		FieldTags:      {{"payments", 3}, {"go", 1}, {"rest", 1}},
		FieldKind:      {{"component", 2}, {"api", 1}, {"group", 1}},
		FieldSource:    {{"catalog", 3}, {"techdocs", 1}},
		FieldLifecycle: {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("countFacets mismatch (-want +got):\n%s", diff)
	}
	if got := countFacets(nil, docs); got != nil {
		t.Errorf("countFacets(no fields) = %v, want nil", got)
	}
}

func TestVisibleDocs(t *testing.T) {
	stored := map[string]Document{
		"pub":   {ID: "pub", Visibility: auth.VisibilityPublic, Fields: map[string][]string{FieldKind: {"api"}}},
		"int":   {ID: "int", Visibility: auth.VisibilityInternal, Fields: map[string][]string{FieldKind: {"component"}}},
		"mine":  {ID: "mine", Visibility: auth.VisibilityRestricted, Allowed: []string{"group:default/team-a"}, Fields: map[string][]string{FieldKind: {"component"}}},
		"other": {ID: "other", Visibility: auth.VisibilityRestricted, Allowed: []string{"group:default/team-b"}, Fields: map[string][]string{FieldKind: {"component"}}},
	}
	ranked := []ChunkHit{hit("other#0", 5), hit("gone#0", 4), hit("mine#0", 3), hit("int#0", 2), hit("pub#0", 1)}
	tests := []struct {
		name       string
		aud        Audience
		filters    Filters
		want       []string
		wantLeaked int
	}{
		{"admin", Audience{All: true}, nil, []string{"other", "mine", "int", "pub"}, 0},
		{"member of team a", Audience{Refs: []string{"user:default/ann", "group:default/team-a"}}, nil, []string{"mine", "int", "pub"}, 1},
		{"anonymous", Audience{PublicOnly: true}, nil, []string{"pub"}, 3},
		{"filtered", Audience{All: true}, Filters{FieldKind: {"api"}}, []string{"pub"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, docs, leaked := visibleDocs(ranked, stored, tt.aud, tt.filters)
			var got, gotDocs []string
			for i, h := range hits {
				got = append(got, h.DocID)
				gotDocs = append(gotDocs, docs[i].ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || leaked != tt.wantLeaked {
				t.Errorf("visibleDocs: leaked %d, want %d; hits (-want +got):\n%s", leaked, tt.wantLeaked, diff)
			}
			if diff := cmp.Diff(got, gotDocs); diff != "" {
				t.Errorf("visibleDocs: documents out of step with hits:\n%s", diff)
			}
		})
	}
}

func TestNewResult(t *testing.T) {
	doc := Document{ID: "doc:component:default/ledger:docs/runbook.md", Kind: KindDoc, Source: "techdocs",
		EntityRef: "component:default/ledger", Title: "Ledger runbook", URL: "/docs/default/component/ledger/docs/runbook.md",
		Fields: map[string][]string{FieldKind: {"component"}}}
	chunk := StoredChunk{ID: doc.ID + "#2", Anchor: "rotate-credentials", Heading: "Runbook > Rotate credentials",
		Text: "Runbook > Rotate credentials\n\nRotate the database credentials every quarter."}
	got := newResult(ChunkHit{ChunkID: chunk.ID, DocID: doc.ID, Score: 0.75}, doc, chunk, queryTerms("rotate credentials"))
	want := Result{
		DocID: doc.ID, ChunkID: chunk.ID, Kind: KindDoc, Source: "techdocs", EntityRef: "component:default/ledger",
		Title: "Ledger runbook", URL: "/docs/default/component/ledger/docs/runbook.md#rotate-credentials",
		Anchor: "rotate-credentials", Heading: "Runbook > Rotate credentials", Fields: doc.Fields, Score: 0.75,
		Snippet:    "Rotate the database credentials every quarter.",
		Highlights: [][2]int{{0, 6}, {20, 31}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("newResult mismatch (-want +got):\n%s", diff)
	}

	entity := Document{ID: "entity:component:default/ledger", Kind: KindEntity, URL: "/catalog/default/component/ledger"}
	got = newResult(ChunkHit{ChunkID: entity.ID + "#0", DocID: entity.ID}, entity,
		StoredChunk{Anchor: "overview", Heading: "Overview", Text: "Overview\n\n"}, nil)
	if got.URL != entity.URL || got.Snippet != "Overview" {
		t.Errorf("entity result URL %q, snippet %q; want %q without anchor and the whole text of a body-less chunk", got.URL, got.Snippet, entity.URL)
	}
}

package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nextportal/portal/catalog"
)

func testReads(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const root = "location:default/generated-root"
	fx := fixture()
	for i := range fx {
		fx[i].Parent = root
	}
	// Relation rows repeat when two fields yield the same edge; reads deduplicate them.
	fx[0].Relations = append(fx[0].Relations, fx[0].Relations...)
	fx = append(fx, Process(Entity("Location", "generated-root", Spec{"type": "file", "target": "/srv/catalog"})))
	seed(t, s, "/srv/catalog", fx)

	byRef := mustGet(t, s, fixtureRefs[0])
	wantRels := []catalog.Relation{{Type: "dependsOn", TargetRef: "resource:default/ledger-db"}, {Type: "ownedBy", TargetRef: "group:default/team-a"}}
	if diff := cmp.Diff(wantRels, byRef.Relations); diff != "" {
		t.Errorf("EntityByRef relations (-want +got):\n%s", diff)
	}
	byUID, err := s.EntityByUID(ctx, byRef.Metadata.UID)
	if err != nil {
		t.Fatalf("EntityByUID: %v", err)
	}
	if diff := cmp.Diff(byRef, byUID); diff != "" {
		t.Errorf("EntityByUID differs from EntityByRef (-ref +uid):\n%s", diff)
	}
	wantTeamA := []catalog.Relation{{Type: "ownerOf", TargetRef: "api:default/payments-http"},
		{Type: "ownerOf", TargetRef: "component:default/payments-api"}, {Type: "ownerOf", TargetRef: "component:default/web-site"}}
	if diff := cmp.Diff(wantTeamA, mustGet(t, s, "group:default/team-a").Relations); diff != "" {
		t.Errorf("relations stored by other entities (-want +got):\n%s", diff)
	}
	_, err = s.EntityByRef(ctx, "component:default/nope")
	wantErr(t, "EntityByRef(unknown)", err, catalog.ErrNotFound)
	_, err = s.EntityByUID(ctx, "00000000-0000-0000-0000-000000000000")
	wantErr(t, "EntityByUID(unknown)", err, catalog.ErrNotFound)

	refs := []string{"group:default/team-b", "component:default/nope", fixtureRefs[0], "user:default/alice"}
	got, err := s.EntitiesByRefs(ctx, refs, catalog.Filter{})
	if err != nil {
		t.Fatalf("EntitiesByRefs: %v", err)
	}
	if len(got) != len(refs) || got[1] != nil || got[0] == nil || got[2] == nil || got[3] == nil {
		t.Fatalf("EntitiesByRefs(%v) = %v, want entities at 0, 2, 3 and nil at 1", refs, got)
	}
	for i, r := range refs {
		if got[i] != nil && got[i].Ref().String() != r {
			t.Errorf("EntitiesByRefs[%d] = %s, want %s", i, got[i].Ref(), r)
		}
	}
	if diff := cmp.Diff(byRef, *got[2]); diff != "" {
		t.Errorf("EntitiesByRefs entity differs from EntityByRef (-ref +refs):\n%s", diff)
	}
	got, err = s.EntitiesByRefs(ctx, refs, leaf("kind", "component", "user"))
	if err != nil {
		t.Fatalf("EntitiesByRefs with filter: %v", err)
	}
	if got[0] != nil || got[1] != nil || got[2] == nil || got[3] == nil {
		t.Errorf("EntitiesByRefs with kind filter = %v, want nil, nil, entity, entity", got)
	}
	if got, err := s.EntitiesByRefs(ctx, nil, catalog.Filter{}); err != nil || len(got) != 0 {
		t.Errorf("EntitiesByRefs(nil) = %v, %v; want empty", got, err)
	}

	exist, err := s.ExistingRefs(ctx, refs, catalog.Filter{})
	if err != nil {
		t.Fatalf("ExistingRefs: %v", err)
	}
	wantExist := map[string]bool{refs[0]: true, refs[1]: false, refs[2]: true, refs[3]: true}
	for r, want := range wantExist {
		if exist[r] != want {
			t.Errorf("ExistingRefs[%s] = %v, want %v", r, exist[r], want)
		}
	}
	// With a filter, only matching entities count; a negation excludes.
	for _, f := range []catalog.Filter{leaf("kind", "component", "user"), {Not: &catalog.Filter{Key: "kind", Values: []string{refKind(refs[0])}}}} {
		exist, err := s.ExistingRefs(ctx, refs, f)
		if err != nil {
			t.Fatalf("ExistingRefs with filter: %v", err)
		}
		got, _ := s.EntitiesByRefs(ctx, refs, f)
		for i, r := range refs {
			if exist[r] != (got[i] != nil) {
				t.Errorf("ExistingRefs(%v)[%s] = %v, but EntitiesByRefs found %v", f, r, exist[r], got[i] != nil)
			}
		}
	}

	for typ, want := range map[string][]string{
		"ownerOf": {"api:default/payments-http", "component:default/orders", "component:default/payments-api",
			"component:default/web-site", "component:other/legacy_thing", "resource:default/ledger-db"},
		"DEPENDSON": {"resource:default/ledger-db"},
		"noSuch":    nil,
	} {
		got, err := s.RelationTargets(ctx, typ)
		if err != nil {
			t.Fatalf("RelationTargets(%s): %v", typ, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("RelationTargets(%s) (-want +got):\n%s", typ, diff)
		}
	}

	for ref, want := range map[string]string{fixtureRefs[0]: root, root: ""} {
		if got, err := s.ParentRef(ctx, ref); err != nil || got != want {
			t.Errorf("ParentRef(%s) = %q, %v; want %q", ref, got, err, want)
		}
	}
	_, err = s.ParentRef(ctx, "component:default/nope")
	wantErr(t, "ParentRef(unknown)", err, catalog.ErrNotFound)
}

func testFilters(t *testing.T, s catalog.Store) {
	seed(t, s, "/srv/catalog", fixture())
	teamA := leaf("relations.ownedBy", "group:default/team-a")
	tests := []struct {
		name   string
		filter catalog.Filter
		text   *catalog.FullText
		want   []string
	}{
		{"zero filter matches all", catalog.Filter{}, nil, fixtureRefs},
		{"kind", leaf("kind", "component"), nil, fixtureRefs[:4]},
		{"values and keys are case-insensitive", leaf("KIND", "Component"), nil, fixtureRefs[:4]},
		{"several values", leaf("spec.type", "website", "openapi"), nil, []string{"component:default/web-site", "api:default/payments-http"}},
		{"key exists", leaf("metadata.title"), nil, []string{fixtureRefs[0], "component:other/legacy_thing"}},
		{"annotation", leaf("metadata.annotations.backstage.io/techdocs-ref", "dir:."), nil, fixtureRefs[:1]},
		{"tag row", leaf("metadata.tags", "java"), nil, fixtureRefs[:1]},
		{"tag existence", leaf("metadata.tags.kafka"), nil, []string{"component:default/orders"}},
		{"namespace", leaf("metadata.namespace", "other"), nil, []string{"component:other/legacy_thing"}},
		{"no match", leaf("kind", "template"), nil, nil},
		{"unknown key", leaf("spec.nothing"), nil, nil},
		{"allOf", catalog.Filter{AllOf: []catalog.Filter{leaf("kind", "component"), leaf("spec.lifecycle", "production")}}, nil,
			[]string{fixtureRefs[0], "component:default/web-site"}},
		{"anyOf", catalog.Filter{AnyOf: []catalog.Filter{leaf("kind", "api"), leaf("kind", "user")}}, nil,
			[]string{"api:default/payments-http", "user:default/alice"}},
		{"not", catalog.Filter{Not: &catalog.Filter{Key: "spec.type"}}, nil, []string{"user:default/alice"}},
		{"relation with target", teamA, nil, []string{fixtureRefs[0], "component:default/web-site", "api:default/payments-http"}},
		{"relation type is case-insensitive", leaf("relations.OWNEDBY", "Group:Default/Team-A"), nil,
			[]string{fixtureRefs[0], "component:default/web-site", "api:default/payments-http"}},
		{"relation exists", leaf("relations.dependsOn"), nil, fixtureRefs[:1]},
		{"reverse relation", leaf("relations.ownerOf", "component:default/orders"), nil, []string{"group:default/team-b"}},
		{"not relation", catalog.Filter{AllOf: []catalog.Filter{leaf("kind", "component"), {Not: &teamA}}}, nil,
			[]string{"component:default/orders", "component:other/legacy_thing"}},
		{"nested", catalog.Filter{AllOf: []catalog.Filter{leaf("kind", "component"),
			{Not: &catalog.Filter{AnyOf: []catalog.Filter{leaf("spec.type", "website"), leaf("metadata.namespace", "other")}}}}}, nil,
			[]string{fixtureRefs[0], "component:default/orders"}},
		{"not of zero filter matches nothing", catalog.Filter{Not: &catalog.Filter{}}, nil, nil},
		{"full text on default fields", catalog.Filter{}, &catalog.FullText{Term: "PAY"}, []string{fixtureRefs[0], "api:default/payments-http"}},
		{"full text escapes %", catalog.Filter{}, &catalog.FullText{Term: "100%"}, []string{"component:other/legacy_thing"}},
		{"full text escapes _", catalog.Filter{}, &catalog.FullText{Term: "_"}, []string{"component:other/legacy_thing"}},
		{"full text on given fields", catalog.Filter{}, &catalog.FullText{Term: "web", Fields: []string{"spec.type"}}, []string{"component:default/web-site"}},
		{"full text and filter", leaf("kind", "api"), &catalog.FullText{Term: "pay"}, []string{"api:default/payments-http"}},
		{"blank full text", catalog.Filter{}, &catalog.FullText{Term: " "}, fixtureRefs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := queryRefs(t, s, catalog.Query{Filter: tt.filter, FullText: tt.text})
			if diff := cmp.Diff(sorted(tt.want), sorted(got), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("QueryEntities(%+v) (-want +got):\n%s", tt.filter, diff)
			}
			if page.Total != len(tt.want) || page.HasMore {
				t.Errorf("Total = %d, HasMore = %v; want %d, false", page.Total, page.HasMore, len(tt.want))
			}
			if tt.text != nil {
				return
			}
			byRefs, err := s.EntitiesByRefs(t.Context(), fixtureRefs, tt.filter)
			if err != nil {
				t.Fatalf("EntitiesByRefs: %v", err)
			}
			var matched []string
			for _, e := range byRefs {
				if e != nil {
					matched = append(matched, e.Ref().String())
				}
			}
			if diff := cmp.Diff(sorted(tt.want), sorted(matched), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("EntitiesByRefs with filter (-want +got):\n%s", diff)
			}
		})
	}
	bad := []catalog.Filter{
		{Key: "kind", AllOf: []catalog.Filter{leaf("kind")}},
		{AllOf: []catalog.Filter{{Key: " "}}},
		leaf("relations."),
	}
	for _, f := range bad {
		_, err := s.QueryEntities(t.Context(), catalog.Query{Filter: f})
		wantErr(t, "QueryEntities(malformed filter)", err, catalog.ErrInvalid)
	}
}

func testOrder(t *testing.T, s catalog.Store) {
	seed(t, s, "/srv/catalog", fixture())
	byName := []string{"user:default/alice", "resource:default/ledger-db", "component:other/legacy_thing", "component:default/orders",
		"component:default/payments-api", "api:default/payments-http", "group:default/team-a", "group:default/team-b", "component:default/web-site"}
	tests := []struct {
		name   string
		filter catalog.Filter
		order  []catalog.Order
		want   []string
	}{
		{"name ascending", catalog.Filter{}, []catalog.Order{{Field: "metadata.name"}}, byName},
		{"name descending", catalog.Filter{}, []catalog.Order{{Field: "Metadata.Name", Desc: true}}, reversed(byName)},
		{"missing values last ascending", leaf("kind", "user", "api", "resource"), []catalog.Order{{Field: "spec.type"}},
			[]string{"resource:default/ledger-db", "api:default/payments-http", "user:default/alice"}},
		{"missing values last descending", leaf("kind", "user", "api", "resource"), []catalog.Order{{Field: "spec.type", Desc: true}},
			[]string{"api:default/payments-http", "resource:default/ledger-db", "user:default/alice"}},
		{"two fields", leaf("kind", "component"), []catalog.Order{{Field: "spec.type", Desc: true}, {Field: "metadata.name"}},
			[]string{"component:default/web-site", "component:other/legacy_thing", "component:default/orders", "component:default/payments-api"}},
		{"smallest of several values", leaf("metadata.tags"), []catalog.Order{{Field: "metadata.tags"}},
			[]string{"component:default/payments-api", "component:default/orders"}}, // java < kafka < payments
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := queryRefs(t, s, catalog.Query{Filter: tt.filter, OrderBy: tt.order})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			for i, p := range page.Positions {
				e := page.Entities[i]
				if p.UID != e.Metadata.UID || len(p.Values) != len(tt.order) {
					t.Fatalf("Positions[%d] = %+v, want uid %s and %d values", i, p, e.Metadata.UID, len(tt.order))
				}
				if tt.order[0].Field == "metadata.name" && (p.Values[0] == nil || *p.Values[0] != *lower(e.Metadata.Name)) {
					t.Errorf("Positions[%d].Values[0] = %v, want lowercased name %q", i, p.Values[0], e.Metadata.Name)
				}
			}
		})
	}
	_, page := queryRefs(t, s, catalog.Query{Filter: leaf("kind", "user"), OrderBy: []catalog.Order{{Field: "spec.type"}}})
	if len(page.Positions) != 1 || page.Positions[0].Values[0] != nil {
		t.Errorf("position of an entity without the order field = %+v, want a nil value", page.Positions)
	}
}

func testFacets(t *testing.T, s catalog.Store) {
	seed(t, s, "/srv/catalog", fixture())
	tests := []struct {
		name   string
		filter catalog.Filter
		facets []string
		want   map[string][]catalog.FacetCount
	}{
		{"kinds keep their case", catalog.Filter{}, []string{"kind"}, map[string][]catalog.FacetCount{"kind": {
			{Value: "API", Count: 1}, {Value: "Component", Count: 4}, {Value: "Group", Count: 2}, {Value: "Resource", Count: 1}, {Value: "User", Count: 1}}}},
		{"filtered, key as requested", leaf("kind", "component"), []string{"Spec.Type", "metadata.tags", "spec.nothing"}, map[string][]catalog.FacetCount{
			"Spec.Type":     {{Value: "service", Count: 3}, {Value: "website", Count: 1}},
			"metadata.tags": {{Value: "java", Count: 1}, {Value: "kafka", Count: 1}, {Value: "payments", Count: 1}},
			"spec.nothing":  {},
		}},
		{"relation filter", leaf("relations.ownedby", "group:default/team-b"), []string{"kind"}, map[string][]catalog.FacetCount{"kind": {
			{Value: "Component", Count: 2}, {Value: "Resource", Count: 1}}}},
		{"no facets", catalog.Filter{}, nil, map[string][]catalog.FacetCount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Facets(t.Context(), tt.filter, tt.facets)
			if err != nil {
				t.Fatalf("Facets: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Facets(%+v, %v) (-want +got):\n%s", tt.filter, tt.facets, diff)
			}
		})
	}
	_, err := s.Facets(t.Context(), catalog.Filter{Key: "kind", Not: &catalog.Filter{}}, []string{"kind"})
	wantErr(t, "Facets(malformed filter)", err, catalog.ErrInvalid)
}

func reversed(ss []string) []string {
	out := slices.Clone(ss)
	slices.Reverse(out)
	return out
}

// refKind returns the kind part of a canonical ref.
func refKind(ref string) string {
	kind, _, _ := strings.Cut(ref, ":")
	return kind
}

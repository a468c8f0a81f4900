package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/catalog"
)

// TestVisibilityRelations checks every entity a caller can list: no relation targets, and
// no status item names, an entity the caller may not see, while a relation to an entity
// that does not exist still shows as unresolved.
func TestVisibilityRelations(t *testing.T) {
	svc := newVisibilityCatalog(t)
	for _, tt := range viewerCases() {
		t.Run(tt.name, func(t *testing.T) {
			ctx := as(t, tt.p)
			page, err := svc.Query(ctx, catalog.Query{})
			if err != nil {
				t.Fatal(err)
			}
			var hidden []string
			for _, n := range allComponents {
				if !slices.Contains(tt.see, n) {
					hidden = append(hidden, componentRef(n))
				}
			}
			for _, e := range page.Entities {
				for _, r := range e.Relations {
					if slices.Contains(hidden, r.TargetRef) {
						t.Errorf("%s has relation %s to hidden %s", e.Ref(), r.Type, r.TargetRef)
					}
				}
				if e.Status == nil {
					continue
				}
				for _, it := range e.Status.Items {
					for _, h := range hidden {
						if strings.Contains(it.Message, h) {
							t.Errorf("%s status item %q names hidden %s", e.Ref(), it.Message, h)
						}
					}
				}
			}
			// The single reads give the same relations as the list.
			if !slices.Contains(tt.see, "d-internal") {
				return
			}
			d, err := svc.EntityByRef(ctx, mustRef(t, componentRef("d-internal")))
			if err != nil {
				t.Fatal(err)
			}
			var deps []string
			for _, r := range d.Relations {
				if r.Type == catalog.RelationDependsOn {
					deps = append(deps, r.TargetRef)
				}
			}
			want := []string{"resource:default/missing-db"}
			if slices.Contains(tt.see, "a-secret-01") {
				want = []string{"component:default/a-secret-01", "resource:default/missing-db"}
			}
			if diff := cmp.Diff(want, deps); diff != "" {
				t.Errorf("d-internal dependsOn (-want +got):\n%s", diff)
			}
			if d.Status == nil || len(d.Status.Items) != 1 || !strings.Contains(d.Status.Items[0].Message, "resource:default/missing-db") {
				t.Errorf("d-internal status = %+v, want one unresolved relation to resource:default/missing-db", d.Status)
			}
			team, err := svc.EntityByRef(ctx, mustRef(t, "group:default/team-a"))
			if err != nil {
				t.Fatal(err)
			}
			var owned []string
			for _, r := range team.Relations {
				if r.Type == catalog.RelationOwnerOf {
					owned = append(owned, strings.TrimPrefix(r.TargetRef, "component:default/"))
				}
			}
			wantOwned := slices.DeleteFunc(slices.Clone(tt.see), func(n string) bool { return n == "e-private" })
			if diff := cmp.Diff(wantOwned, owned); diff != "" {
				t.Errorf("team-a ownerOf (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVisibilityRelationFilters checks that a relation filter naming a hidden entity
// matches as if that entity did not exist, in lists, totals and facets.
func TestVisibilityRelationFilters(t *testing.T) {
	svc := newVisibilityCatalog(t)
	ownerOf := func(names ...string) catalog.Filter {
		f := catalog.Filter{Key: "relations.ownerOf"}
		for _, n := range names {
			f.Values = append(f.Values, componentRef(n))
		}
		return f
	}
	for _, tt := range viewerCases() {
		for _, fc := range []struct {
			name   string
			filter catalog.Filter
			want   []string // groups, when the caller sees the components named
			needs  []string
		}{
			{"one hidden target", ownerOf("a-secret-01"), []string{"team-a"}, []string{"a-secret-01"}},
			{"hidden and visible targets", ownerOf(" A-Secret-02 ", "c-public"), []string{"team-a"}, []string{"c-public"}},
			{"under not", catalog.Filter{AllOf: []catalog.Filter{{Key: "kind", Values: []string{"group"}}, {Not: ptr(ownerOf("b-unknown"))}}},
				[]string{"org", "outsiders", "team-b"}, []string{"b-unknown"}},
		} {
			t.Run(tt.name+"/"+fc.name, func(t *testing.T) {
				ctx := as(t, tt.p)
				want := []string{}
				if countIn(tt.see, fc.needs) == len(fc.needs) && tt.p.IsAuthenticated() {
					want = fc.want
				} else if fc.name == "under not" && tt.p.IsAuthenticated() {
					want = []string{"org", "outsiders", "team-a", "team-b"}
				}
				page, err := svc.Query(ctx, catalog.Query{Filter: fc.filter, OrderBy: []catalog.Order{{Field: "metadata.name"}}})
				if err != nil {
					t.Fatalf("Query() error = %v", err)
				}
				if diff := cmp.Diff(want, names(page.Entities)); diff != "" || page.Total != len(want) {
					t.Errorf("Query() Total %d, items (-want +got):\n%s", page.Total, diff)
				}
				facets, err := svc.Facets(ctx, fc.filter, []string{"kind"})
				if err != nil {
					t.Fatalf("Facets() error = %v", err)
				}
				wantFacet := []catalog.FacetCount{}
				if len(want) > 0 {
					wantFacet = []catalog.FacetCount{{Value: "Group", Count: len(want)}}
				}
				if diff := cmp.Diff(wantFacet, facets["kind"]); diff != "" {
					t.Errorf("Facets() kind (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func ptr[T any](v T) *T { return &v }

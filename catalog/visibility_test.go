package catalog_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

// The components of testdata/visibility. The a-secret ones are restricted to team-a (the
// owner) and team-b (allowed), and sort first so that a page of visible entities has to
// look past them; b-unknown has an unknown visibility value, which means restricted;
// e-private is restricted and owned by the user olivia herself.
var (
	secrets        = []string{"a-secret-01", "a-secret-02", "a-secret-03", "a-secret-04", "a-secret-05", "a-secret-06", "a-secret-07", "a-secret-08"}
	allComponents  = append(slices.Clone(secrets), "b-unknown", "c-public", "d-internal", "e-private")
	openComponents = []string{"c-public", "d-internal"}
)

// viewerCase is a principal and the components it may see.
type viewerCase struct {
	name string
	p    auth.Principal
	see  []string
}

func viewerCases() []viewerCase {
	user := func(name string, role auth.Role, groups ...string) auth.Principal {
		return auth.Principal{Kind: auth.KindUser, Subject: name, Name: name, UserRef: "user:default/" + name, Groups: groups, Role: role, Via: "session"}
	}
	return []viewerCase{
		{"anonymous", auth.Anonymous(), []string{"c-public"}},
		{"guest", auth.Principal{Kind: auth.KindGuest, Subject: "guest", Role: auth.RoleDeveloper, Via: "demo"}, openComponents},
		{"viewer outside the groups", user("victor", auth.RoleViewer, "group:default/outsiders"), openComponents},
		{"member of the owning group", user("olivia", auth.RoleDeveloper, "group:default/org", "group:default/team-a"), allComponents},
		{"member of an allowed group", user("alan", auth.RoleViewer, "group:default/org", "group:default/team-b"), append(slices.Clone(secrets), openComponents...)},
		{"admin", user("root", auth.RoleAdmin), allComponents},
		{"admin token with read scope", auth.Principal{Kind: auth.KindService, Name: "ci", Role: auth.RoleAdmin, Scope: auth.ScopeRead, Via: "static-token"}, allComponents},
	}
}

// newVisibilityCatalog imports testdata/visibility as the system.
func newVisibilityCatalog(t *testing.T) *catalog.Service { return newTestdataCatalog(t, "visibility") }

// newTestdataCatalog imports the folder testdata/name, as the system, into a fresh store.
func newTestdataCatalog(t *testing.T, name string) *catalog.Service {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	svc := catalog.NewService(storetest.New(t), []string{dir})
	if _, _, err := svc.Import(systemContext(t), dir); err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	return svc
}

func componentRef(name string) string { return "component:default/" + name }

func as(t *testing.T, p auth.Principal) context.Context { return auth.NewContext(t.Context(), p) }

// names returns the metadata.name of each entity.
func names(es []catalog.Entity) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Metadata.Name)
	}
	return out
}

func TestVisibilitySingleReads(t *testing.T) {
	svc := newVisibilityCatalog(t)
	sys := systemContext(t)
	uids := map[string]string{}
	for _, n := range allComponents {
		e, err := svc.EntityByRef(sys, mustRef(t, componentRef(n)))
		if err != nil {
			t.Fatal(err)
		}
		uids[n] = e.Metadata.UID
	}
	for _, tt := range viewerCases() {
		t.Run(tt.name, func(t *testing.T) {
			ctx := as(t, tt.p)
			for _, n := range allComponents {
				ref := mustRef(t, componentRef(n))
				visible := slices.Contains(tt.see, n)
				// What a caller would get for an entity that does not exist, with this
				// entity's name in its place: a hidden one must look exactly like it.
				missing := mustRef(t, componentRef("zz-missing"))
				_, errMissing := svc.EntityByRef(ctx, missing)
				_, err := svc.EntityByRef(ctx, ref)
				checkHidden(t, "EntityByRef("+n+")", err, visible, errMissing, "zz-missing", n)

				_, errMissing = svc.EntityByUID(ctx, "no-such-uid")
				_, err = svc.EntityByUID(ctx, uids[n])
				checkHidden(t, "EntityByUID("+n+")", err, visible, errMissing, "no-such-uid", uids[n])

				_, errMissing = svc.Ancestry(ctx, missing)
				_, err = svc.Ancestry(ctx, ref)
				checkHidden(t, "Ancestry("+n+")", err, visible, errMissing, "zz-missing", n)

				_, errMissing = svc.LocationOfEntity(ctx, missing)
				_, err = svc.LocationOfEntity(ctx, ref)
				checkHidden(t, "LocationOfEntity("+n+")", err, visible, errMissing, "zz-missing", n)

				if !visible {
					err = svc.Refresh(ctx, ref)
					errMissing = svc.Refresh(ctx, missing)
					checkHidden(t, "Refresh("+n+")", err, false, errMissing, "zz-missing", n)
					err = svc.DeleteEntity(ctx, uids[n])
					errMissing = svc.DeleteEntity(ctx, "no-such-uid")
					checkHidden(t, "DeleteEntity("+n+")", err, false, errMissing, "no-such-uid", uids[n])
					if _, err := svc.EntityByRef(sys, ref); err != nil {
						t.Errorf("after a refused DeleteEntity(%s): EntityByRef as system error = %v", n, err)
					}
				}
			}
		})
	}
}

// checkHidden checks err from a read of an entity: nil when it is visible, else the same
// error (text included) as the read of a missing entity, with the missing key replaced.
func checkHidden(t *testing.T, call string, err error, visible bool, errMissing error, missingKey, key string) {
	t.Helper()
	switch {
	case visible && err != nil:
		t.Errorf("%s error = %v, want the entity", call, err)
	case !visible && !errors.Is(err, catalog.ErrNotFound):
		t.Errorf("%s error = %v, want ErrNotFound", call, err)
	case !visible && err.Error() != strings.ReplaceAll(errMissing.Error(), missingKey, key):
		t.Errorf("%s error = %q, want the same as for a missing entity: %q", call, err, errMissing)
	}
}

func TestVisibilityAncestryStopsAtHiddenParent(t *testing.T) {
	svc := newVisibilityCatalog(t)
	for _, tt := range []struct {
		name      string
		p         auth.Principal
		wantItems int
	}{
		{"anonymous sees no location", auth.Anonymous(), 1},
		{"a viewer sees the root location", auth.Principal{Kind: auth.KindUser, Role: auth.RoleViewer}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := svc.Ancestry(as(t, tt.p), mustRef(t, componentRef("c-public")))
			if err != nil {
				t.Fatalf("Ancestry() error = %v", err)
			}
			if len(a.Items) != tt.wantItems {
				t.Fatalf("Ancestry() has %d items, want %d", len(a.Items), tt.wantItems)
			}
			if last := a.Items[len(a.Items)-1]; len(last.ParentEntityRefs) != 0 {
				t.Errorf("last item's ParentEntityRefs = %v, want none", last.ParentEntityRefs)
			}
		})
	}
}

func TestVisibilityQuery(t *testing.T) {
	svc := newVisibilityCatalog(t)
	kind := catalog.Filter{Key: "kind", Values: []string{"component"}}
	for _, tt := range viewerCases() {
		t.Run(tt.name, func(t *testing.T) {
			ctx := as(t, tt.p)
			page, err := svc.Query(ctx, catalog.Query{Filter: kind, OrderBy: []catalog.Order{{Field: "metadata.name"}}})
			if err != nil {
				t.Fatalf("Query() error = %v", err)
			}
			if diff := cmp.Diff(tt.see, names(page.Entities)); diff != "" {
				t.Errorf("Query() items (-want +got):\n%s", diff)
			}
			if page.Total != len(tt.see) {
				t.Errorf("Query() Total = %d, want %d", page.Total, len(tt.see))
			}
			// Full text and an extra filter go through the same store query.
			page, err = svc.Query(ctx, catalog.Query{
				Filter:   catalog.Filter{AllOf: []catalog.Filter{kind, {Key: "spec.owner", Values: []string{"team-a"}}}},
				FullText: &catalog.FullText{Term: "secret"},
			})
			if err != nil {
				t.Fatalf("Query(full text) error = %v", err)
			}
			if want := countIn(tt.see, secrets); page.Total != want || len(page.Entities) != want {
				t.Errorf("Query(full text secret) = %d items, Total %d; want %d", len(page.Entities), page.Total, want)
			}
		})
	}
}

func countIn(names, set []string) int {
	n := 0
	for _, x := range names {
		if slices.Contains(set, x) {
			n++
		}
	}
	return n
}

func TestVisibilityPaging(t *testing.T) {
	svc := newVisibilityCatalog(t)
	kind := catalog.Filter{Key: "kind", Values: []string{"component"}}
	orders := map[string][]catalog.Order{
		"by name (index walk)":       {{Field: "metadata.name"}},
		"by type then name (sorted)": {{Field: "spec.type"}, {Field: "metadata.name"}},
	}
	for _, tt := range viewerCases() {
		for oname, order := range orders {
			t.Run(tt.name+"/"+oname, func(t *testing.T) {
				ctx := as(t, tt.p)
				var got []string
				q := catalog.Query{Filter: kind, OrderBy: order, Limit: 2}
				for i := 0; ; i++ {
					page, err := svc.Query(ctx, q)
					if err != nil {
						t.Fatalf("page %d: Query() error = %v", i, err)
					}
					if page.Total != len(tt.see) {
						t.Errorf("page %d: Total = %d, want %d", i, page.Total, len(tt.see))
					}
					if want := min(2, len(tt.see)-len(got)); len(page.Entities) != want {
						t.Fatalf("page %d has %d items, want %d", i, len(page.Entities), want)
					}
					got = append(got, names(page.Entities)...)
					if !page.HasMore {
						break
					}
					if i > len(allComponents) {
						t.Fatal("paging does not end")
					}
					q.After = &page.Positions[len(page.Positions)-1]
				}
				if diff := cmp.Diff(tt.see, got); diff != "" {
					t.Errorf("pages (-want +got):\n%s", diff)
				}
				// And back: the page before the last item holds the ones just before it.
				if len(got) >= 3 {
					last, err := svc.Query(ctx, catalog.Query{Filter: kind, OrderBy: order, Limit: 1, Offset: len(got) - 1})
					if err != nil {
						t.Fatal(err)
					}
					prev, err := svc.Query(ctx, catalog.Query{Filter: kind, OrderBy: order, Limit: 2, Before: &last.Positions[0]})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(got[len(got)-3:len(got)-1], names(prev.Entities)); diff != "" {
						t.Errorf("page before the last item (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

func TestVisibilityFacets(t *testing.T) {
	svc := newVisibilityCatalog(t)
	for _, tt := range viewerCases() {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.Facets(as(t, tt.p), catalog.Filter{Key: "kind", Values: []string{"component"}},
				[]string{"spec.type", "metadata.name", "metadata.annotations.nextportal.io/visibility"})
			if err != nil {
				t.Fatalf("Facets() error = %v", err)
			}
			if want := []catalog.FacetCount{{Value: "service", Count: len(tt.see)}}; !cmp.Equal(want, got["spec.type"]) {
				t.Errorf("spec.type facet = %v, want %v", got["spec.type"], want)
			}
			var gotNames []string
			for _, fc := range got["metadata.name"] {
				gotNames = append(gotNames, fc.Value)
			}
			if diff := cmp.Diff(tt.see, gotNames); diff != "" {
				t.Errorf("metadata.name facet (-want +got):\n%s", diff)
			}
			annotation := map[string]string{"b-unknown": "Top-Secret", "c-public": "public", "e-private": "restricted"}
			for _, n := range secrets {
				annotation[n] = "restricted"
			}
			counts := map[string]int{}
			for _, n := range tt.see {
				if v, ok := annotation[n]; ok {
					counts[v]++
				}
			}
			wantVis := []catalog.FacetCount{}
			for _, v := range []string{"Top-Secret", "public", "restricted"} {
				if counts[v] > 0 {
					wantVis = append(wantVis, catalog.FacetCount{Value: v, Count: counts[v]})
				}
			}
			if diff := cmp.Diff(wantVis, got["metadata.annotations.nextportal.io/visibility"]); diff != "" {
				t.Errorf("visibility annotation facet (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVisibilityEntitiesByRefs(t *testing.T) {
	svc := newVisibilityCatalog(t)
	refs := []string{}
	for _, n := range allComponents {
		refs = append(refs, componentRef(n))
	}
	for _, tt := range viewerCases() {
		t.Run(tt.name, func(t *testing.T) {
			got, err := svc.EntitiesByRefs(as(t, tt.p), refs, catalog.Filter{})
			if err != nil {
				t.Fatalf("EntitiesByRefs() error = %v", err)
			}
			for i, n := range allComponents {
				if want := slices.Contains(tt.see, n); (got[i] != nil) != want {
					t.Errorf("EntitiesByRefs()[%s] present = %v, want %v", n, got[i] != nil, want)
				}
			}
		})
	}
}

func TestVisibilityClass(t *testing.T) {
	jane := auth.Principal{Kind: auth.KindUser, Subject: "jane", Role: auth.RoleViewer, UserRef: "user:default/Jane",
		Groups: []string{"group:default/b", "group:default/a"}}
	janeAgain := jane
	janeAgain.Subject, janeAgain.Role, janeAgain.Groups = "jane-token", auth.RoleDeveloper, []string{"group:default/a", "group:default/b", "group:default/a"}
	other := jane
	other.Groups = []string{"group:default/a"}
	admin := auth.Principal{Kind: auth.KindUser, Subject: "root", Role: auth.RoleAdmin}
	tests := []struct {
		name string
		a, b auth.Principal
		same bool
	}{
		{"same user and groups in another order and role", jane, janeAgain, true},
		{"fewer groups", jane, other, false},
		{"admin and system", admin, auth.System(), true},
		{"admin and viewer", admin, jane, false},
		{"anonymous and a viewer without groups", auth.Anonymous(), auth.Principal{Kind: auth.KindService, Subject: "ci", Role: auth.RoleViewer}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := catalog.VisibilityClass(tt.a) == catalog.VisibilityClass(tt.b); got != tt.same {
				t.Errorf("VisibilityClass(%+v) == VisibilityClass(%+v) is %v, want %v", tt.a, tt.b, got, tt.same)
			}
		})
	}
}

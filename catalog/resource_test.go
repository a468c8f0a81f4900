package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

func TestResourceOf(t *testing.T) {
	entity := func(ann map[string]string, rels ...catalog.Relation) catalog.Entity {
		return catalog.Entity{
			APIVersion: "backstage.io/v1alpha1", Kind: "Component",
			Metadata:  catalog.Metadata{Name: "svc", Namespace: "ops", Annotations: ann},
			Spec:      map[string]any{"type": "service", "lifecycle": "production", "owner": "team-x"},
			Relations: rels,
		}
	}
	for _, tt := range []struct {
		name string
		e    catalog.Entity
		want auth.Resource
	}{
		{"no annotation, owner from spec", entity(nil),
			auth.Resource{Ref: "component:ops/svc", Owners: []string{"group:ops/team-x"}, Visibility: auth.VisibilityInternal}},
		{"owners from stored relations", entity(map[string]string{auth.AnnotationVisibility: " Public "},
			catalog.Relation{Type: "ownedBy", TargetRef: "group:default/Team-Y"}, catalog.Relation{Type: "partOf", TargetRef: "system:ops/s"}),
			auth.Resource{Ref: "component:ops/svc", Owners: []string{"group:default/team-y"}, Visibility: auth.VisibilityPublic}},
		{"unknown visibility is restricted, groups parsed", entity(map[string]string{
			auth.AnnotationVisibility:       "secret",
			auth.AnnotationVisibilityGroups: "Payments, group:default/security,, user:default/jane, bad:ref:x, payments",
		}), auth.Resource{Ref: "component:ops/svc", Owners: []string{"group:ops/team-x"}, Visibility: auth.VisibilityRestricted,
			AllowedGroups: []string{"group:ops/payments", "group:default/security", "user:default/jane"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, catalog.ResourceOf(tt.e)); diff != "" {
				t.Errorf("ResourceOf() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchRowsVisibility(t *testing.T) {
	for _, tt := range []struct {
		vis, groups string
		want        []string
	}{
		{"", "", []string{"nextportal.io/visibility=internal"}},
		{"PUBLIC", "", []string{"nextportal.io/visibility=public"}},
		{"nope", "", []string{"nextportal.io/visibility=restricted"}},
		{"restricted", "a, group:x/B", []string{"nextportal.io/visibility=restricted", "nextportal.io/visibility-groups=group:default/a", "nextportal.io/visibility-groups=group:x/b"}},
	} {
		t.Run(fmt.Sprintf("%q %q", tt.vis, tt.groups), func(t *testing.T) {
			ann := map[string]string{}
			if tt.vis != "" {
				ann[auth.AnnotationVisibility] = tt.vis
			}
			if tt.groups != "" {
				ann[auth.AnnotationVisibilityGroups] = tt.groups
			}
			e := catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: "a", Annotations: ann}}
			rows, err := catalog.SearchRows(&e)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				if strings.HasPrefix(r.Key, "nextportal.io/") {
					got = append(got, rowString(r))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("visibility rows (-want +got):\n%s", diff)
			}
		})
	}
}

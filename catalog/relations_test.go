package catalog_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/catalog"
)

func TestRelations(t *testing.T) {
	type row = catalog.RelationRow
	tests := []struct {
		name string
		e    catalog.Entity
		want []row
	}{
		{"component", catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: "c"}, Spec: map[string]any{
			"owner": "team-a", "system": "sys", "subcomponentOf": "parent",
			"providesApis": []any{"p"}, "consumesApis": []any{"other/q"},
			"dependsOn": []any{"resource:db"}, "dependencyOf": []any{"component:up"},
		}}, []row{
			{"api:default/p", "apiProvidedBy", "component:default/c"},
			{"api:other/q", "apiConsumedBy", "component:default/c"},
			{"component:default/c", "consumesApi", "api:other/q"},
			{"component:default/c", "dependencyOf", "component:default/up"},
			{"component:default/c", "dependsOn", "resource:default/db"},
			{"component:default/c", "ownedBy", "group:default/team-a"},
			{"component:default/c", "partOf", "component:default/parent"},
			{"component:default/c", "partOf", "system:default/sys"},
			{"component:default/c", "providesApi", "api:default/p"},
			{"component:default/parent", "hasPart", "component:default/c"},
			{"component:default/up", "dependsOn", "component:default/c"},
			{"group:default/team-a", "ownerOf", "component:default/c"},
			{"resource:default/db", "dependencyOf", "component:default/c"},
			{"system:default/sys", "hasPart", "component:default/c"},
		}},
		{"namespace defaults to the entity's", catalog.Entity{Kind: "API", Metadata: catalog.Metadata{Name: "a", Namespace: "Ns"}, Spec: map[string]any{
			"owner": "user:Jane", "system": "default/s",
		}}, []row{
			{"api:ns/a", "ownedBy", "user:ns/jane"},
			{"api:ns/a", "partOf", "system:default/s"},
			{"system:default/s", "hasPart", "api:ns/a"},
			{"user:ns/jane", "ownerOf", "api:ns/a"},
		}},
		{"resource", catalog.Entity{Kind: "Resource", Metadata: catalog.Metadata{Name: "db"}, Spec: map[string]any{
			"owner": "o", "dependencyOf": []any{"component:c"},
		}}, []row{
			{"component:default/c", "dependsOn", "resource:default/db"},
			{"group:default/o", "ownerOf", "resource:default/db"},
			{"resource:default/db", "dependencyOf", "component:default/c"},
			{"resource:default/db", "ownedBy", "group:default/o"},
		}},
		{"system and domain", catalog.Entity{Kind: "System", Metadata: catalog.Metadata{Name: "s"}, Spec: map[string]any{"owner": "o", "domain": "d"}}, []row{
			{"domain:default/d", "hasPart", "system:default/s"},
			{"group:default/o", "ownerOf", "system:default/s"},
			{"system:default/s", "ownedBy", "group:default/o"},
			{"system:default/s", "partOf", "domain:default/d"},
		}},
		{"subdomain", catalog.Entity{Kind: "Domain", Metadata: catalog.Metadata{Name: "d"}, Spec: map[string]any{"owner": "o", "subdomainOf": "top"}}, []row{
			{"domain:default/d", "ownedBy", "group:default/o"},
			{"domain:default/d", "partOf", "domain:default/top"},
			{"domain:default/top", "hasPart", "domain:default/d"},
			{"group:default/o", "ownerOf", "domain:default/d"},
		}},
		{"group", catalog.Entity{Kind: "Group", Metadata: catalog.Metadata{Name: "g"}, Spec: map[string]any{
			"type": "team", "parent": "org", "children": []any{"sub"}, "members": []any{"jane"},
		}}, []row{
			{"group:default/g", "childOf", "group:default/org"},
			{"group:default/g", "hasMember", "user:default/jane"},
			{"group:default/g", "parentOf", "group:default/sub"},
			{"group:default/org", "parentOf", "group:default/g"},
			{"group:default/sub", "childOf", "group:default/g"},
			{"user:default/jane", "memberOf", "group:default/g"},
		}},
		{"user", catalog.Entity{Kind: "User", Metadata: catalog.Metadata{Name: "jane"}, Spec: map[string]any{"memberOf": []any{"g", "other/h"}}}, []row{
			{"group:default/g", "hasMember", "user:default/jane"},
			{"group:other/h", "hasMember", "user:default/jane"},
			{"user:default/jane", "memberOf", "group:default/g"},
			{"user:default/jane", "memberOf", "group:other/h"},
		}},
		{"template owner", catalog.Entity{Kind: "Template", Metadata: catalog.Metadata{Name: "t"}, Spec: map[string]any{"owner": "o"}}, []row{
			{"group:default/o", "ownerOf", "template:default/t"},
			{"template:default/t", "ownedBy", "group:default/o"},
		}},
		{"location has none", catalog.Entity{Kind: "Location", Metadata: catalog.Metadata{Name: "l"}, Spec: map[string]any{"target": "./x.yaml"}}, nil},
		{"duplicates collapse", catalog.Entity{Kind: "User", Metadata: catalog.Metadata{Name: "u"}, Spec: map[string]any{"memberOf": []any{"g", "group:g"}}}, []row{
			{"group:default/g", "hasMember", "user:default/u"},
			{"user:default/u", "memberOf", "group:default/g"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := catalog.Relations(&tt.e)
			if err != nil {
				t.Fatalf("Relations() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Relations() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRelationsBadRef(t *testing.T) {
	e := catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: "c"}, Spec: map[string]any{"owner": "o", "dependsOn": []any{"db"}}}
	_, err := catalog.Relations(&e)
	if !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("Relations() error = %v, want ErrInvalid", err)
	}
}

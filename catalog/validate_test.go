package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nextportal/portal/catalog"
	"gopkg.in/yaml.v3"
)

// validComponent is a minimal valid Component; cases edit a copy of it.
const validComponent = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: foo
spec:
  type: service
  lifecycle: production
  owner: team-a
`

func TestValidateEntity(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // substring of the error; "" means valid
	}{
		{"valid component", validComponent, ""},
		{"valid full metadata", `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: foo_bar.baz-1
  namespace: team-ns
  title: Foo
  description: Foo service
  labels: {example.com/tier: gold, env: ""}
  annotations: {backstage.io/techdocs-ref: "dir:.", "github.com/project-slug": "a/b"}
  tags: [java, "c++", "c#", "a:b"]
  links: [{url: "https://x", title: X, icon: web}]
spec: {type: service, lifecycle: production, owner: group:team-a, system: s, dependsOn: [resource:db], providesApis: [a]}
`, ""},
		{"valid api", `
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: a}
spec: {type: openapi, lifecycle: production, owner: o, definition: "openapi: 3.0.0"}
`, ""},
		{"valid resource", "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: r}\nspec: {type: database, owner: o}\n", ""},
		{"valid system", "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: s}\nspec: {owner: o}\n", ""},
		{"valid domain", "apiVersion: backstage.io/v1beta1\nkind: Domain\nmetadata: {name: d}\nspec: {owner: o}\n", ""},
		{"valid group", "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {type: team, children: []}\n", ""},
		{"valid user", "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u}\nspec: {}\n", ""},
		{"valid location", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {targets: [./a.yaml]}\n", ""},
		{"valid template", `
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec: {type: service, owner: o, parameters: [], steps: [{id: a, action: debug:log}]}
`, ""},

		{"missing apiVersion", "kind: Component\nmetadata: {name: foo}\nspec: {type: a, lifecycle: b, owner: c}\n", "apiVersion is required"},
		{"bad apiVersion", strings.Replace(validComponent, "backstage.io/v1alpha1", "back stage/v1", 1), "is not a valid apiVersion"},
		{"wrong apiVersion for kind", strings.Replace(validComponent, "backstage.io/v1alpha1", "example.com/v1", 1), "is not valid for kind Component"},
		{"missing kind", "apiVersion: backstage.io/v1alpha1\nmetadata: {name: foo}\n", "kind is required"},
		{"bad kind", strings.Replace(validComponent, "kind: Component", "kind: 1Component", 1), "is not a valid kind"},
		{"unknown kind", strings.Replace(validComponent, "kind: Component", "kind: Widget", 1), `"Widget" is not a supported kind`},
		{"lowercase kind", strings.Replace(validComponent, "kind: Component", "kind: component", 1), `did you mean "Component"`},
		{"foreign root field", validComponent + "extra: 1\n", "extra is not allowed at the top level"},
		{"missing metadata", "apiVersion: backstage.io/v1alpha1\nkind: User\nspec: {}\n", "metadata is required"},
		{"missing name", strings.Replace(validComponent, "name: foo", "title: Foo", 1), "metadata.name is required"},
		{"bad name", strings.Replace(validComponent, "name: foo", "name: foo bar", 1), `"foo bar" is not a valid name`},
		{"name double separator", strings.Replace(validComponent, "name: foo", "name: foo--bar", 1), "is not a valid name"},
		{"name too long", strings.Replace(validComponent, "name: foo", "name: "+strings.Repeat("a", 64), 1), "is not a valid name"},
		{"name not string", strings.Replace(validComponent, "name: foo", "name: [foo]", 1), "metadata.name must be a string"},
		{"bad namespace", strings.Replace(validComponent, "name: foo", "name: foo\n  namespace: Team_A", 1), `"Team_A" is not a valid namespace`},
		{"bad tag", strings.Replace(validComponent, "name: foo", "name: foo\n  tags: [Java]", 1), `metadata.tags[0] "Java" is not a valid tag`},
		{"tag too long", strings.Replace(validComponent, "name: foo", "name: foo\n  tags: ["+strings.Repeat("a", 64)+"]", 1), "is not a valid tag"},
		{"tags not list", strings.Replace(validComponent, "name: foo", "name: foo\n  tags: java", 1), "metadata.tags must be a list"},
		{"bad label key", strings.Replace(validComponent, "name: foo", "name: foo\n  labels: {\"a b\": x}", 1), "is not a valid key"},
		{"bad label prefix", strings.Replace(validComponent, "name: foo", "name: foo\n  labels: {\"Ex_ample.com/x\": y}", 1), "is not a valid key"},
		{"bad label value", strings.Replace(validComponent, "name: foo", "name: foo\n  labels: {tier: \"gold plated\"}", 1), "is not a valid label value"},
		{"annotation not string", strings.Replace(validComponent, "name: foo", "name: foo\n  annotations: {a: [1]}", 1), "metadata.annotations.a must be a string"},
		{"bad annotation key", strings.Replace(validComponent, "name: foo", "name: foo\n  annotations: {\"/x\": y}", 1), "is not a valid key"},
		{"link without url", strings.Replace(validComponent, "name: foo", "name: foo\n  links: [{title: X}]", 1), "metadata.links[0].url is required"},
		{"link empty url", strings.Replace(validComponent, "name: foo", "name: foo\n  links: [{url: \"\"}]", 1), "metadata.links[0].url must not be empty"},
		{"missing spec", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: foo}\n", "spec is required for kind Component"},
		{"component no owner", strings.Replace(validComponent, "  owner: team-a\n", "", 1), "spec.owner is required"},
		{"component no type", strings.Replace(validComponent, "  type: service\n", "", 1), "spec.type is required"},
		{"component no lifecycle", strings.Replace(validComponent, "  lifecycle: production\n", "", 1), "spec.lifecycle is required"},
		{"component owner not string", strings.Replace(validComponent, "owner: team-a", "owner: [team-a]", 1), "spec.owner must be a string"},
		{"component dependsOn without kind", validComponent + "  dependsOn: [db]\n", `spec.dependsOn[0] "db" is not a valid entity reference`},
		{"component providesApis not list", validComponent + "  providesApis: a\n", "spec.providesApis must be a list of strings"},
		{"api no definition", "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: a}\nspec: {type: openapi, lifecycle: p, owner: o}\n", "spec.definition is required"},
		{"resource no type", "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: r}\nspec: {owner: o}\n", "spec.type is required"},
		{"system no owner", "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: s}\nspec: {domain: d}\n", "spec.owner is required"},
		{"domain no owner", "apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: d}\nspec: {}\n", "spec.owner is required"},
		{"group no children", "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {type: team}\n", "spec.children is required"},
		{"group no type", "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {children: []}\n", "spec.type is required"},
		{"user spec not object", "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u}\nspec: [a]\n", "spec must be an object"},
		{"user memberOf not list", "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u}\nspec: {memberOf: team-a}\n", "spec.memberOf must be a list"},
		{"location no target", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {type: file}\n", "needs target or targets"},
		{"location type not string", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {type: 1, target: a}\n", "spec.type must be a string"},
		{"location bad presence", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {target: a, presence: maybe}\n", `"maybe" must be "required" or "optional"`},
		{"template wrong apiVersion", "apiVersion: backstage.io/v1alpha1\nkind: Template\nmetadata: {name: t}\nspec: {type: s, steps: []}\n", "is not valid for kind Template"},
		{"template no steps", "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: {type: s}\n", "spec.steps is required"},
		{"template parameters scalar", "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: {type: s, steps: [], parameters: x}\n", "spec.parameters must be an object or a list"},
	}
	svc := catalog.NewService(nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw map[string]any
			if err := yaml.Unmarshal([]byte(tt.yaml), &raw); err != nil {
				t.Fatalf("bad test YAML: %v", err)
			}
			err := svc.ValidateEntity(t.Context(), raw, "file:/x/catalog-info.yaml")
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ValidateEntity() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateEntity() = nil, want error containing %q", tt.want)
			}
			var ve *catalog.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, catalog.ErrInvalid) {
				t.Fatalf("ValidateEntity() error %T is not a *ValidationError wrapping ErrInvalid", err)
			}
			var msgs []string
			for _, p := range ve.Problems {
				msgs = append(msgs, p.Message)
			}
			if all := strings.Join(msgs, "\n"); !strings.Contains(all, tt.want) {
				t.Errorf("ValidateEntity() problems:\n%s\nwant one containing %q", all, tt.want)
			}
		})
	}
}

func TestValidateEntityLocationRef(t *testing.T) {
	svc := catalog.NewService(nil, nil)
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(validComponent), &raw); err != nil {
		t.Fatal(err)
	}
	err := svc.ValidateEntity(t.Context(), raw, "nonsense")
	if err == nil || !strings.Contains(err.Error(), "not a valid location ref") {
		t.Errorf("ValidateEntity(location %q) = %v, want a location ref error", "nonsense", err)
	}
}

func TestValidationErrorMessage(t *testing.T) {
	ve := &catalog.ValidationError{Problems: []catalog.Problem{
		{File: "catalog-info.yaml", Line: 7, Entity: "component:default/foo", Field: "spec.owner", Message: "spec.owner is required"},
		{File: "catalog-info.yaml", Message: "b"},
		{Message: "c"},
		{Message: "d"},
		{Message: "e"},
	}}
	want := "catalog-info.yaml:7: component:default/foo: spec.owner is required; catalog-info.yaml: b; c (and 2 more problems)"
	if got := ve.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

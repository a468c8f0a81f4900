package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/catalog"
)

func TestEntityYAML(t *testing.T) {
	e := catalog.Entity{
		APIVersion: "backstage.io/v1alpha1",
		Kind:       "API",
		Metadata:   catalog.Metadata{Name: "payments", Tags: []string{"rest"}, Labels: map[string]string{"on": "true"}},
		Spec: map[string]any{
			"type":       "openapi",
			"definition": "openapi: 3.0.0\npaths: {}\n",
			"version":    "1.10",
			"replicas":   3,
		},
		Relations: []catalog.Relation{{Type: "ownedBy", TargetRef: "group:default/team-a"}},
	}
	got, err := entityYAML(&e)
	if err != nil {
		t.Fatal(err)
	}
	// Key order follows the JSON encoding; strings that would read as another type stay quoted.
	want := `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments
  labels:
    on: "true"
  tags:
    - rest
spec:
  definition: |
    openapi: 3.0.0
    paths: {}
  replicas: 3
  type: openapi
  version: "1.10"
relations:
  - type: ownedBy
    targetRef: group:default/team-a
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entityYAML (-want +got):\n%s", diff)
	}
}

func TestUnresolvedRefs(t *testing.T) {
	st := &catalog.Status{Items: []catalog.StatusItem{
		{Type: statusUnresolvedRelation, Level: "warning", Message: "relation consumesApi: API:default/Missing-API does not exist."},
		{Type: statusUnresolvedRelation, Level: "warning", Message: "unresolved relation dependsOn target resource:ops/db.v2"},
		{Type: "other", Level: "warning", Message: "component:default/not-a-relation is odd"},
	}}
	got := unresolvedRefs(st)
	want := map[string]bool{"api:default/missing-api": true, "resource:ops/db.v2": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unresolvedRefs (-want +got):\n%s", diff)
	}
}

func TestGroupRelations(t *testing.T) {
	rels := []catalog.Relation{
		{Type: "ownedBy", TargetRef: "group:default/team-a"},
		{Type: "dependsOn", TargetRef: "resource:default/db"},
		{Type: "dependsOn", TargetRef: "component:ops/missing"},
	}
	got := groupRelations(rels, map[string]bool{"component:ops/missing": true})
	want := []relationGroup{
		{Type: "dependsOn", Targets: []relationTarget{
			{Ref: "resource:default/db", URL: "/catalog/default/resource/db"},
			{Ref: "component:ops/missing", URL: "/catalog/ops/component/missing", Unresolved: true},
		}},
		{Type: "ownedBy", Targets: []relationTarget{{Ref: "group:default/team-a", URL: "/catalog/default/group/team-a"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groupRelations (-want +got):\n%s", diff)
	}
}

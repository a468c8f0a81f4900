package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/catalog"
)

// rowString renders a search row as key=value (value "<nil>" when not indexed).
func rowString(r catalog.SearchRow) string {
	v := "<nil>"
	if r.Value != nil {
		v = *r.Value
		if r.OriginalValue == nil || strings.ToLower(*r.OriginalValue) != v {
			v += " (bad original)"
		}
	}
	return r.Key + "=" + v
}

func TestSearchRows(t *testing.T) {
	e := catalog.Entity{
		APIVersion: "backstage.io/v1alpha1",
		Kind:       "Component",
		Metadata: catalog.Metadata{
			UID: "u-1", Etag: "e", Name: "Foo",
			Tags:        []string{"java", "Java", "go"},
			Annotations: map[string]string{"Example.com/Long": strings.Repeat("x", 201)},
			Links:       []catalog.Link{{URL: "https://x", Title: "X"}},
		},
		Spec:      map[string]any{"type": "Service", "replicas": float64(3), "enabled": true, "none": nil, "dependsOn": []any{"resource:db"}},
		Relations: []catalog.Relation{{Type: "ownedBy", TargetRef: "group:default/a"}},
	}
	rows, err := catalog.SearchRows(&e)
	if err != nil {
		t.Fatalf("SearchRows() error = %v", err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, rowString(r))
	}
	want := []string{
		"apiversion=backstage.io/v1alpha1",
		"kind=component",
		"metadata.annotations.example.com/long=<nil>",
		"metadata.links.title=x",
		"metadata.links.url=https://x",
		"metadata.tags=java",
		"metadata.tags.java=true",
		"metadata.tags=go",
		"metadata.tags.go=true",
		"spec.dependson=resource:db",
		"spec.dependson.resource:db=true",
		"spec.enabled=true",
		"spec.none=<nil>",
		"spec.replicas=3",
		"spec.type=service",
		"metadata.name=foo",
		"metadata.namespace=default",
		"metadata.uid=u-1",
		"nextportal.io/visibility=internal",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SearchRows() mismatch (-want +got):\n%s", diff)
	}
	for _, r := range rows {
		if r.Key == "kind" && *r.OriginalValue != "Component" {
			t.Errorf("kind OriginalValue = %q, want Component", *r.OriginalValue)
		}
	}
}

func TestSearchRowsCaseClash(t *testing.T) {
	e := catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: "a"}, Spec: map[string]any{"foo": "x", "Foo": "y"}}
	if _, err := catalog.SearchRows(&e); !errors.Is(err, catalog.ErrInvalid) {
		t.Errorf("SearchRows() error = %v, want ErrInvalid for keys differing only in case", err)
	}
}

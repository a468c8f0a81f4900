package catalog_test

import (
	"errors"
	"testing"

	"github.com/nextportal/portal/catalog"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		name, in, kind, ns string
		want               string // canonical; "" means an error
	}{
		{"full", "Component:Default/Foo", "", "", "component:default/foo"},
		{"kind and name", "component:foo", "", "", "component:default/foo"},
		{"namespace and name", "ns/foo", "group", "", "group:ns/foo"},
		{"name only", "foo", "Group", "team", "group:team/foo"},
		{"explicit kind wins", "user:foo", "Group", "", "user:default/foo"},
		{"default namespace applied", "component:foo", "", "other", "component:other/foo"},
		{"trimmed", "  component:foo ", "", "", "component:default/foo"},
		{"empty", "", "component", "", ""},
		{"no kind", "foo", "", "", ""},
		{"empty kind", ":foo", "", "", ""},
		{"empty namespace", "component:/foo", "", "", ""},
		{"empty name", "component:ns/", "", "", ""},
		{"extra slash", "component:a/b/c", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := catalog.ParseRef(tt.in, tt.kind, tt.ns)
			if tt.want == "" {
				if !errors.Is(err, catalog.ErrInvalid) {
					t.Errorf("ParseRef(%q) error = %v, want ErrInvalid", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRef(%q) error = %v", tt.in, err)
			}
			if got.String() != tt.want {
				t.Errorf("ParseRef(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

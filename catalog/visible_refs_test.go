package catalog_test

import (
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

func TestVisibleRefs(t *testing.T) {
	svc := newVisibilityCatalog(t)
	victor := auth.Principal{Kind: auth.KindUser, Subject: "victor", Name: "victor", UserRef: "user:default/victor",
		Groups: []string{"group:default/outsiders"}, Role: auth.RoleViewer, Via: "session"}
	ctx := auth.NewContext(t.Context(), victor)
	tests := []struct {
		ref         string
		defaultKind string
		want        bool
	}{
		{"", "", true},                       // tied to no entity
		{"component:c-public", "", true},     // open
		{"c-public", "component", true},      // the default kind applies
		{"c-public", "", false},              // no kind, none by default: does not parse
		{"component:a-secret-01", "", false}, // restricted to other groups
		{"component:no-such", "", false},     // missing looks like hidden
		{"::", "component", false},           // malformed
	}
	for _, tt := range tests {
		v := catalog.NewVisibleRefs(svc, tt.defaultKind)
		// Twice: the second answer comes from what the first remembered.
		for range 2 {
			got, err := v.Visible(ctx, tt.ref)
			if err != nil || got != tt.want {
				t.Errorf("Visible(%q, default kind %q) = %v, %v; want %v", tt.ref, tt.defaultKind, got, err, tt.want)
			}
		}
	}
}

package indexer

import (
	"testing"

	"github.com/nextportal/portal/auth"
)

func TestMayMention(t *testing.T) {
	v := catalogView{access: map[string]entityAccessOf{
		"group:default/open":       {vis: auth.VisibilityPublic},
		"group:default/staff":      {vis: auth.VisibilityInternal},
		"component:default/secret": {vis: auth.VisibilityRestricted, allowed: []string{"group:default/a", "group:default/b"}},
		"component:default/narrow": {vis: auth.VisibilityRestricted, allowed: []string{"group:default/a"}},
		"component:default/other":  {vis: auth.VisibilityRestricted, allowed: []string{"group:default/c"}},
	}}
	tests := []struct {
		src, target string
		want        bool
	}{
		{"group:default/staff", "group:default/open", true},
		{"group:default/open", "group:default/staff", true},
		{"group:default/staff", "component:default/secret", false},
		{"group:default/open", "component:default/secret", false},
		{"component:default/narrow", "component:default/secret", true},  // a sees both
		{"component:default/secret", "component:default/narrow", false}, // b sees secret, not narrow
		{"component:default/other", "component:default/secret", false},
		{"component:default/secret", "component:default/unknown", true},
	}
	for _, tt := range tests {
		if got := v.mayMention(tt.src, tt.target); got != tt.want {
			t.Errorf("mayMention(%s, %s) = %v, want %v", tt.src, tt.target, got, tt.want)
		}
	}
}

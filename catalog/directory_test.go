package catalog_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// newGroupsCatalog imports testdata/groups: a group tree with a cycle.
func newGroupsCatalog(t *testing.T) *catalog.Service { return newTestdataCatalog(t, "groups") }

func TestGroupsOf(t *testing.T) {
	svc := newGroupsCatalog(t)
	var dir auth.Directory = svc
	for _, tt := range []struct {
		user string
		want []string
	}{
		// memberOf g1 (whose parents cycle through g2 and g3 back to g1), g4 by its
		// members list; ghost does not exist.
		{"user:default/uma", []string{"group:default/g1", "group:default/g2", "group:default/g3", "group:default/g4"}},
		{"uma", []string{"group:default/g1", "group:default/g2", "group:default/g3", "group:default/g4"}},
		{"User:Default/UMA", []string{"group:default/g1", "group:default/g2", "group:default/g3", "group:default/g4"}},
		{"user:default/loner", []string{}},
		{"user:default/nobody", []string{}},
	} {
		t.Run(tt.user, func(t *testing.T) {
			// An anonymous context: identity resolution does not depend on the caller.
			got, err := dir.GroupsOf(t.Context(), tt.user)
			if err != nil {
				t.Fatalf("GroupsOf(%q) error = %v", tt.user, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GroupsOf(%q) (-want +got):\n%s", tt.user, diff)
			}
		})
	}
}

func TestUserRefByEmail(t *testing.T) {
	svc := newGroupsCatalog(t)
	var dir auth.Directory = svc
	for _, tt := range []struct {
		email   string
		want    string
		wantErr []error
	}{
		{"uma.lee@fernway.example", "user:default/uma", nil},
		{"  UMA.LEE@FERNWAY.EXAMPLE ", "user:default/uma", nil},
		{"nobody@fernway.example", "", []error{catalog.ErrNotFound, auth.ErrNotFound}},
		{"", "", []error{catalog.ErrNotFound, auth.ErrNotFound}},
		{"twins@fernway.example", "", []error{catalog.ErrConflict}},
	} {
		t.Run(tt.email, func(t *testing.T) {
			got, err := dir.UserRefByEmail(t.Context(), tt.email)
			if got != tt.want {
				t.Errorf("UserRefByEmail(%q) = %q, want %q", tt.email, got, tt.want)
			}
			if tt.wantErr == nil && err != nil {
				t.Errorf("UserRefByEmail(%q) error = %v", tt.email, err)
			}
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("UserRefByEmail(%q) error = %v, want %v", tt.email, err, want)
				}
			}
		})
	}
}

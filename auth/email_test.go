package auth_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
)

func TestPrincipalByEmail(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	jane, err := e.db.UserByName(ctx, "jane")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddUser(ctx, auth.NewUser{Name: "bot", Email: "bot@fernway.example", ServiceAccount: true}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, email string
		want        auth.Principal
	}{
		{"local account by its email", "Jane@Fernway.example", auth.Principal{Kind: auth.KindUser, Subject: jane.ID,
			Name: "jane", UserRef: "user:default/jane", Groups: []string{eng, payments}, Role: auth.RoleDeveloper, Via: "slack"}},
		{"catalog user without a local account", "nina@fernway.example", auth.Principal{Kind: auth.KindUser,
			Subject: "oidc:user:default/nina", Name: "nina", UserRef: "user:default/nina", Groups: []string{eng, payments},
			Role: auth.RoleDeveloper, Via: "slack"}},
	} {
		got, err := e.svc.PrincipalByEmail(ctx, tt.email, "slack")
		if err != nil {
			t.Errorf("PrincipalByEmail(%s): %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("PrincipalByEmail(%s) (-want +got):\n%s", tt.name, diff)
		}
	}
	if err := e.svc.SetDisabled(ctx, "jane", true); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, email string }{
		{"unknown email", "mallory@evil.example"},
		{"empty", " "},
		{"service account", "bot@fernway.example"},
		{"disabled local user", "jane@fernway.example"},
	} {
		if _, err := e.svc.PrincipalByEmail(ctx, tt.email, "slack"); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("PrincipalByEmail(%s) = %v, want ErrNotFound", tt.name, err)
		}
	}
}

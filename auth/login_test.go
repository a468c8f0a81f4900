package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/auth"
)

func TestLogin(t *testing.T) {
	e := newTestService(t)
	got := e.login(t, "Jane") // names compare case-insensitively
	u, err := e.db.UserByName(t.Context(), "jane")
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Principal{Kind: auth.KindUser, Subject: u.ID, Name: "jane", UserRef: "user:default/jane",
		Groups: []string{eng, payments}, Role: auth.RoleDeveloper, Via: "password"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Login principal (-want +got):\n%s", diff)
	}
	if err := e.svc.SetDisabled(t.Context(), "omar", true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddUser(t.Context(), auth.NewUser{Name: "bot", ServiceAccount: true}); err != nil {
		t.Fatal(err)
	}
	// Every failure says the same thing, so the answer never tells which names exist.
	for _, tt := range []struct{ name, user, password string }{
		{"wrong password", "jane", "not the password!"},
		{"unknown user", "nobody", password},
		{"disabled user", "omar", password},
		{"no password set", "bot", ""},
		{"empty password", "jane", ""},
		{"huge password", "jane", strings.Repeat("x", 5000)},
	} {
		_, err := e.svc.Login(t.Context(), tt.user, tt.password, "192.0.2.7")
		wantUnauthenticated(t, "Login "+tt.name, err, "invalid name or password")
		if err != nil && strings.Contains(err.Error(), tt.user) {
			t.Errorf("Login %s: error %q names the user", tt.name, err)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	fail := func(name, addr string) error {
		_, err := e.svc.Login(ctx, name, "wrong password!!", addr)
		return err
	}
	for i := range 5 {
		wantUnauthenticated(t, fmt.Sprintf("failure %d", i+1), fail("jane", "192.0.2.1"), "invalid")
	}
	// The sixth try is refused before the password is checked: even the right one.
	_, err := e.svc.Login(ctx, "JANE", password, "198.51.100.9")
	if !errors.Is(err, auth.ErrRateLimited) {
		t.Fatalf("Login after 5 failures: error = %v, want ErrRateLimited", err)
	}
	var le *auth.LimitError
	if !errors.As(err, &le) || le.RetryAfter <= 0 || le.RetryAfter > 15*time.Minute {
		t.Errorf("Login after 5 failures: error %v, want a LimitError with a retry time in (0, 15m]", err)
	}
	if !strings.Contains(err.Error(), "retry") {
		t.Errorf("rate limit error %q does not say to retry later", err)
	}
	// Other users are not affected, and the window slides.
	e.login(t, "omar")
	e.clock.Advance(15 * time.Minute)
	e.login(t, "jane")

	// A success resets the name's count: 4 failures, a success, 4 more are still allowed.
	for range 4 {
		wantUnauthenticated(t, "failure before success", fail("omar", "192.0.2.2"), "invalid")
	}
	e.login(t, "omar")
	for range 4 {
		wantUnauthenticated(t, "failure after success", fail("omar", "192.0.2.2"), "invalid")
	}
	e.login(t, "omar")

	// One address guessing many names is limited after 20 failures, for any name.
	for i := range 20 {
		wantUnauthenticated(t, "address failure", fail(fmt.Sprintf("user%d", i), "203.0.113.5"), "invalid")
	}
	if _, err := e.svc.Login(ctx, "ada", password, "203.0.113.5"); !errors.Is(err, auth.ErrRateLimited) {
		t.Errorf("Login from an address with 20 failures: error = %v, want ErrRateLimited", err)
	}
	if _, err := e.svc.Login(ctx, "ada", password, "203.0.113.6"); err != nil {
		t.Errorf("Login from another address: %v", err)
	}
}

func TestLoginOIDC(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	jane, err := e.db.UserByName(ctx, "jane")
	if err != nil {
		t.Fatal(err)
	}
	nina := auth.Principal{Kind: auth.KindUser, Subject: "oidc:user:default/nina", Name: "nina", UserRef: "user:default/nina",
		Groups: []string{eng, payments}, Role: auth.RoleDeveloper, Via: "oidc"}
	for _, tt := range []struct {
		name, email, ref string
		want             auth.Principal
	}{
		{"email of a catalog user without a local account", "nina@fernway.example", "", nina},
		{"email in another case", "NINA@fernway.EXAMPLE", "", nina},
		{"user ref claim", "", "nina", nina},
		{"email of a user with a local account", "jane@fernway.example", "", auth.Principal{Kind: auth.KindUser, Subject: jane.ID,
			Name: "jane", UserRef: "user:default/jane", Groups: []string{eng, payments}, Role: auth.RoleDeveloper, Via: "oidc"}},
	} {
		got, err := e.svc.LoginOIDC(ctx, tt.email, tt.ref)
		if err != nil {
			t.Errorf("LoginOIDC(%s): %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("LoginOIDC(%s) (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, tt := range []struct{ name, email, ref string }{
		{"unknown email", "mallory@evil.example", ""},
		{"no claim", "", ""},
		{"ref to a group", "", "group:default/platform"},
		{"ref to no catalog user", "", "user:default/nobody"},
	} {
		_, err := e.svc.LoginOIDC(ctx, tt.email, tt.ref)
		wantUnauthenticated(t, "LoginOIDC "+tt.name, err, "no catalog user for this identity")
	}
	if err := e.svc.SetDisabled(ctx, "jane", true); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.LoginOIDC(ctx, "jane@fernway.example", "")
	wantUnauthenticated(t, "LoginOIDC of a disabled local user", err, "user disabled")
}

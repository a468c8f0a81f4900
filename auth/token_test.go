package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
)

func TestAuthenticateToken(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	raw, tok, err := e.svc.CreateToken(ctx, "jane", "ci", auth.ScopeWrite, time.Hour)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if !strings.HasPrefix(raw, "np_") || len(raw) != len("np_")+43 {
		t.Errorf("raw token %q: want np_ and 43 base64url characters", raw)
	}
	if tok.Hash == raw || strings.Contains(tok.Hash, raw[3:]) {
		t.Error("the stored token keeps the raw value")
	}
	p, err := e.svc.Authenticate(ctx, raw)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if p.Kind != auth.KindUser || p.Subject != tok.UserID || p.Name != "jane" || p.Via != "token" ||
		p.Scope != auth.ScopeWrite || p.Role != auth.RoleDeveloper || !p.InGroup(payments) {
		t.Errorf("Authenticate principal = %+v, want jane, developer, scope write, via token, in payments-team", p)
	}

	// The use is recorded, at most once a minute.
	lastUsed := func() time.Time {
		t.Helper()
		got, err := e.db.TokenByHash(ctx, tok.Hash)
		if err != nil || got.LastUsedAt == nil {
			t.Fatalf("TokenByHash = %+v, %v; want a last-used time", got, err)
		}
		return *got.LastUsedAt
	}
	first := lastUsed()
	e.clock.Advance(30 * time.Second)
	if _, err := e.svc.Authenticate(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(first) {
		t.Errorf("last used moved to %v within a minute of %v", got, first)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.svc.Authenticate(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(e.clock.Now()) {
		t.Errorf("last used = %v, want %v", got, e.clock.Now())
	}

	e.clock.Advance(time.Hour)
	_, err = e.svc.Authenticate(ctx, raw)
	wantUnauthenticated(t, "expired token", err, "token expired")

	raw2, tok2, err := e.svc.CreateToken(ctx, "omar", "deploy", auth.ScopeRead, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tok2.ExpiresAt != nil {
		t.Errorf("token with ttl 0 expires at %v, want never", tok2.ExpiresAt)
	}
	if err := e.svc.SetDisabled(ctx, "omar", true); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(ctx, raw2)
	wantUnauthenticated(t, "token of a disabled user", err, "user disabled")
	if err := e.svc.SetDisabled(ctx, "omar", false); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RevokeToken(ctx, auth.System(), tok2.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(ctx, raw2)
	wantUnauthenticated(t, "revoked token", err, "token revoked")

	for _, bad := range []string{"", "np_" + strings.Repeat("A", 43), "Bearer " + raw2, raw2[:len(raw2)-1], "hunter2-static"} {
		_, err := e.svc.Authenticate(ctx, bad)
		wantUnauthenticated(t, "unknown token", err, "invalid token")
		if bad != "" && err != nil && strings.Contains(err.Error(), bad) {
			t.Errorf("Authenticate error %q echoes the token", err)
		}
	}
}

func TestStaticTokens(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t,
		auth.StaticToken{Name: "ci", Token: "static-secret-for-ci-0123456789", Role: auth.RoleDeveloper, Scope: auth.ScopeWrite},
		auth.StaticToken{Name: "reader", Token: "static-secret-for-reader-012345"},
		auth.StaticToken{Name: "empty"},
	)
	for _, tt := range []struct {
		raw  string
		want auth.Principal
	}{
		{"static-secret-for-ci-0123456789", auth.Principal{Kind: auth.KindService, Subject: "ci", Name: "ci",
			Role: auth.RoleDeveloper, Scope: auth.ScopeWrite, Via: "static-token"}},
		{"static-secret-for-reader-012345", auth.Principal{Kind: auth.KindService, Subject: "reader", Name: "reader",
			Role: auth.RoleViewer, Scope: auth.ScopeRead, Via: "static-token"}}, // least by default
	} {
		got, err := e.svc.Authenticate(ctx, tt.raw)
		if err != nil {
			t.Errorf("Authenticate(static %s): %v", tt.want.Name, err)
			continue
		}
		if got.Kind != tt.want.Kind || got.Subject != tt.want.Subject || got.Role != tt.want.Role ||
			got.Scope != tt.want.Scope || got.Via != tt.want.Via {
			t.Errorf("Authenticate(static %s) = %+v, want %+v", tt.want.Name, got, tt.want)
		}
	}
	for _, bad := range []string{"", "static-secret-for-ci-012345678", "static-secret-for-ci-0123456789x"} {
		_, err := e.svc.Authenticate(ctx, bad)
		wantUnauthenticated(t, "near-miss static token", err, "invalid token")
	}
	p, _ := e.svc.Authenticate(ctx, "static-secret-for-ci-0123456789")
	if _, _, _, err := e.svc.StartSession(ctx, p); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("StartSession(static token) error = %v, want ErrInvalid", err)
	}
}

func TestCreateToken(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	for _, tt := range []struct {
		name, user, token string
		scope             auth.Scope
		ttl               time.Duration
		want              error
	}{
		{"viewer read", "vic", "a", auth.ScopeRead, 0, nil},
		{"empty scope means read", "vic", "b", "", 0, nil},
		{"viewer write", "vic", "c", auth.ScopeWrite, 0, auth.ErrForbidden},
		{"developer write", "jane", "a", auth.ScopeWrite, 0, nil},
		{"developer admin", "jane", "b", auth.ScopeAdmin, 0, auth.ErrForbidden},
		{"admin admin", "ada", "a", auth.ScopeAdmin, time.Hour, nil},
		{"unknown scope", "ada", "b", "root", 0, auth.ErrInvalid},
		{"empty name", "ada", " ", auth.ScopeRead, 0, auth.ErrInvalid},
		{"control character in name", "ada", "a\nb", auth.ScopeRead, 0, auth.ErrInvalid},
		{"negative ttl", "ada", "c", auth.ScopeRead, -time.Second, auth.ErrInvalid},
		{"unknown user", "nobody", "a", auth.ScopeRead, 0, auth.ErrNotFound},
		{"name taken", "jane", "A", auth.ScopeRead, 0, auth.ErrConflict},
	} {
		_, _, err := e.svc.CreateToken(ctx, tt.user, tt.token, tt.scope, tt.ttl)
		if !errors.Is(err, tt.want) {
			t.Errorf("CreateToken(%s) error = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := e.svc.SetDisabled(ctx, "omar", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.CreateToken(ctx, "omar", "x", auth.ScopeRead, 0); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("CreateToken for a disabled user: error = %v, want ErrForbidden", err)
	}
	for _, tt := range []struct {
		user string
		want int
	}{{"jane", 1}, {"vic", 2}, {"ada", 1}, {"", 4}} {
		ts, err := e.svc.Tokens(ctx, tt.user)
		if err != nil || len(ts) != tt.want {
			t.Errorf("Tokens(%q) = %d tokens, %v; want %d", tt.user, len(ts), err, tt.want)
		}
	}
}

func TestRevokeToken(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	jane, omar, ada := e.login(t, "jane"), e.login(t, "omar"), e.login(t, "ada")
	newToken := func() string {
		t.Helper()
		_, tok, err := e.svc.CreateToken(ctx, "jane", "t"+e.clock.Now().Format("150405.000000"), auth.ScopeWrite, 0)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Millisecond)
		return tok.ID
	}
	readToken := jane
	readToken.Scope = auth.ScopeRead
	for _, tt := range []struct {
		name string
		by   auth.Principal
		id   string
		want error
	}{
		{"by its owner", jane, newToken(), nil},
		// Another user's token is as unknown to a non-admin as a missing one.
		{"by another developer", omar, newToken(), auth.ErrNotFound},
		{"by an admin", ada, newToken(), nil},
		{"by the system", auth.System(), newToken(), nil},
		{"by the owner's read-only token", readToken, newToken(), auth.ErrForbidden},
		{"by anonymous", auth.Anonymous(), newToken(), auth.ErrForbidden},
		{"unknown id, by a user", jane, "no-such-token", auth.ErrNotFound},
		{"unknown id, by an admin", ada, "no-such-token", auth.ErrNotFound},
	} {
		if err := e.svc.RevokeToken(ctx, tt.by, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("RevokeToken %s: error = %v, want %v", tt.name, err, tt.want)
		}
	}
}

package auth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
)

func TestSessions(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	jane := e.login(t, "jane")
	cookie, csrf, expires, err := e.svc.StartSession(ctx, jane)
	if err != nil {
		t.Fatalf("StartSession: %v", err)
	}
	if len(cookie) != 43 || len(csrf) != 43 || cookie == csrf {
		t.Errorf("cookie %d and csrf %d characters, want 43 each and different", len(cookie), len(csrf))
	}
	if want := e.clock.Now().Add(12 * time.Hour); !expires.Equal(want) {
		t.Errorf("session expires %v, want %v (the default 12h)", expires, want)
	}
	if _, err := e.db.SessionByHash(ctx, cookie); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("the store finds the session by its raw cookie (err %v): it must keep only a hash", err)
	}
	// The CSRF token is kept hashed like the cookie: the stored row does not hold it.
	sum := sha256.Sum256([]byte(cookie))
	stored, err := e.db.SessionByHash(ctx, hex.EncodeToString(sum[:]))
	if err != nil {
		t.Fatalf("SessionByHash: %v", err)
	}
	if stored.CSRF == "" || strings.Contains(stored.CSRF, csrf) {
		t.Errorf("the store keeps the CSRF token %q as %q: it must keep only a hash", csrf, stored.CSRF)
	}
	p, gotCSRF, err := e.svc.SessionPrincipal(ctx, cookie)
	if err != nil {
		t.Fatalf("SessionPrincipal: %v", err)
	}
	if p.Subject != jane.Subject || p.Via != "session" || p.Role != auth.RoleDeveloper || !p.InGroup(payments) || gotCSRF != csrf {
		t.Errorf("SessionPrincipal = %+v, csrf match %v; want jane via session with her groups", p, gotCSRF == csrf)
	}

	// A role change applies to a live session at once; disabling ends it.
	if err := e.svc.SetRole(ctx, "jane", auth.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if p, _, err := e.svc.SessionPrincipal(ctx, cookie); err != nil || p.Role != auth.RoleViewer {
		t.Errorf("SessionPrincipal after SetRole = %s, %v; want viewer", p.Role, err)
	}
	if err := e.svc.SetDisabled(ctx, "jane", true); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.SessionPrincipal(ctx, cookie)
	wantUnauthenticated(t, "session of a disabled user", err, "user disabled")
	if err := e.svc.SetDisabled(ctx, "jane", false); err != nil {
		t.Fatal(err)
	}

	omarCookie, _, _, err := e.svc.StartSession(ctx, e.login(t, "omar"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.EndSession(ctx, omarCookie); err != nil {
		t.Fatalf("EndSession: %v", err)
	}
	_, _, err = e.svc.SessionPrincipal(ctx, omarCookie)
	wantUnauthenticated(t, "ended session", err, "invalid session")
	_, _, err = e.svc.SessionPrincipal(ctx, "forged-cookie-value")
	wantUnauthenticated(t, "unknown session", err, "invalid session")
	_, _, err = e.svc.SessionPrincipal(ctx, "")
	wantUnauthenticated(t, "no cookie", err, "no session")

	e.clock.Advance(12 * time.Hour)
	_, _, err = e.svc.SessionPrincipal(ctx, cookie)
	wantUnauthenticated(t, "expired session", err, "session expired")

	for _, p := range []auth.Principal{auth.Anonymous(), auth.System(),
		{Kind: auth.KindGuest, Subject: "guest", Name: "guest", Role: auth.RoleDeveloper, Via: "demo"}} {
		if _, _, _, err := e.svc.StartSession(ctx, p); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("StartSession(%s) error = %v, want ErrInvalid", p.Kind, err)
		}
	}
}

func TestOIDCSession(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	p, err := e.svc.LoginOIDC(ctx, "nina@fernway.example", "")
	if err != nil {
		t.Fatal(err)
	}
	cookie, _, _, err := e.svc.StartSession(ctx, p)
	if err != nil {
		t.Fatalf("StartSession(oidc user without a local account): %v", err)
	}
	got, _, err := e.svc.SessionPrincipal(ctx, cookie)
	if err != nil || got.UserRef != "user:default/nina" || got.Role != auth.RoleDeveloper || !got.InGroup(payments) {
		t.Errorf("SessionPrincipal = %+v, %v; want nina, developer, in payments-team", got, err)
	}
	// A local account created later for her catalog user decides from then on.
	if _, err := e.svc.AddUser(ctx, auth.NewUser{Name: "nina", Role: auth.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := e.svc.SessionPrincipal(ctx, cookie); err != nil || got.Role != auth.RoleViewer {
		t.Errorf("SessionPrincipal after a local account = %s, %v; want viewer", got.Role, err)
	}
	if err := e.svc.SetDisabled(ctx, "nina", true); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.SessionPrincipal(ctx, cookie)
	wantUnauthenticated(t, "oidc session of a disabled user", err, "user disabled")
}

func TestSessionTTL(t *testing.T) {
	ctx := t.Context()
	e := newTestService(t)
	svc := auth.NewService(auth.Options{Store: e.db, SessionTTL: time.Hour, Now: e.clock.Now})
	p, err := svc.Login(ctx, "jane", password, "")
	if err != nil {
		t.Fatal(err)
	}
	cookie, _, expires, err := svc.StartSession(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(time.Hour); !expires.Equal(want) {
		t.Errorf("expires = %v, want %v", expires, want)
	}
	e.clock.Advance(time.Hour - time.Second)
	if _, _, err := svc.SessionPrincipal(ctx, cookie); err != nil {
		t.Errorf("SessionPrincipal just before expiry: %v", err)
	}
	e.clock.Advance(time.Second)
	_, _, err = svc.SessionPrincipal(ctx, cookie)
	wantUnauthenticated(t, "session at expiry", err, "session expired")
}

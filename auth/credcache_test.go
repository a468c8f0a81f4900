package auth_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
)

// TestCredentialCache checks how long a change made outside the Service (as the CLI or
// another replica makes it, straight in the store) takes to apply to a checked token or
// session: within Options.CredentialTTL, at once after ForgetCredentials, and at once
// when the TTL is negative. Changes made through the Service apply at once (the token,
// session and user tests check those).
func TestCredentialCache(t *testing.T) {
	type cred struct {
		check func() error
		// change refuses the credential by writing the store directly.
		change func(t *testing.T)
	}
	token := func(t *testing.T, e env, revoke bool) cred {
		raw, tok, err := e.svc.CreateToken(t.Context(), "jane", "ci", auth.ScopeRead, 0)
		if err != nil {
			t.Fatal(err)
		}
		return cred{
			check: func() error { _, err := e.svc.Authenticate(context.Background(), raw); return err },
			change: func(t *testing.T) {
				if revoke {
					if err := e.db.RevokeToken(t.Context(), tok.ID, e.clock.Now()); err != nil {
						t.Fatal(err)
					}
					return
				}
				disable(t, e, "jane")
			},
		}
	}
	session := func(t *testing.T, e env, end bool) cred {
		cookie, _, _, err := e.svc.StartSession(t.Context(), e.login(t, "jane"))
		if err != nil {
			t.Fatal(err)
		}
		return cred{
			check: func() error { _, _, err := e.svc.SessionPrincipal(context.Background(), cookie); return err },
			change: func(t *testing.T) {
				if end {
					sum := sha256.Sum256([]byte(cookie))
					if err := e.db.DeleteSession(t.Context(), hex.EncodeToString(sum[:])); err != nil {
						t.Fatal(err)
					}
					return
				}
				disable(t, e, "jane")
			},
		}
	}
	for _, tc := range []struct {
		name   string
		ttl    time.Duration
		make   func(*testing.T, env) cred
		forget bool          // call ForgetCredentials after the change
		wait   time.Duration // advance the clock by this after the change
		want   bool          // still accepted after the change
	}{
		{"token revoked, within the TTL", 0, func(t *testing.T, e env) cred { return token(t, e, true) }, false, 900 * time.Millisecond, true},
		{"token revoked, TTL passed", 0, func(t *testing.T, e env) cred { return token(t, e, true) }, false, auth.DefaultCredentialTTL, false},
		{"token revoked, forgotten", 0, func(t *testing.T, e env) cred { return token(t, e, true) }, true, 0, false},
		{"token revoked, no cache", -1, func(t *testing.T, e env) cred { return token(t, e, true) }, false, 0, false},
		{"token's user disabled, within the TTL", 0, func(t *testing.T, e env) cred { return token(t, e, false) }, false, 0, true},
		{"token's user disabled, TTL passed", 0, func(t *testing.T, e env) cred { return token(t, e, false) }, false, time.Minute, false},
		{"session ended, within the TTL", 0, func(t *testing.T, e env) cred { return session(t, e, true) }, false, 0, true},
		{"session ended, TTL passed", 0, func(t *testing.T, e env) cred { return session(t, e, true) }, false, auth.DefaultCredentialTTL, false},
		{"session's user disabled, forgotten", 0, func(t *testing.T, e env) cred { return session(t, e, false) }, true, 0, false},
		{"session's user disabled, no cache", -1, func(t *testing.T, e env) cred { return session(t, e, false) }, false, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestServiceWith(t, auth.Options{CredentialTTL: tc.ttl})
			c := tc.make(t, e)
			if err := c.check(); err != nil {
				t.Fatalf("before the change: %v", err)
			}
			c.change(t)
			if tc.forget {
				e.svc.ForgetCredentials()
			}
			e.clock.Advance(tc.wait)
			err := c.check()
			if tc.want && err != nil {
				t.Errorf("after the change: %v, want still accepted", err)
			}
			if !tc.want && !errors.Is(err, auth.ErrUnauthenticated) {
				t.Errorf("after the change: %v, want ErrUnauthenticated", err)
			}
		})
	}
}

// TestCredentialCacheKeepsExpiry checks that a cached token still ends at its expiry.
func TestCredentialCacheKeepsExpiry(t *testing.T) {
	e := newTestServiceWith(t, auth.Options{CredentialTTL: time.Hour})
	raw, _, err := e.svc.CreateToken(t.Context(), "jane", "ci", auth.ScopeRead, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(t.Context(), raw); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.svc.Authenticate(t.Context(), raw); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("Authenticate at the token's expiry = %v, want ErrUnauthenticated", err)
	}
}

// disable marks a user disabled in the store, bypassing the Service.
func disable(t *testing.T, e env, name string) {
	t.Helper()
	u, err := e.db.UserByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	if err := e.db.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
}

package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/nextportal/portal/internal/errkind"
)

// touchEvery bounds how often a token's last-used time is written.
const touchEvery = time.Minute

// maxTokenNameLen bounds a token's name.
const maxTokenNameLen = 100

var errInvalidToken = errkind.Errorf(ErrUnauthenticated, "invalid token")

// Authenticate checks a bearer token: a static token or an API token (not revoked, not
// expired, its user not disabled), recording its use. Failures are ErrUnauthenticated with
// a message saying which (unknown, expired, revoked) but never echoing the token.
func (s *Service) Authenticate(ctx context.Context, raw string) (Principal, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Principal{}, errInvalidToken
	}
	if st, ok := s.staticToken(raw); ok {
		return Principal{Kind: KindService, Subject: st.Name, Name: st.Name, Role: st.Role, Scope: st.Scope,
			Via: "static-token"}, nil
	}
	if !strings.HasPrefix(raw, TokenPrefix) {
		return Principal{}, errInvalidToken
	}
	key := credKey{kind: credToken, digest: sha256.Sum256([]byte(raw))}
	now := s.now()
	if e := s.creds.get(key, now); e != nil && now.Before(e.touchAt) {
		return e.p, nil
	}
	gen := s.creds.generation()
	t, err := s.o.Store.TokenByHash(ctx, hexDigest(key.digest))
	if errors.Is(err, ErrNotFound) {
		return Principal{}, errInvalidToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("check token: %w", err)
	}
	switch {
	case t.RevokedAt != nil:
		return Principal{}, errkind.Errorf(ErrUnauthenticated, "token revoked")
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return Principal{}, errkind.Errorf(ErrUnauthenticated, "token expired")
	}
	u, err := s.o.Store.UserByID(ctx, t.UserID)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, errInvalidToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("check token %s: %w", t.ID, err)
	}
	if u.Disabled {
		return Principal{}, errkind.Errorf(ErrUnauthenticated, "user disabled")
	}
	touched := now
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if err := s.o.Store.TouchToken(ctx, t.ID, now); err != nil {
			return Principal{}, fmt.Errorf("record use of token %s: %w", t.ID, err)
		}
	} else {
		touched = *t.LastUsedAt
	}
	p, err := s.principalOf(ctx, u, "token")
	if err != nil {
		return Principal{}, fmt.Errorf("check token %s: %w", t.ID, err)
	}
	p.Scope = t.Scope
	s.creds.put(key, credEntry{p: p, expiresAt: t.ExpiresAt, touchAt: touched.Add(touchEvery)}, now, gen)
	return p, nil
}

// staticToken returns the configured static token raw is, comparing with every one in
// constant time (hashes first, so lengths don't leak either).
func (s *Service) staticToken(raw string) (StaticToken, bool) {
	got := sha256.Sum256([]byte(raw))
	var match StaticToken
	found := 0
	for i, want := range s.staticDigests {
		eq := subtle.ConstantTimeCompare(got[:], want[:])
		if eq == 1 && found == 0 {
			match = s.o.StaticTokens[i]
		}
		found |= eq
	}
	return match, found == 1
}

// CreateToken creates an API token for the user named userName and returns the raw token,
// shown once. ttl 0 means it never expires. The scope (empty means read) may not exceed
// the user's role: viewers get read, developers up to write, admins any (ErrForbidden
// otherwise). A disabled user gets ErrForbidden; a name the user already uses for an
// unrevoked token, ErrConflict.
func (s *Service) CreateToken(ctx context.Context, userName, tokenName string, scope Scope, ttl time.Duration) (string, Token, error) {
	tokenName = strings.TrimSpace(tokenName)
	if err := checkTokenName(tokenName); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	if scope == "" {
		scope = ScopeRead
	}
	scope, err := ParseScope(string(scope))
	if err != nil {
		return "", Token{}, fmt.Errorf("create token %s: %w", tokenName, err)
	}
	if ttl < 0 {
		return "", Token{}, errkind.Errorf(ErrInvalid, "create token %s: negative lifetime", tokenName)
	}
	u, err := s.o.Store.UserByName(ctx, userName)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token %s: %w", tokenName, err)
	}
	if u.Disabled {
		return "", Token{}, errkind.Errorf(ErrForbidden, "create token %s: user %s is disabled", tokenName, u.Name)
	}
	if top := maxScope(u.Role); !scopeAtLeast(top, scope) {
		return "", Token{}, errkind.Errorf(ErrForbidden, "create token %s: scope %s exceeds what role %s allows (%s)", tokenName, scope, u.Role, top)
	}
	secret, err := newSecret(32)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token %s: %w", tokenName, err)
	}
	raw := TokenPrefix + secret
	now := s.now()
	t := Token{UserID: u.ID, Name: tokenName, Scope: scope, Hash: hashSecret(raw), CreatedAt: now}
	if ttl > 0 {
		exp := now.Add(ttl)
		t.ExpiresAt = &exp
	}
	if t, err = s.o.Store.CreateToken(ctx, t); err != nil {
		return "", Token{}, fmt.Errorf("create token %s for %s: %w", tokenName, u.Name, err)
	}
	return raw, t, nil
}

// checkTokenName refuses empty, long or unprintable token names.
func checkTokenName(name string) error {
	if name == "" || len(name) > maxTokenNameLen || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return errkind.Errorf(ErrInvalid, "token name must be 1 to %d printable characters", maxTokenNameLen)
	}
	return nil
}

// maxScope is the widest token scope a role may hold.
func maxScope(r Role) Scope {
	switch r {
	case RoleAdmin:
		return ScopeAdmin
	case RoleDeveloper:
		return ScopeWrite
	}
	return ScopeRead
}

// Tokens lists the tokens of the user named userName (all tokens when empty), newest first.
func (s *Service) Tokens(ctx context.Context, userName string) ([]Token, error) {
	id := ""
	if userName != "" {
		u, err := s.o.Store.UserByName(ctx, userName)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		id = u.ID
	}
	ts, err := s.o.Store.Tokens(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes a token by id. Only its owner (a user who may manage their own
// tokens) or an admin may (ErrForbidden otherwise, ErrNotFound for an unknown id).
func (s *Service) RevokeToken(ctx context.Context, by Principal, id string) error {
	var pol Policy
	if !pol.Allow(by, ActionAdmin, Resource{}) {
		if !pol.Allow(by, ActionManageOwnTokens, Resource{}) {
			return errkind.Errorf(ErrForbidden, "revoke token %s", id)
		}
		all, err := s.o.Store.Tokens(ctx, "")
		if err != nil {
			return fmt.Errorf("revoke token %s: %w", id, err)
		}
		owner, ok := "", false
		for _, t := range all {
			if t.ID == id {
				owner, ok = t.UserID, true
				break
			}
		}
		if !ok {
			return errkind.Errorf(ErrNotFound, "revoke token %s", id)
		}
		if owner != by.Subject {
			// Another user's token is answered like a missing one, so ids cannot be probed.
			return errkind.Errorf(ErrNotFound, "revoke token %s", id)
		}
	}
	// Forgotten whatever the outcome: the store may have taken the change before failing.
	defer s.creds.forget()
	if err := s.o.Store.RevokeToken(ctx, id, s.now()); err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	return nil
}

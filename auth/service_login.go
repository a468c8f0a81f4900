package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// errBadLogin is the one answer to every failed password login: no such user, no password,
// wrong password, disabled.
var errBadLogin = errkind.Errorf(ErrUnauthenticated, "invalid name or password")

// errNoCatalogUser is the answer to an OIDC identity that matches no catalog User.
var errNoCatalogUser = errkind.Errorf(ErrUnauthenticated, "no catalog user for this identity")

// Login checks a name and password from remote (the client address). Failures are
// ErrUnauthenticated with one message for every cause (no user, wrong password,
// disabled), and are rate limited per address and per name: past the limit it returns
// ErrRateLimited (a *LimitError) without checking the password. A success clears the
// name's failures.
func (s *Service) Login(ctx context.Context, name, password, remote string) (Principal, error) {
	now := s.now()
	if err := s.limiter.check(now, name, remote); err != nil {
		return Principal{}, err
	}
	u, ok, err := s.checkPassword(ctx, name, password)
	if err != nil {
		return Principal{}, fmt.Errorf("login: %w", err)
	}
	if !ok {
		s.limiter.fail(now, name, remote)
		return Principal{}, errBadLogin
	}
	s.limiter.reset(name)
	p, err := s.principalOf(ctx, u, "password")
	if err != nil {
		return Principal{}, fmt.Errorf("login %s: %w", u.Name, err)
	}
	return p, nil
}

// checkPassword reports whether name is an enabled user whose password is password. It
// does the same argon2id work whether or not the user exists.
func (s *Service) checkPassword(ctx context.Context, name, password string) (User, bool, error) {
	u, err := s.o.Store.UserByName(ctx, strings.TrimSpace(name))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, false, err
	}
	hash := u.PasswordHash
	if err != nil || hash == "" {
		hash = s.dummyHash()
	}
	match, verr := verifyPassword(hash, password)
	if verr != nil {
		return User{}, false, fmt.Errorf("user %s: %w", u.Name, verr)
	}
	return u, match && err == nil && u.PasswordHash != "" && !u.Disabled, nil
}

// LoginOIDC turns a verified OIDC identity into a principal: the catalog User is found by
// the claim value (an email, or a user ref), its local account (if any) gives the role and
// may be disabled; without one the role is Options.OIDCRole.
func (s *Service) LoginOIDC(ctx context.Context, email, userRef string) (Principal, error) {
	ref, err := s.resolveIdentity(ctx, strings.TrimSpace(email), strings.TrimSpace(userRef))
	if err != nil {
		return Principal{}, err
	}
	p, err := s.oidcPrincipal(ctx, ref)
	if err != nil {
		return Principal{}, err
	}
	p.Via = "oidc"
	return p, nil
}

// resolveIdentity returns the canonical ref of the catalog User an OIDC identity names.
func (s *Service) resolveIdentity(ctx context.Context, email, userRef string) (string, error) {
	if userRef != "" {
		ref, err := CanonicalUserRef(userRef)
		if err != nil || s.o.Directory == nil {
			return "", errNoCatalogUser
		}
		ok, err := s.o.Directory.HasUser(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("find catalog user %s: %w", ref, err)
		}
		if !ok {
			return "", errNoCatalogUser
		}
		return ref, nil
	}
	if email == "" || s.o.Directory == nil {
		return "", errNoCatalogUser
	}
	ref, err := s.o.Directory.UserRefByEmail(ctx, email)
	// The Directory's not-found (catalog.ErrNotFound) is of kind NotFound, so ErrNotFound matches it.
	if errors.Is(err, ErrNotFound) || (err == nil && ref == "") {
		return "", errNoCatalogUser
	}
	if err != nil {
		return "", fmt.Errorf("find catalog user by email: %w", err)
	}
	return strings.ToLower(ref), nil
}

// oidcPrincipal is the principal of the catalog User ref signed in through OIDC: its local
// account's, if it has one, else a user with Options.OIDCRole and Subject "oidc:"+ref.
func (s *Service) oidcPrincipal(ctx context.Context, ref string) (Principal, error) {
	u, err := s.o.Store.UserByRef(ctx, ref)
	switch {
	case err == nil && u.Disabled:
		return Principal{}, errkind.Errorf(ErrUnauthenticated, "user disabled")
	case err == nil:
		return s.principalOf(ctx, u, "oidc")
	case !errors.Is(err, ErrNotFound):
		return Principal{}, fmt.Errorf("oidc login %s: %w", ref, err)
	}
	groups, err := s.groupsOf(ctx, ref)
	if err != nil {
		return Principal{}, fmt.Errorf("oidc login %s: %w", ref, err)
	}
	return Principal{Kind: KindUser, Subject: oidcSubjectPrefix + ref, Name: refName(ref), UserRef: ref,
		Groups: groups, Role: s.o.OIDCRole, Via: "oidc"}, nil
}

// oidcSubjectPrefix marks the Subject (and session user id) of an OIDC user who has no
// local account.
const oidcSubjectPrefix = "oidc:"

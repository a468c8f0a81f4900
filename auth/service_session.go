package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// sweepEvery is how often StartSession deletes expired sessions.
const sweepEvery = time.Hour

// StartSession creates a browser session for p (a user or service account signed in by
// password or OIDC) and returns the raw cookie value and the CSRF token. Other principals
// (guest, system, static tokens) get ErrInvalid.
func (s *Service) StartSession(ctx context.Context, p Principal) (cookie, csrf string, expires time.Time, err error) {
	if (p.Kind != KindUser && p.Kind != KindService) || p.Subject == "" || p.Via == "static-token" {
		return "", "", time.Time{}, errkind.Errorf(ErrInvalid, "start session: a %s principal cannot have a session", p.Kind)
	}
	if err := s.sweepSessions(ctx); err != nil {
		return "", "", time.Time{}, fmt.Errorf("start session: %w", err)
	}
	if cookie, err = newSecret(32); err != nil {
		return "", "", time.Time{}, fmt.Errorf("start session: %w", err)
	}
	csrf = csrfOf(cookie)
	via := p.Via
	if via != "oidc" {
		via = "password"
	}
	now := s.now()
	sess := Session{Hash: hashSecret(cookie), UserID: p.Subject, CSRF: hashSecret(csrf), Via: via, CreatedAt: now,
		ExpiresAt: now.Add(s.o.SessionTTL)}
	if err := s.o.Store.CreateSession(ctx, sess); err != nil {
		return "", "", time.Time{}, fmt.Errorf("start session for %s: %w", p.Name, err)
	}
	return cookie, csrf, sess.ExpiresAt, nil
}

// sweepSessions deletes expired sessions, at most once per sweepEvery.
func (s *Service) sweepSessions(ctx context.Context) error {
	now := s.now()
	s.mu.Lock()
	due := now.Sub(s.lastSweep) >= sweepEvery
	if due {
		s.lastSweep = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.o.Store.DeleteExpiredSessions(ctx, now)
}

// SessionPrincipal returns the principal of a session cookie and its CSRF token, or
// ErrUnauthenticated (unknown, expired, stored with an unhashed CSRF token by an older
// version, or its user disabled). The principal's Via is
// "session". A checked session is trusted for Options.CredentialTTL: changes to its user
// made through this Service apply at once, others within that time.
func (s *Service) SessionPrincipal(ctx context.Context, cookie string) (Principal, string, error) {
	if cookie == "" {
		return Principal{}, "", errkind.Errorf(ErrUnauthenticated, "no session")
	}
	key := credKey{kind: credSession, digest: sha256.Sum256([]byte(cookie))}
	now := s.now()
	if e := s.creds.get(key, now); e != nil {
		return e.p, e.csrf, nil
	}
	gen := s.creds.generation()
	sess, err := s.o.Store.SessionByHash(ctx, hexDigest(key.digest))
	if errors.Is(err, ErrNotFound) {
		return Principal{}, "", errkind.Errorf(ErrUnauthenticated, "invalid session")
	}
	if err != nil {
		return Principal{}, "", fmt.Errorf("read session: %w", err)
	}
	if !now.Before(sess.ExpiresAt) {
		return Principal{}, "", errkind.Errorf(ErrUnauthenticated, "session expired")
	}
	csrf := csrfOf(cookie)
	if subtle.ConstantTimeCompare([]byte(hashSecret(csrf)), []byte(sess.CSRF)) != 1 {
		// A session stored before CSRF tokens were hashed: sign in again.
		return Principal{}, "", fmt.Errorf("invalid session: %w", ErrUnauthenticated)
	}
	p, err := s.sessionUser(ctx, sess.UserID)
	if err != nil {
		return Principal{}, "", err
	}
	p.Via = "session"
	s.creds.put(key, credEntry{p: p, csrf: csrf, expiresAt: &sess.ExpiresAt}, now, gen)
	return p, csrf, nil
}

// sessionUser is the principal a session's user id stands for.
func (s *Service) sessionUser(ctx context.Context, userID string) (Principal, error) {
	if ref, ok := strings.CutPrefix(userID, oidcSubjectPrefix); ok {
		return s.oidcPrincipal(ctx, ref)
	}
	u, err := s.o.Store.UserByID(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return Principal{}, errkind.Errorf(ErrUnauthenticated, "invalid session")
	}
	if err != nil {
		return Principal{}, fmt.Errorf("read session user: %w", err)
	}
	if u.Disabled {
		return Principal{}, errkind.Errorf(ErrUnauthenticated, "user disabled")
	}
	return s.principalOf(ctx, u, "session")
}

// EndSession deletes a session; ending an unknown session is not an error.
func (s *Service) EndSession(ctx context.Context, cookie string) error {
	if cookie == "" {
		return nil
	}
	defer s.creds.forget() // whatever the outcome: the store may have taken the change before failing
	if err := s.o.Store.DeleteSession(ctx, hashSecret(cookie)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// CreateSession stores s; ErrConflict if a session with its hash exists.
func (db *DB) CreateSession(ctx context.Context, s auth.Session) error {
	if s.Hash == "" || s.UserID == "" {
		return errkind.Errorf(auth.ErrInvalid, "create session: hash and user are required")
	}
	defer db.lockWrites()()
	_, err := db.sql.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, csrf, via, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.Hash, s.UserID, s.CSRF, s.Via, createdAt(s.CreatedAt), dbTime(s.ExpiresAt))
	// The hash identifies a credential, so it stays out of the error.
	return translate("create session for "+s.UserID, err)
}

// SessionByHash returns the session with that hash, expired ones included, or ErrNotFound.
func (db *DB) SessionByHash(ctx context.Context, hash string) (auth.Session, error) {
	var s auth.Session
	err := db.sql.QueryRowContext(ctx, `SELECT hash, user_id, csrf, via, created_at, expires_at
		FROM sessions WHERE hash = $1`, hash).Scan(&s.Hash, &s.UserID, &s.CSRF, &s.Via, &s.CreatedAt, &s.ExpiresAt)
	if err != nil {
		return auth.Session{}, translate("session by hash", err)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s, nil
}

// DeleteSession removes a session; deleting a missing one is not an error.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	defer db.lockWrites()()
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that expired before now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	defer db.lockWrites()()
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, dbTime(now)); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

const tokenColumns = "id, user_id, name, scope, hash, created_at, expires_at, last_used_at, revoked_at"

func scanToken(sc scanner) (auth.Token, error) {
	var t auth.Token
	var scope string
	var expires, used, revoked sql.NullTime
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &scope, &t.Hash, &t.CreatedAt, &expires, &used, &revoked); err != nil {
		return t, err
	}
	t.Scope = auth.Scope(scope)
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(expires), timePtr(used), timePtr(revoked)
	return t, nil
}

// CreateToken stores t with ID assigned, and CreatedAt unless set. It returns ErrConflict
// when the user has an unrevoked token of that name (in any case) or the hash exists, and
// ErrNotFound when the user does not exist.
func (db *DB) CreateToken(ctx context.Context, t auth.Token) (auth.Token, error) {
	if strings.TrimSpace(t.Name) == "" || t.Hash == "" {
		return auth.Token{}, errkind.Errorf(auth.ErrInvalid, "create token: name and hash are required")
	}
	defer db.lockWrites()()
	t.ID = uuid.NewString()
	t.CreatedAt = createdAt(t.CreatedAt)
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, t.UserID).Scan(&n); err != nil {
		return auth.Token{}, fmt.Errorf("create token %s: %w", t.Name, err)
	}
	if n == 0 {
		return auth.Token{}, errkind.Errorf(auth.ErrNotFound, "create token %s: user %s", t.Name, t.UserID)
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO tokens (id, user_id, name, name_key, scope, hash, created_at,
		expires_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.UserID, t.Name, strings.ToLower(t.Name), string(t.Scope), t.Hash, t.CreatedAt,
		nullTime(t.ExpiresAt), nullTime(t.LastUsedAt), nullTime(t.RevokedAt))
	if err != nil {
		return auth.Token{}, translate("create token "+t.Name, err)
	}
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(nullTime(t.ExpiresAt)), timePtr(nullTime(t.LastUsedAt)), timePtr(nullTime(t.RevokedAt))
	return t, nil
}

// TokenByHash returns the token with that hash, revoked and expired ones included, or
// ErrNotFound.
func (db *DB) TokenByHash(ctx context.Context, hash string) (auth.Token, error) {
	t, err := scanToken(db.sql.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	// The hash identifies a credential, so it stays out of the error.
	return t, translate("token by hash", err)
}

// Tokens lists a user's tokens (every token when userID is empty), newest first.
func (db *DB) Tokens(ctx context.Context, userID string) ([]auth.Token, error) {
	q := `SELECT ` + tokenColumns + ` FROM tokens`
	var args []any
	if userID != "" {
		q += ` WHERE user_id = $1`
		args = append(args, userID)
	}
	out, err := collectRows(ctx, db.sql, q+` ORDER BY created_at DESC, id DESC`, args, scanToken)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken sets the token's RevokedAt (keeping the first revocation time when revoked
// twice); ErrNotFound if there is no such token.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`,
		id, dbTime(at))
	return changed("revoke token "+id, res, err)
}

// TouchToken records a use of the token at at; ErrNotFound if there is no such token.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `UPDATE tokens SET last_used_at = $2 WHERE id = $1`, id, dbTime(at))
	return changed("touch token "+id, res, err)
}

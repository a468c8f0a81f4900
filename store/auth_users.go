package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

const userColumns = "id, name, email, user_ref, role, password_hash, disabled, service_account, created_at"

func scanUser(sc scanner) (auth.User, error) {
	var u auth.User
	var role string
	if err := sc.Scan(&u.ID, &u.Name, &u.Email, &u.UserRef, &role, &u.PasswordHash, &u.Disabled,
		&u.ServiceAccount, &u.CreatedAt); err != nil {
		return u, err
	}
	u.Role = auth.Role(role)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// CreateUser stores u with ID assigned, and CreatedAt unless set; ErrConflict if the name (in any case)
// or the catalog user ref is taken.
func (db *DB) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	if strings.TrimSpace(u.Name) == "" {
		return auth.User{}, errkind.Errorf(auth.ErrInvalid, "create user: empty name")
	}
	defer db.lockWrites()()
	u.ID = uuid.NewString()
	u.UserRef = strings.ToLower(u.UserRef)
	u.CreatedAt = createdAt(u.CreatedAt)
	_, err := db.sql.ExecContext(ctx, `INSERT INTO users (id, name, name_key, email, user_ref, role,
		password_hash, disabled, service_account, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		u.ID, u.Name, strings.ToLower(u.Name), u.Email, u.UserRef, string(u.Role), u.PasswordHash,
		u.Disabled, u.ServiceAccount, u.CreatedAt)
	if err != nil {
		return auth.User{}, translate("create user "+u.Name, err)
	}
	return u, nil
}

// UserByID returns the user with that id, or ErrNotFound.
func (db *DB) UserByID(ctx context.Context, id string) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, translate("user "+id, err)
}

// UserByName returns the user with that name in any case, or ErrNotFound.
func (db *DB) UserByName(ctx context.Context, name string) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name_key = $1`,
		strings.ToLower(name)))
	return u, translate("user "+name, err)
}

// UserByRef returns the user linked to the catalog User userRef, or ErrNotFound.
func (db *DB) UserByRef(ctx context.Context, userRef string) (auth.User, error) {
	if userRef == "" {
		return auth.User{}, errkind.Errorf(auth.ErrNotFound, "user by ref: empty ref")
	}
	u, err := scanUser(db.sql.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE user_ref = $1`,
		strings.ToLower(userRef)))
	return u, translate("user of "+userRef, err)
}

// Users lists every user, by name.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	out, err := collectRows(ctx, db.sql, `SELECT `+userColumns+` FROM users ORDER BY name_key`, nil, scanUser)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// UpdateUser replaces the email, user ref, role, password hash and disabled flag of the user
// with u.ID; ErrNotFound if there is none, ErrConflict if the user ref is another user's.
func (db *DB) UpdateUser(ctx context.Context, u auth.User) error {
	u.UserRef = strings.ToLower(u.UserRef)
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `UPDATE users SET email = $2, user_ref = $3, role = $4,
		password_hash = $5, disabled = $6 WHERE id = $1`,
		u.ID, u.Email, u.UserRef, string(u.Role), u.PasswordHash, u.Disabled)
	return changed("update user "+u.ID, res, err)
}

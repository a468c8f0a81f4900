package auth

import (
	"context"
	"time"
)

// User is a local account: a person (linked to a catalog User entity) or a service account.
type User struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"` // login name, unique
	Email          string    `json:"email,omitempty"`
	UserRef        string    `json:"userRef,omitempty"` // catalog User entity, canonical ref
	Role           Role      `json:"role"`
	PasswordHash   string    `json:"-"` // argon2id, PHC string format; empty: no password login
	Disabled       bool      `json:"disabled"`
	ServiceAccount bool      `json:"serviceAccount"`
	CreatedAt      time.Time `json:"createdAt"`
}

// Token is a stored API token. Only its hash is kept; the raw token is shown once.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"userId"`
	Name       string     `json:"name"`
	Scope      Scope      `json:"scope"`
	Hash       string     `json:"-"` // hex sha256 of the raw token
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// Session is a browser session. Only the hash of the cookie value is kept.
type Session struct {
	Hash      string // hex sha256 of the cookie value
	UserID    string
	CSRF      string // hex sha256 of the token state-changing form posts must echo
	Via       string // password or oidc
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AuditEvent is one change: who did what to what, when and from where.
type AuditEvent struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`   // principal kind and name, e.g. "user:jane", "token:ci"
	Action  string    `json:"action"`  // e.g. "POST /api/catalog/locations", "user.add"
	Target  string    `json:"target"`  // e.g. the entity ref or location target
	Status  int       `json:"status"`  // HTTP status, or 0 for CLI actions
	Remote  string    `json:"remote"`  // client address, or "cli"
	Details string    `json:"details"` // short free text; never secrets
}

// AuditQuery selects audit events, newest first.
type AuditQuery struct {
	Actor    string // exact match when set
	Action   string // substring match when set
	BeforeID int64  // events with a smaller id (cursor paging); 0 means from the newest
	Limit    int    // 0 means 100
}

// Store is what auth needs from a database. Package store implements it on SQLite and
// PostgreSQL; storetest.Auth holds the contract. Names compare case-insensitively.
type Store interface {
	// CreateUser stores u with ID and CreatedAt assigned; ErrConflict if the name exists.
	CreateUser(ctx context.Context, u User) (User, error)
	// UserByID, UserByName and UserByRef return one user or ErrNotFound.
	UserByID(ctx context.Context, id string) (User, error)
	UserByName(ctx context.Context, name string) (User, error)
	UserByRef(ctx context.Context, userRef string) (User, error)
	// Users lists every user, by name.
	Users(ctx context.Context) ([]User, error)
	// UpdateUser replaces the mutable fields (email, user ref, role, password hash,
	// disabled) of the user with u.ID; ErrNotFound if none.
	UpdateUser(ctx context.Context, u User) error

	// CreateToken stores t with ID and CreatedAt assigned.
	CreateToken(ctx context.Context, t Token) (Token, error)
	// TokenByHash returns the token with that hash (revoked and expired ones included), or
	// ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Tokens lists a user's tokens (every token when userID is empty), newest first.
	Tokens(ctx context.Context, userID string) ([]Token, error)
	// RevokeToken sets RevokedAt; ErrNotFound if there is no such token.
	RevokeToken(ctx context.Context, id string, at time.Time) error
	// TouchToken records a use of the token.
	TouchToken(ctx context.Context, id string, at time.Time) error

	// CreateSession stores s.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns the session or ErrNotFound (expired ones included).
	SessionByHash(ctx context.Context, hash string) (Session, error)
	// DeleteSession removes a session; deleting a missing one is not an error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	// AppendAudit stores an event with ID assigned.
	AppendAudit(ctx context.Context, e AuditEvent) error
	// Audit returns events matching q, newest first.
	Audit(ctx context.Context, q AuditQuery) ([]AuditEvent, error)
}

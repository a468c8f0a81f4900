package auth

import (
	"context"
	"errors"
	"time"
)

// NOTE: this file fixes the Service API other packages code against. Bodies are being
// written; signatures change only by agreement.

var errUnwritten = errors.New("auth: service method not yet written")

// Directory is what auth needs from the catalog: package catalog's Service implements it.
type Directory interface {
	// GroupsOf returns the canonical refs of the groups the catalog User userRef belongs
	// to: memberOf, and every ancestor of those groups through childOf. Unknown users have
	// none.
	GroupsOf(ctx context.Context, userRef string) ([]string, error)
	// UserRefByEmail returns the canonical ref of the catalog User whose
	// spec.profile.email is email (case-insensitive), or ErrNotFound wrapped.
	UserRefByEmail(ctx context.Context, email string) (string, error)
}

// StaticToken is a token from configuration (PORTAL_STATIC_TOKENS), like Backstage's
// externalAccess static tokens: for automation that has no user.
type StaticToken struct {
	Name  string
	Token string // raw; compared in constant time
	Role  Role
	Scope Scope
}

// Options configure a Service.
type Options struct {
	Store        Store
	Directory    Directory
	StaticTokens []StaticToken
	SessionTTL   time.Duration    // default 12h
	OIDCRole     Role             // role of OIDC users who have no local account; default developer
	Now          func() time.Time // default time.Now
}

// Service checks credentials and manages users, tokens, sessions and the audit log.
type Service struct {
	o Options
}

// NewService returns a Service.
func NewService(o Options) *Service { return &Service{o: o} }

// NewUser is what AddUser needs.
type NewUser struct {
	Name           string
	Email          string
	UserRef        string // catalog User ref; "jane" means user:default/jane
	Role           Role
	Password       string // empty: no password login (e.g. service accounts, OIDC-only users)
	ServiceAccount bool
}

// AddUser creates a user, hashing the password with argon2id. Weak passwords (under 12
// characters) are refused with ErrInvalid.
func (s *Service) AddUser(ctx context.Context, u NewUser) (User, error) { return User{}, errUnwritten }

// Users lists users.
func (s *Service) Users(ctx context.Context) ([]User, error) { return nil, errUnwritten }

// SetDisabled disables or enables a user by name; a disabled user's sessions and tokens stop
// working at once.
func (s *Service) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return errUnwritten
}

// Login checks a name and password from remote (the client address). Failures are
// ErrUnauthenticated with one message for every cause (no user, wrong password,
// disabled), and are rate limited per address and per name: past the limit it returns
// ErrRateLimited without checking the password.
func (s *Service) Login(ctx context.Context, name, password, remote string) (Principal, error) {
	return Principal{}, errUnwritten
}

// LoginOIDC turns a verified OIDC identity into a principal: the catalog User is found by
// the claim value (an email, or a user ref), its local account (if any) gives the role and
// may be disabled; without one the role is Options.OIDCRole.
func (s *Service) LoginOIDC(ctx context.Context, email, userRef string) (Principal, error) {
	return Principal{}, errUnwritten
}

// StartSession creates a browser session for p (a user) and returns the raw cookie value
// and the CSRF token.
func (s *Service) StartSession(ctx context.Context, p Principal) (cookie, csrf string, expires time.Time, err error) {
	return "", "", time.Time{}, errUnwritten
}

// SessionPrincipal returns the principal of a session cookie and its CSRF token, or
// ErrUnauthenticated (unknown, expired, or its user disabled).
func (s *Service) SessionPrincipal(ctx context.Context, cookie string) (Principal, string, error) {
	return Principal{}, "", errUnwritten
}

// EndSession deletes a session.
func (s *Service) EndSession(ctx context.Context, cookie string) error { return errUnwritten }

// Authenticate checks a bearer token: a static token or an API token (not revoked, not
// expired, its user not disabled), recording its use. Failures are ErrUnauthenticated with
// a message saying which (unknown, expired, revoked) but never echoing the token.
func (s *Service) Authenticate(ctx context.Context, raw string) (Principal, error) {
	return Principal{}, errUnwritten
}

// CreateToken creates an API token for the user named userName and returns the raw token,
// shown once. ttl 0 means it never expires. The scope is capped by the user's role.
func (s *Service) CreateToken(ctx context.Context, userName, tokenName string, scope Scope, ttl time.Duration) (string, Token, error) {
	return "", Token{}, errUnwritten
}

// Tokens lists the tokens of the user named userName (all tokens when empty).
func (s *Service) Tokens(ctx context.Context, userName string) ([]Token, error) {
	return nil, errUnwritten
}

// RevokeToken revokes a token by id. Only its owner or an admin may (ErrForbidden
// otherwise, ErrNotFound for an unknown id).
func (s *Service) RevokeToken(ctx context.Context, by Principal, id string) error {
	return errUnwritten
}

// Record appends an event to the audit log.
func (s *Service) Record(ctx context.Context, e AuditEvent) error { return errUnwritten }

// Audit reads the audit log.
func (s *Service) Audit(ctx context.Context, q AuditQuery) ([]AuditEvent, error) {
	return nil, errUnwritten
}

package auth

import "errors"

// Sentinel errors of auth. The HTTP layer maps them to status codes.
var (
	// ErrUnauthenticated means no valid credentials: a bad, expired or revoked token, a
	// wrong password, a forged or expired ID token. (401)
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden means the principal is known but may not do this. (403)
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound means the user, token or session does not exist. (404)
	ErrNotFound = errors.New("not found")
	// ErrConflict means the user or token exists already. (409)
	ErrConflict = errors.New("conflict")
	// ErrInvalid means malformed input: an empty name, a weak password, an unknown role. (400)
	ErrInvalid = errors.New("invalid input")
	// ErrRateLimited means too many failed logins from one address or for one user. (429)
	ErrRateLimited = errors.New("too many attempts")
)

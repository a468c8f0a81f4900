package auth

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of auth, each of one errkind.Kind; the HTTP layer maps kinds to status codes.
var (
	// ErrUnauthenticated means no valid credentials: a bad, expired or revoked token, a
	// wrong password, a forged or expired ID token. (401)
	ErrUnauthenticated = errkind.New(errkind.Unauthenticated, "unauthenticated")
	// ErrForbidden means the principal is known but may not do this. (403)
	ErrForbidden = errkind.New(errkind.Forbidden, "forbidden")
	// ErrNotFound means the user, token or session does not exist. (404)
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrConflict means the user or token exists already. (409)
	ErrConflict = errkind.New(errkind.Conflict, "conflict")
	// ErrInvalid means malformed input: an empty name, a weak password, an unknown role. (400)
	ErrInvalid = errkind.New(errkind.Invalid, "invalid input")
	// ErrRateLimited means too many failed logins from one address or for one user. (429)
	ErrRateLimited = errkind.New(errkind.RateLimited, "too many attempts")
)

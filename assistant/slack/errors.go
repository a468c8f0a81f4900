package slack

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of the Slack bot. The HTTP layer maps their kinds to status codes.
var (
	// ErrUnsigned means a request's signature is missing, wrong or stale. (401)
	ErrUnsigned = errkind.New(errkind.Unauthenticated, "the request is not signed by Slack")
	// ErrInvalid means a signed request whose body is not what Slack sends. (400)
	ErrInvalid = errkind.New(errkind.Invalid, "invalid Slack request")
	// ErrNotFound means a stored job or thread does not exist.
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrUnavailable means the bot is not configured (no signing secret). (503)
	ErrUnavailable = errkind.New(errkind.Unavailable, "the Slack bot is not configured")
)

// ErrReplayed means a request whose signature was already accepted within the window: a
// captured request sent again. Slack's own retries are signed anew. (401)
var ErrReplayed = errkind.Errorf(ErrUnsigned, "the Slack request was already received")

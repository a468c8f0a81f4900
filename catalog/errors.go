package catalog

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of the catalog, each of one errkind.Kind. The store classifies driver errors
// by kind (which these match) and the HTTP layer maps kinds to status codes in one place.
var (
	// ErrNotFound means the entity or location does not exist (or the caller may not see it).
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrConflict means the write collides with existing state, such as a location registered
	// twice or an entity already managed by another location.
	ErrConflict = errkind.New(errkind.Conflict, "conflict")
	// ErrInvalid means the input is malformed: bad YAML, an entity that fails validation,
	// a filter with a syntax error.
	ErrInvalid = errkind.New(errkind.Invalid, "invalid input")
	// ErrForbidden means the request is well formed but not allowed, such as a file location
	// outside the configured roots.
	ErrForbidden = errkind.New(errkind.Forbidden, "forbidden")
)

package catalog

import "errors"

// Sentinel errors of the catalog. Adapters translate driver errors into them and the HTTP
// layer maps them to status codes in one place.
var (
	// ErrNotFound means the entity or location does not exist (or the caller may not see it).
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write collides with existing state, such as a location registered
	// twice or an entity already managed by another location.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the input is malformed: bad YAML, an entity that fails validation,
	// a filter with a syntax error.
	ErrInvalid = errors.New("invalid input")
	// ErrForbidden means the request is well formed but not allowed, such as a file location
	// outside the configured roots.
	ErrForbidden = errors.New("forbidden")
)

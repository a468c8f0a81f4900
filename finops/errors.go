package finops

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of finops, each of one errkind.Kind: the store's not-found and conflict
// match them, and the API answers them by kind.
var (
	// ErrNotFound means the thing asked for does not exist.
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrConflict means the change collides with stored state.
	ErrConflict = errkind.New(errkind.Conflict, "conflict")
	// ErrInvalid means malformed input: a FOCUS file without its required columns, an
	// unknown group_by.
	ErrInvalid = errkind.New(errkind.Invalid, "invalid input")
)

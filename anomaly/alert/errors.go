package alert

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of the alert package; each matches its errkind kind.
var (
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	ErrInvalid  = errkind.New(errkind.Invalid, "invalid input")
	ErrConflict = errkind.New(errkind.Conflict, "conflict")
)

package finops

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of finops, each of one errkind.Kind: the store's not-found and conflict
// match them, and the API answers them by kind.
var (
	// ErrNotFound means the budget (or cost row) does not exist.
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrConflict means a budget for that scope and period exists already.
	ErrConflict = errkind.New(errkind.Conflict, "conflict")
	// ErrInvalid means malformed input: a FOCUS row without a charge period, a negative
	// budget amount.
	ErrInvalid = errkind.New(errkind.Invalid, "invalid input")
)

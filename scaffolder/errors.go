package scaffolder

import "github.com/nextportal/portal/internal/errkind"

// Sentinel errors of the scaffolder; each wraps a shared kind.
var (
	// ErrNotFound is a template, task or action that does not exist (or the caller may not see).
	ErrNotFound = errkind.New(errkind.NotFound, "not found")
	// ErrInvalid is input the scaffolder refuses: bad values, a bad template, an unsafe path.
	ErrInvalid = errkind.New(errkind.Invalid, "invalid")
	// ErrForbidden is an action the caller may not take.
	ErrForbidden = errkind.New(errkind.Forbidden, "forbidden")
	// ErrConflict is a change that does not fit the task's state (cancelling a finished task).
	ErrConflict = errkind.New(errkind.Conflict, "conflict")
)

// errkindf returns an ErrInvalid whose message a client may read.
func errkindf(format string, args ...any) error {
	return errkind.Errorf(ErrInvalid, format, args...)
}

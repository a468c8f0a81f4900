package errkind

import (
	"errors"
	"fmt"
)

// Kind is the class of an error, which decides how it is answered. A Kind is itself an
// error, so errors.Is(err, errkind.NotFound) asks for an error's kind.
type Kind uint8

// The kinds. Other is the zero value: an error of no known kind (a 500 at the API).
const (
	Other           Kind = iota
	NotFound             // the thing does not exist, or the caller may not see it
	Conflict             // the write collides with existing state
	Invalid              // the input is malformed
	Forbidden            // the caller is known but may not do this
	Unauthenticated      // no valid credentials
	Unavailable          // a dependency is down or the work timed out; retrying may help
	RateLimited          // too many attempts; retrying later may help
)

var kindText = [...]string{
	Other:           "error",
	NotFound:        "not found",
	Conflict:        "conflict",
	Invalid:         "invalid input",
	Forbidden:       "forbidden",
	Unauthenticated: "unauthenticated",
	Unavailable:     "unavailable",
	RateLimited:     "too many attempts",
}

// Kinds lists every kind but Other, for tests that walk them all.
var Kinds = []Kind{NotFound, Conflict, Invalid, Forbidden, Unauthenticated, Unavailable, RateLimited}

func (k Kind) Error() string {
	if int(k) < len(kindText) {
		return kindText[k]
	}
	return fmt.Sprintf("kind %d", uint8(k))
}

// Kind returns k, so a Kind answers Of like the errors that carry one.
func (k Kind) Kind() Kind { return k }

// Is makes errors.Is(k, target) true for any error of kind k, such as a domain's sentinel.
func (k Kind) Is(target error) bool { return k != Other && kindOf(target) == k }

// kinded is an error that knows its kind.
type kinded interface{ Kind() Kind }

// kindOf returns err's own kind (not its chain's), or Other.
func kindOf(err error) Kind {
	if h, ok := err.(kinded); ok {
		return h.Kind()
	}
	return Other
}

// Of returns the kind of the first error in err's chain that has one, or Other.
func Of(err error) Kind {
	var h kinded
	if errors.As(err, &h) {
		return h.Kind()
	}
	return Other
}

// sentinel is a domain package's error of one kind: catalog.ErrNotFound, auth.ErrConflict.
type sentinel struct {
	kind Kind
	text string
}

// New returns a sentinel error of kind k with text, for a domain package's ErrX variables.
// A sentinel is its kind under a domain's name: errors.Is matches it against any error of
// the same kind (k itself, or another package's sentinel of kind k), so an error the store
// classified as NotFound is catalog.ErrNotFound and auth.ErrNotFound alike.
func New(k Kind, text string) error { return &sentinel{kind: k, text: text} }

func (s *sentinel) Error() string { return s.text }

// Kind returns the sentinel's kind.
func (s *sentinel) Kind() Kind { return s.kind }

// Is makes errors.Is(err, target) true for every error of the sentinel's kind.
func (s *sentinel) Is(target error) bool { return kindOf(target) == s.kind }

// Error is an error of a kind with the message a client may see, and the cause (which the
// client never sees; the log may).
type Error struct {
	// Msg is what a client may read: written for them, with no driver or library text.
	Msg string
	// Err is the cause: a sentinel or Kind, possibly wrapping more. It decides the kind.
	Err error
}

// Errorf returns an error wrapping cause (a sentinel or a Kind) whose client message is
// the formatted text. Its Error() is "message: cause", the way fmt.Errorf("…: %w") reads.
func Errorf(cause error, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), Err: cause}
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// PublicMessage returns Msg; it makes *Error a Public error.
func (e *Error) PublicMessage() string { return e.Msg }

// Public is an error that carries the message a client may see. *Error is one; a domain
// type with its own fields (a rate limit's retry time) can be another.
type Public interface {
	error
	PublicMessage() string
}

// Message returns the client message of the outermost Public error in err's chain, or ""
// when there is none.
func Message(err error) string {
	var p Public
	if errors.As(err, &p) {
		return p.PublicMessage()
	}
	return ""
}

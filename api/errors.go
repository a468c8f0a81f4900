package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// apiError is an error that already knows how it is answered: status, Backstage error name
// and the message the client sees.
type apiError struct {
	status int
	name   string
	msg    string
	err    error // the cause, for errors.Is/As and the log; may be nil
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.err }

// inputErrorf returns a 400 InputError, Backstage's answer to a bad request.
func inputErrorf(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, name: "InputError", msg: fmt.Sprintf(format, args...)}
}

// notFoundf returns a 404 NotFoundError with a Backstage-style message.
func notFoundf(format string, args ...any) error {
	return &apiError{status: http.StatusNotFound, name: "NotFoundError", msg: fmt.Sprintf(format, args...)}
}

// locationInputError marks an error from registering or reading a location: there a
// refused path is a bad request (400), the way Backstage's backend.reading.allow answers,
// rather than a 403.
type locationInputError struct{ error }

func (e locationInputError) Unwrap() error { return e.error }

// kindAnswer is how an error of one kind is answered.
type kindAnswer struct {
	status int
	name   string // Backstage's error name
}

// kindAnswers maps every error kind to its status code and Backstage error name: the one
// table from errkind to HTTP. Other (no kind) is a 500.
var kindAnswers = map[errkind.Kind]kindAnswer{
	errkind.NotFound:        {http.StatusNotFound, "NotFoundError"},
	errkind.Conflict:        {http.StatusConflict, "ConflictError"},
	errkind.Invalid:         {http.StatusBadRequest, "InputError"},
	errkind.Forbidden:       {http.StatusForbidden, "NotAllowedError"},
	errkind.Unauthenticated: {http.StatusUnauthorized, "AuthenticationError"},
	errkind.Unavailable:     {http.StatusServiceUnavailable, "ServiceUnavailableError"},
	errkind.RateLimited:     {http.StatusTooManyRequests, "TooManyRequestsError"},
	errkind.Other:           {http.StatusInternalServerError, "Error"},
}

// errorResponse is the one place that maps an error to its HTTP status, Backstage error
// name and client message. The message is the one the error carries explicitly
// (errkind.Message), or the kind's own words; it is never cut out of the error's text, so
// driver and library text never reach a client. 5xx messages are generic; the caller logs
// the detail.
func errorResponse(err error) (status int, name, msg string) {
	var ae *apiError
	var tooBig *http.MaxBytesError
	var verr *catalog.ValidationError
	kind := errkind.Of(err)
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.name, ae.msg
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "PayloadTooLargeError",
			fmt.Sprintf("request body too large: the limit is %d bytes", tooBig.Limit)
	case errors.As(err, &verr):
		return http.StatusBadRequest, "InputError", validationMessage(verr)
	case kind == errkind.Other && errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "ServiceUnavailableError", "the request timed out"
	case kind == errkind.Other && errors.Is(err, context.Canceled):
		return 499, "Error", "the request was cancelled"
	case kind == errkind.Forbidden && errors.As(err, new(locationInputError)):
		kind = errkind.Invalid
	}
	a, ok := kindAnswers[kind]
	if !ok || kind == errkind.Other {
		return http.StatusInternalServerError, "Error", "internal server error"
	}
	if msg = errkind.Message(err); msg == "" {
		msg = kind.Error()
	}
	return a.status, a.name, msg
}

// validationMessage lists every problem of a validation error on one line each, so a
// client sees all of them at once: "file:line: entity: field: what".
func validationMessage(v *catalog.ValidationError) string {
	if len(v.Problems) == 0 {
		return v.Error()
	}
	parts := make([]string, 0, len(v.Problems))
	for _, p := range v.Problems {
		parts = append(parts, problemText(p))
	}
	return fmt.Sprintf("validation failed with %d problem(s): %s", len(parts), strings.Join(parts, "; "))
}

func problemText(p catalog.Problem) string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Entity != "" {
		b.WriteString(p.Entity + ": ")
	}
	if p.Field != "" && !strings.HasPrefix(p.Message, p.Field) {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

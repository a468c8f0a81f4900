package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
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

// errorResponse is the one place that maps an error to its HTTP status, Backstage error
// name and client message. 5xx messages are generic; the caller logs the detail.
func errorResponse(err error) (status int, name, msg string) {
	var ae *apiError
	var tooBig *http.MaxBytesError
	var verr *catalog.ValidationError
	var li locationInputError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.name, ae.msg
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "PayloadTooLargeError",
			fmt.Sprintf("request body too large: the limit is %d bytes", tooBig.Limit)
	case errors.As(err, &verr):
		return http.StatusBadRequest, "InputError", validationMessage(verr)
	case errors.Is(err, catalog.ErrInvalid):
		return http.StatusBadRequest, "InputError", clientMessage(err)
	case errors.Is(err, catalog.ErrNotFound):
		return http.StatusNotFound, "NotFoundError", clientMessage(err)
	case errors.Is(err, catalog.ErrConflict):
		return http.StatusConflict, "ConflictError", clientMessage(err)
	case errors.Is(err, catalog.ErrForbidden) && errors.As(err, &li):
		return http.StatusBadRequest, "InputError", clientMessage(err)
	case errors.Is(err, catalog.ErrForbidden):
		return http.StatusForbidden, "NotAllowedError", clientMessage(err)
	case errors.Is(err, auth.ErrUnauthenticated):
		return http.StatusUnauthorized, "AuthenticationError", clientMessage(err)
	case errors.Is(err, auth.ErrForbidden):
		return http.StatusForbidden, "NotAllowedError", clientMessage(err)
	case errors.Is(err, auth.ErrNotFound):
		return http.StatusNotFound, "NotFoundError", clientMessage(err)
	case errors.Is(err, auth.ErrConflict):
		return http.StatusConflict, "ConflictError", clientMessage(err)
	case errors.Is(err, auth.ErrInvalid):
		return http.StatusBadRequest, "InputError", clientMessage(err)
	case errors.Is(err, auth.ErrRateLimited):
		return http.StatusTooManyRequests, "TooManyRequestsError", clientMessage(err)
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "ServiceUnavailableError", "the request timed out"
	case errors.Is(err, context.Canceled):
		return 499, "Error", "the request was cancelled"
	default:
		return http.StatusInternalServerError, "Error", "internal server error"
	}
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

// clientMessage is err's message without the sentinel ("…: invalid input", or
// "unauthenticated: …" in front), which only repeats what the status code and error name already say.
func clientMessage(err error) string {
	msg := err.Error()
	for _, s := range []error{catalog.ErrInvalid, catalog.ErrNotFound, catalog.ErrConflict, catalog.ErrForbidden,
		auth.ErrUnauthenticated, auth.ErrForbidden, auth.ErrConflict, auth.ErrInvalid, auth.ErrRateLimited} {
		if m, ok := strings.CutSuffix(msg, ": "+s.Error()); ok {
			return m
		}
		if m, ok := strings.CutPrefix(msg, s.Error()+": "); ok {
			return m
		}
	}
	return msg
}

package api

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/nextportal/portal/catalog"
)

// wantInputError fails t unless err is a 400 InputError, the answer to any bad input.
func wantInputError(t *testing.T, what string, err error) {
	t.Helper()
	var ae *apiError
	if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.msg == "" {
		t.Fatalf("%s: error %v, want a 400 InputError with a message", what, err)
	}
}

// errorsIsInvalid reports whether err wraps catalog.ErrInvalid.
func errorsIsInvalid(err error) bool { return errors.Is(err, catalog.ErrInvalid) }

// formatInt formats n in decimal.
func formatInt(n int64) string { return strconv.FormatInt(n, 10) }

package errkind_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/nextportal/portal/internal/errkind"
)

var (
	errMissing = errkind.New(errkind.NotFound, "not found")
	errTaken   = errkind.New(errkind.Conflict, "conflict")
	errGone    = errkind.New(errkind.NotFound, "gone")
)

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want errkind.Kind
	}{
		{"nil", nil, errkind.Other},
		{"plain", errors.New("boom"), errkind.Other},
		{"kind", errkind.Unavailable, errkind.Unavailable},
		{"sentinel", errMissing, errkind.NotFound},
		{"wrapped sentinel", fmt.Errorf("get x: %w", errTaken), errkind.Conflict},
		{"public message", errkind.Errorf(errkind.Invalid, "bad %s", "x"), errkind.Invalid},
		{"public wrapped", fmt.Errorf("outer: %w", errkind.Errorf(errMissing, "entity x")), errkind.NotFound},
		{"outermost wins", fmt.Errorf("%w: %w", errTaken, errMissing), errkind.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errkind.Of(tt.err); got != tt.want {
				t.Errorf("Of(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestIs(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"sentinel is its kind", errMissing, errkind.NotFound, true},
		{"sentinel is not another kind", errMissing, errkind.Conflict, false},
		{"kind is a sentinel of that kind", fmt.Errorf("row: %w", errkind.NotFound), errMissing, true},
		{"sentinels of one kind match", errGone, errMissing, true},
		{"sentinels of two kinds differ", errTaken, errMissing, false},
		{"public error is its cause's kind", errkind.Errorf(errTaken, "user x exists"), errkind.Conflict, true},
		{"Other matches nothing", errkind.Other, errors.New("x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	driver := errors.New(`duplicate key value violates unique constraint "users_name_key"`)
	err := fmt.Errorf("add user: %w", errkind.Errorf(fmt.Errorf("%w: %w", errTaken, driver), "user %q exists already", "ada"))
	if got, want := errkind.Message(err), `user "ada" exists already`; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if got := errkind.Message(fmt.Errorf("x: %w", errTaken)); got != "" {
		t.Errorf("Message of an error without one = %q, want empty", got)
	}
	if got, want := errkind.Errorf(errMissing, "entity %s", "a").Error(), "entity a: not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

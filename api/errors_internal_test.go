package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

func TestErrorResponse(t *testing.T) {
	verr := &catalog.ValidationError{Problems: []catalog.Problem{
		{File: "catalog-info.yaml", Line: 7, Entity: "component:default/foo", Field: "spec.owner", Message: "spec.owner is required"},
		{File: "catalog-info.yaml", Line: 3, Field: "metadata.name", Message: `"bad name!" is not a valid name`},
	}}
	forbidden := errkind.Errorf(catalog.ErrForbidden, "add location /etc: outside the allowed roots [/srv]")
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantName   string
		wantMsg    []string
	}{
		{"not found", errkind.Errorf(catalog.ErrNotFound, "entity x"), 404, "NotFoundError", []string{"entity x"}},
		{"invalid", fmt.Errorf("wrapped: %w", errkind.Errorf(catalog.ErrInvalid, "filter")), 400, "InputError", []string{"filter"}},
		{"message is never cut from the chain", fmt.Errorf("entity x: %w", catalog.ErrNotFound), 404, "NotFoundError", []string{"not found"}},
		{"validation lists every problem", fmt.Errorf("add: %w", verr), 400, "InputError",
			[]string{"catalog-info.yaml:7: component:default/foo: spec.owner is required", "catalog-info.yaml:3: metadata.name"}},
		{"conflict", fmt.Errorf("loc: %w", catalog.ErrConflict), 409, "ConflictError", nil},
		{"forbidden", forbidden, 403, "NotAllowedError", []string{"/srv"}},
		{"forbidden location is input", locationInputError{forbidden}, 400, "InputError", []string{"allowed roots [/srv]"}},
		{"too big", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 1024}), 413, "PayloadTooLargeError", []string{"1024 bytes"}},
		{"api error", inputErrorf("request/query/limit must be integer"), 400, "InputError", []string{"request/query/limit must be integer"}},
		{"timeout", fmt.Errorf("query: %w", context.DeadlineExceeded), 503, "ServiceUnavailableError", nil},
		{"internal hides detail", errors.New("pq: password authentication failed"), 500, "Error", []string{"internal server error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, name, msg := errorResponse(tt.err)
			if status != tt.wantStatus || name != tt.wantName {
				t.Errorf("errorResponse(%v) = %d %s, want %d %s", tt.err, status, name, tt.wantStatus, tt.wantName)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(msg, w) {
					t.Errorf("errorResponse(%v) message %q lacks %q", tt.err, msg, w)
				}
			}
			if status == 500 && strings.Contains(msg, "password") {
				t.Errorf("errorResponse leaks detail: %q", msg)
			}
		})
	}
}

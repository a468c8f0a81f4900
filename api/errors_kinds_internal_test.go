package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// driverText is what a database driver says; it must never reach a client.
const driverText = `ERROR: duplicate key value violates unique constraint "users_name_key" (SQLSTATE 23505)`

// TestErrorKindsOverHTTP walks every error kind through both error writers (Backstage's
// shape and the native one) as a handler would return it: from a domain sentinel with a
// chosen message, wrapping driver text, and wrapped again by callers. It checks the
// status, the error shape, the message and that no driver text appears.
func TestErrorKindsOverHTTP(t *testing.T) {
	gin.SetMode(gin.TestMode)
	want := map[errkind.Kind]struct {
		status int
		name   string
	}{
		errkind.NotFound:        {404, "NotFoundError"},
		errkind.Conflict:        {409, "ConflictError"},
		errkind.Invalid:         {400, "InputError"},
		errkind.Forbidden:       {403, "NotAllowedError"},
		errkind.Unauthenticated: {401, "AuthenticationError"},
		errkind.Unavailable:     {503, "ServiceUnavailableError"},
		errkind.RateLimited:     {429, "TooManyRequestsError"},
	}
	if len(want) != len(errkind.Kinds) {
		t.Fatalf("the test knows %d kinds, errkind has %d: add the new kind here", len(want), len(errkind.Kinds))
	}
	s := &Server{logger: slog.New(slog.DiscardHandler)}
	driver := errors.New(driverText)
	for _, k := range errkind.Kinds {
		sentinel := errkind.New(k, "domain "+k.Error())
		cases := []struct {
			name    string
			err     error
			wantMsg string
		}{
			{"message", fmt.Errorf("handler: %w", errkind.Errorf(fmt.Errorf("%w: %w", sentinel, driver), "the thing %s", "x")), "the thing x"},
			{"no message", fmt.Errorf("store: %w: %w", k, driver), k.Error()},
		}
		for _, tc := range cases {
			for _, native := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/native=%v", k, tc.name, native), func(t *testing.T) {
					w := httptest.NewRecorder()
					c, _ := gin.CreateTestContext(w)
					c.Request = httptest.NewRequest(http.MethodGet, "/api/catalog/entities?x=1", nil)
					if native {
						s.writeProblem(c, tc.err)
					} else {
						s.writeError(c, tc.err)
					}
					if w.Code != want[k].status {
						t.Errorf("status = %d, want %d", w.Code, want[k].status)
					}
					body := w.Body.String()
					if strings.Contains(body, "duplicate key") || strings.Contains(body, "SQLSTATE") || strings.Contains(body, "store:") {
						t.Errorf("body leaks driver or chain text: %s", body)
					}
					var got struct {
						Error struct {
							Name    string `json:"name"`
							Message string `json:"message"`
						} `json:"error"`
						Request *struct {
							Method string `json:"method"`
							URL    string `json:"url"`
						} `json:"request"`
						Response *struct {
							StatusCode int `json:"statusCode"`
						} `json:"response"`
						RequestID *string `json:"requestId"`
					}
					if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
						t.Fatalf("body is not JSON: %v\n%s", err, body)
					}
					// Backstage's shape adds the request id to a 5xx message.
					if got.Error.Name != want[k].name || !strings.HasPrefix(got.Error.Message, tc.wantMsg) ||
						(w.Code < 500 && got.Error.Message != tc.wantMsg) {
						t.Errorf("error = %+v, want name %s message %q", got.Error, want[k].name, tc.wantMsg)
					}
					if native {
						if got.RequestID == nil {
							t.Errorf("native body has no requestId: %s", body)
						}
						return
					}
					if got.Request == nil || got.Request.Method != "GET" || got.Request.URL != "/entities?x=1" ||
						got.Response == nil || got.Response.StatusCode != w.Code {
						t.Errorf("not Backstage's error shape: %s", body)
					}
				})
			}
		}
	}
}

// TestErrorKindsOfSentinels checks that every domain sentinel the API answers has the kind
// its status needs.
func TestErrorKindsOfSentinels(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{auth.ErrUnauthenticated, 401}, {auth.ErrForbidden, 403}, {auth.ErrNotFound, 404},
		{auth.ErrConflict, 409}, {auth.ErrInvalid, 400}, {auth.ErrRateLimited, 429},
		{&auth.LimitError{}, 429},
	} {
		if got, _, _ := errorResponse(tt.err); got != tt.want {
			t.Errorf("errorResponse(%v) status = %d, want %d", tt.err, got, tt.want)
		}
	}
}

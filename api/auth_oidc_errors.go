package api

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// oidcError is a failed OIDC login: the status and message the client sees, and the cause
// for the log. Neither ever holds a token, a code or a secret.
type oidcError struct {
	status int
	msg    string
	err    error
}

func (e *oidcError) Error() string { return e.msg }
func (e *oidcError) Unwrap() error { return e.err }

// unauthorized is a 401 with a message naming the cause.
func unauthorized(msg string, cause error) *oidcError {
	return &oidcError{status: http.StatusUnauthorized, msg: msg, err: cause}
}

// verifyError names why go-oidc refused an ID token. go-oidc has a type only for expiry;
// the other causes are told apart by its messages.
func verifyError(err error) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return unauthorized("ID token has expired", err)
	case strings.Contains(msg, "fetching keys"):
		return &oidcError{status: http.StatusBadGateway, msg: "the identity provider's signing keys could not be fetched; try again later", err: err}
	case strings.Contains(msg, "failed to verify signature"):
		return unauthorized("ID token signature is invalid", err)
	case strings.Contains(msg, "expected audience"):
		return unauthorized("ID token audience does not match", err)
	case strings.Contains(msg, "issued by a different provider"):
		return unauthorized("ID token issuer does not match", err)
	case strings.Contains(msg, "malformed jwt"):
		return unauthorized("ID token is malformed or not signed with a supported algorithm", err)
	case strings.Contains(msg, "before the nbf"):
		return unauthorized("ID token is not valid yet", err)
	}
	return unauthorized("ID token is invalid", err)
}

// oidcLoginError maps auth.Service.LoginOIDC's error. For a refusal the client sees its
// innermost cause ("no catalog user for this identity", "user disabled").
func oidcLoginError(err error) error {
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		msg := strings.TrimSuffix(err.Error(), ": "+auth.ErrUnauthenticated.Error())
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return unauthorized(msg, err)
	case errors.Is(err, auth.ErrRateLimited):
		return &oidcError{status: http.StatusTooManyRequests, msg: "too many sign-in attempts; try again later", err: err}
	}
	return &oidcError{status: http.StatusInternalServerError, msg: "the sign-in failed", err: err}
}

// oidcFail answers a failed login: an HTML page for browsers, else the native JSON error.
// The cause goes to the log; the client sees only the message.
func (s *Server) oidcFail(c *gin.Context, o *oidcLogin, err error) {
	var oe *oidcError
	if !errors.As(err, &oe) {
		oe = &oidcError{status: http.StatusInternalServerError, msg: "the sign-in failed", err: err}
	}
	ctx := c.Request.Context()
	id := RequestID(ctx)
	// The access log carries the reason; a cause beyond it is logged here.
	if oe.err != nil || oe.status >= 500 {
		level := slog.LevelWarn
		if oe.status >= 500 {
			level = slog.LevelError
		}
		s.logger.Log(ctx, level, "oidc login failed", slog.String("request_id", id),
			slog.Int("status", oe.status), slog.String("reason", oe.msg), slog.Any("error", oe.err))
	}
	c.Error(errors.New(oe.msg)) //nolint:errcheck // recorded for the access log
	name := "AuthenticationError"
	switch {
	case oe.status == http.StatusTooManyRequests:
		name = "TooManyRequestsError"
	case oe.status == http.StatusBadGateway:
		name = "BadGatewayError"
	case oe.status >= 500:
		name = "Error"
	}
	if strings.Contains(c.GetHeader("Accept"), "text/html") {
		p := errorPage{layoutData: layoutData{Title: "Sign-in failed", Version: o.ui.version},
			Heading: "Sign-in failed", Message: oe.msg + " (request id " + id + ")"}
		o.ui.render(c, s.logger, oe.status, "error.html", "layout", p)
		return
	}
	writeJSON(c, oe.status, problemBody{Error: errorInfo{Name: name, Message: oe.msg}, RequestID: id})
}

// oidcNext is the local path to return to after login; anything else (another host, a
// scheme, "//host", backslashes) becomes "/", so the login is never an open redirect.
func oidcNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

// oidcSafeCode keeps an OAuth error code printable and short: it comes from outside.
func oidcSafeCode(code string) string {
	code = strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, code)
	return code[:min(len(code), 64)]
}

package api

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// Keys of values the auth middleware leaves in the gin context.
const (
	ctxCSRF      = "portal.csrf"       // the session's CSRF token; absent without a session
	ctxViaCookie = "portal.via_cookie" // true when the session cookie authenticated the request
)

// errNoAuth means the server was built without an auth.Service.
var errNoAuth = errors.New("authentication is not configured")

// guest is demo mode's principal for a request without credentials.
func guest() auth.Principal {
	return auth.Principal{Kind: auth.KindGuest, Subject: "guest", Name: "guest", Role: auth.RoleDeveloper, Via: "demo"}
}

// authenticate finds the caller of every request and puts it in the request context:
// a bearer token, else the session cookie, else (in demo mode) the guest, else anonymous.
// A bearer token that does not check out is refused at once with 401; it never falls back
// to a weaker identity. A state-changing request authenticated by the cookie must echo the
// session's CSRF token.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.identify(c) {
			c.Next()
		}
	}
}

// identify puts the request's caller in its context and reports whether the request may
// go on; when not, it has answered and aborted it. (Apart from the closure above, so its
// frame is not on the stack while the handler runs: see logRequest.)
func (s *Server) identify(c *gin.Context) bool {
	p, err := s.principalOf(c)
	if err != nil {
		s.writeAreaError(c, err)
		c.Abort()
		return false
	}
	setCaller(c, p)
	if c.GetBool(ctxViaCookie) && changesState(c.Request.Method) && !s.csrfOK(c) {
		s.deny(c, http.StatusForbidden, "the CSRF token is missing or does not match the session; reload the page and try again")
		c.Abort()
		return false
	}
	return true
}

// principalOf establishes the request's principal from its credentials.
func (s *Server) principalOf(c *gin.Context) (auth.Principal, error) {
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, raw, _ := strings.Cut(strings.TrimSpace(h), " ")
		raw = strings.TrimSpace(raw)
		if !strings.EqualFold(scheme, "Bearer") || raw == "" {
			return auth.Principal{}, errkind.Errorf(auth.ErrUnauthenticated, "the Authorization header must be \"Bearer <token>\"")
		}
		if s.auth == nil {
			return auth.Principal{}, fmt.Errorf("%w: %w", errNoAuth, auth.ErrUnauthenticated)
		}
		return s.auth.Authenticate(ctx, raw)
	}
	if cookie, err := c.Cookie(sessionCookie); err == nil && cookie != "" && s.auth != nil {
		p, csrf, err := s.auth.SessionPrincipal(ctx, cookie)
		switch {
		case err == nil:
			c.Set(ctxCSRF, csrf)
			c.Set(ctxViaCookie, true)
			return p, nil
		case errors.Is(err, auth.ErrUnauthenticated):
			// An expired or ended session is as good as none: drop it and carry on, so
			// the browser lands on the login page rather than an error.
			s.clearSessionCookie(c)
		default:
			return auth.Principal{}, fmt.Errorf("read session: %w", err)
		}
	}
	if s.deps.Demo {
		return guest(), nil
	}
	return auth.Anonymous(), nil
}

// changesState reports whether a request with this method may change state.
func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// csrfOK reports whether the request carries its session's CSRF token, in the
// X-CSRF-Token header or a "csrf" form field.
func (s *Server) csrfOK(c *gin.Context) bool {
	want := c.GetString(ctxCSRF)
	got := c.GetHeader("X-CSRF-Token")
	if got == "" && isForm(c.Request) {
		got = c.PostForm("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// isForm reports whether the request body is an HTML form.
func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// actorOf names p in logs and the audit log: "user:jane", "service:ci", "anonymous".
// It never holds a credential.
func actorOf(p auth.Principal) string { return p.Actor() }

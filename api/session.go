package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// sessionCookie is the name of the browser session cookie. Its value is a random secret;
// the server keeps only its hash.
const sessionCookie = "portal_session"

// startSession starts a browser session for p and sets the session cookie. A session the
// browser already had is ended first, so a login never keeps a session id chosen before it
// (session fixation).
func (s *Server) startSession(c *gin.Context, p auth.Principal) error {
	if s.auth == nil {
		return fmt.Errorf("start session: %w", errNoAuth)
	}
	ctx := c.Request.Context()
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := s.auth.EndSession(ctx, old); err != nil {
			return fmt.Errorf("end previous session: %w", err)
		}
	}
	value, csrf, expires, err := s.auth.StartSession(ctx, p)
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	s.setSessionCookie(c, value, expires)
	c.Set(ctxCSRF, csrf)
	return nil
}

// endSession ends the request's session, if any, and clears the cookie.
func (s *Server) endSession(c *gin.Context) error {
	value, err := c.Cookie(sessionCookie)
	if err != nil || value == "" {
		return nil
	}
	s.clearSessionCookie(c)
	if s.auth == nil {
		return nil
	}
	if err := s.auth.EndSession(c.Request.Context(), value); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// setSessionCookie sets the session cookie: HttpOnly, SameSite=Lax, and Secure when the
// portal is configured so or the request came over TLS.
func (s *Server) setSessionCookie(c *gin.Context, value string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     sessionCookie,
		Value:    value,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		Secure:   s.deps.SecureCookies || c.Request.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// clearSessionCookie tells the browser to drop the session cookie.
func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.deps.SecureCookies || c.Request.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

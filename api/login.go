package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// The login routes.
const (
	loginPath  = "/login"
	logoutPath = "/logout"
)

// loginFailed is the one message every failed login gets, whatever the cause, so the
// answer never tells which names exist.
const loginFailed = "wrong name or password"

// defaultRetryAfter is the Retry-After of a rate-limited login when the limiter does not
// say how long to wait.
const defaultRetryAfter = time.Minute

// loginPageData is the data of login.html.
type loginPageData struct {
	layoutData
	Next, Name, Error string
	SSO               string // the OIDC login URL, when OIDC is configured
}

// loginPage serves GET /login: a name and password form, and "Sign in with SSO" when OIDC
// is configured.
func (s *Server) loginPage(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		s.renderLogin(c, u, http.StatusOK, safeNext(c.Query("next")), "", "")
	}
}

func (s *Server) renderLogin(c *gin.Context, u *ui, status int, next, name, msg string) {
	p := loginPageData{layoutData: u.layout(c, "Sign in", ""), Next: next, Name: name, Error: msg}
	if s.deps.OIDC != nil {
		p.SSO = "/auth/oidc/login?next=" + url.QueryEscape(next)
	}
	u.render(c, s.logger, status, "login.html", "layout", p)
}

// loginBody is POST /login's JSON body; forms send the same fields.
type loginBody struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Next     string `json:"next"`
}

// loginJSON is POST /login's JSON answer: who is signed in, and the CSRF token the
// session's state-changing requests must send.
type loginJSON struct {
	meJSON
	CSRFToken string `json:"csrfToken"`
}

// postLogin serves POST /login from the form (answered with a redirect to next, or the
// form again with an error) or as JSON (answered with JSON). Success starts a session.
// A login another site's page sends is refused (see fromOtherSite).
func (s *Server) postLogin(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		if fromOtherSite(c.Request) {
			s.deny(c, http.StatusForbidden, crossSiteLogin)
			return
		}
		form := isForm(c.Request)
		var b loginBody
		if form {
			b = loginBody{Name: c.PostForm("name"), Password: c.PostForm("password"), Next: c.PostForm("next")}
		} else if err := readJSON(c, &b, false); err != nil {
			s.writeProblem(c, err)
			return
		}
		b.Name, b.Next = strings.TrimSpace(b.Name), safeNext(b.Next)
		p, err := s.login(c, b)
		if err != nil {
			status, _, msg := errorResponse(err)
			if !form || status >= 500 {
				s.writeProblem(c, err)
				return
			}
			c.Error(err) //nolint:errcheck // recorded for the access log
			s.renderLogin(c, u, status, b.Next, b.Name, msg)
			return
		}
		c.Set(ctxAuditAction, "login")
		c.Set(ctxAuditActor, actorOf(p))
		c.Set(ctxAuditTarget, p.UserRef)
		if form {
			c.Redirect(http.StatusSeeOther, b.Next)
			return
		}
		writeJSON(c, http.StatusOK, loginJSON{meJSON: outMe(p), CSRFToken: c.GetString(ctxCSRF)})
	}
}

// login checks the credentials and starts a session. Its errors are what the client may
// see: one message for every wrong credential, 429 with Retry-After when rate limited.
func (s *Server) login(c *gin.Context, b loginBody) (auth.Principal, error) {
	if s.auth == nil {
		return auth.Principal{}, &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError", msg: "password login is not configured"}
	}
	if b.Name == "" || b.Password == "" {
		return auth.Principal{}, &apiError{status: http.StatusBadRequest, name: "InputError", msg: "name and password are required"}
	}
	ctx := c.Request.Context()
	p, err := s.auth.Login(ctx, b.Name, b.Password, c.ClientIP())
	switch {
	case errors.Is(err, auth.ErrRateLimited):
		wait := defaultRetryAfter
		var le *auth.LimitError
		if errors.As(err, &le) && le.RetryAfter > 0 {
			wait = le.RetryAfter
		}
		c.Header("Retry-After", strconv.Itoa(int(max(wait.Round(time.Second), time.Second).Seconds())))
		return auth.Principal{}, &apiError{status: http.StatusTooManyRequests, name: "TooManyRequestsError",
			msg: "too many failed sign-in attempts; try again later", err: err}
	case errors.Is(err, auth.ErrUnauthenticated):
		s.recordFailedLogin(c, b.Name)
		return auth.Principal{}, &apiError{status: http.StatusUnauthorized, name: "AuthenticationError", msg: loginFailed, err: err}
	case err != nil:
		return auth.Principal{}, err
	}
	if err := s.startSession(c, p); err != nil {
		return auth.Principal{}, err
	}
	return p, nil
}

// recordFailedLogin notes a refused login in the audit log. The name tried is kept only
// when it is an account's: people type passwords into the name field, and the log must
// never hold one.
func (s *Server) recordFailedLogin(c *gin.Context, name string) {
	ctx := c.Request.Context()
	target := ""
	if users, err := s.auth.Users(ctx); err == nil {
		for _, u := range users {
			if strings.EqualFold(u.Name, name) {
				target = u.Name
				break
			}
		}
	}
	err := s.auth.Record(context.WithoutCancel(ctx), auth.AuditEvent{ // outlives the request
		At: time.Now().UTC(), Actor: actorOf(auth.Anonymous()), Action: "login.failed", Target: target,
		Status: http.StatusUnauthorized, Remote: c.ClientIP(), Details: "password",
	})
	if err != nil {
		s.logger.ErrorContext(ctx, "record audit event", "action", "login.failed", "error", err)
	}
}

// postLogout serves POST /logout: the session ends and the cookie goes. Browsers are sent
// to the login page; JSON callers get 204.
func (s *Server) postLogout(c *gin.Context) {
	if _, err := c.Cookie(sessionCookie); err == nil && c.GetBool(ctxViaCookie) {
		c.Set(ctxAuditAction, "logout")
	}
	if err := s.endSession(c); err != nil {
		s.writeProblem(c, err)
		return
	}
	if wantsJSON(c.Request) {
		c.Status(http.StatusNoContent)
		return
	}
	c.Redirect(http.StatusSeeOther, loginPath)
}

// wantsJSON reports whether the client sent or asked for JSON rather than a form or page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Content-Type"), "json") ||
		(strings.Contains(r.Header.Get("Accept"), "json") && !strings.Contains(r.Header.Get("Accept"), "text/html"))
}

// safeNext is where to go after login: a local path, else "/". Another host, a scheme,
// "//host" or backslashes (which browsers read as slashes) are refused, so login is never
// an open redirect.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

package api

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// OIDC login is the authorization code flow with PKCE. /auth/oidc/login sends the browser
// to the issuer; state, nonce and the PKCE verifier travel in a short-lived cookie sealed
// with AES-GCM, so nothing is kept in memory and a forged or edited cookie is refused.
// /auth/oidc/callback checks them, exchanges the code, verifies the ID token and starts a
// session for the catalog user the token names.
const (
	oidcLoginPath    = "/auth/oidc/login"
	oidcCallbackPath = "/auth/oidc/callback"
	oidcCookieName   = "portal_oidc"
	oidcCookieTTL    = 10 * time.Minute
	oidcTimeout      = 10 * time.Second // discovery, keys and code exchange, each
)

// oidcLogin holds the OIDC configuration and the provider, discovered on first use so the
// portal starts even while the issuer is down.
type oidcLogin struct {
	cfg    OIDCConfig
	client *http.Client
	aead   cipher.AEAD // seals the login cookie
	ui     *ui         // renders failures for browsers

	mu       sync.Mutex
	provider *oidc.Provider
}

// oidcState is what the login cookie carries from the login redirect to the callback.
type oidcState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"` // PKCE code verifier
	Next     string `json:"next"`
	Expires  int64  `json:"exp"` // unix seconds
}

// registerOIDC adds the OIDC login routes when Deps.OIDC is set.
func (s *Server) registerOIDC(r *gin.Engine) {
	if s.deps.OIDC == nil {
		return
	}
	o := newOIDCLogin(*s.deps.OIDC)
	o.ui = newUI(s.deps.Version)
	r.GET(oidcLoginPath, s.oidcLoginHandler(o))
	r.GET(oidcCallbackPath, s.oidcCallbackHandler(o))
}

// newOIDCLogin prepares the login state. The cookie key is derived from the client secret,
// so every replica behind a load balancer accepts the others' cookies; a public client
// (no secret) gets a random key per process.
func newOIDCLogin(cfg OIDCConfig) *oidcLogin {
	if cfg.Claim == "" {
		cfg.Claim = "email"
	}
	key := make([]byte, 32)
	if cfg.ClientSecret != "" {
		k, err := hkdf.Key(sha256.New, []byte(cfg.ClientSecret), nil, "nextportal oidc login cookie", 32)
		if err != nil {
			panic("api: derive oidc cookie key: " + err.Error())
		}
		key = k
	} else {
		rand.Read(key)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("api: oidc cookie cipher: " + err.Error())
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("api: oidc cookie cipher: " + err.Error())
	}
	return &oidcLogin{cfg: cfg, client: &http.Client{Timeout: oidcTimeout}, aead: aead}
}

// oidcLoginHandler redirects to the issuer's authorize URL with state, nonce and an S256
// PKCE challenge, and sets the sealed login cookie.
func (s *Server) oidcLoginHandler(o *oidcLogin) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := o.discover(c.Request.Context())
		if err != nil {
			s.oidcFail(c, o, err)
			return
		}
		st := oidcState{
			State:    rand.Text(),
			Nonce:    rand.Text(),
			Verifier: oauth2.GenerateVerifier(),
			Next:     oidcNext(c.Query("next")),
			Expires:  time.Now().Add(oidcCookieTTL).Unix(),
		}
		s.setOIDCCookie(c, o.seal(st), int(oidcCookieTTL/time.Second))
		to := o.oauth(p, c).AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
		c.Redirect(http.StatusFound, to)
	}
}

// oidcCallbackHandler finishes the login: state, code exchange, ID token, catalog user,
// session, then a redirect to the page the login started from.
func (s *Server) oidcCallbackHandler(o *oidcLogin) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, next, err := s.oidcCallback(c, o)
		if err != nil {
			s.oidcFail(c, o, err)
			return
		}
		if err := s.startSession(c, p); err != nil {
			s.oidcFail(c, o, &oidcError{status: http.StatusInternalServerError, msg: "could not start a session", err: err})
			return
		}
		s.recordOIDCLogin(c, p)
		c.Redirect(http.StatusSeeOther, next)
	}
}

// oidcCallback checks the callback request and returns the principal it establishes and
// where to send the browser next.
func (s *Server) oidcCallback(c *gin.Context, o *oidcLogin) (auth.Principal, string, error) {
	ctx := c.Request.Context()
	st, err := o.readCookie(c)
	s.setOIDCCookie(c, "", -1) // one use, whatever happens next
	if err != nil {
		return auth.Principal{}, "", err
	}
	if e := c.Query("error"); e != "" {
		return auth.Principal{}, "", unauthorized(fmt.Sprintf("the identity provider refused the sign-in (%s)", oidcSafeCode(e)), nil)
	}
	if subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(st.State)) != 1 {
		return auth.Principal{}, "", unauthorized("state mismatch: start the sign-in again", nil)
	}
	code := c.Query("code")
	if code == "" {
		return auth.Principal{}, "", unauthorized("the callback carries no authorization code", nil)
	}
	prov, err := o.discover(ctx)
	if err != nil {
		return auth.Principal{}, "", err
	}
	idToken, err := o.exchange(ctx, prov, c, code, st)
	if err != nil {
		return auth.Principal{}, "", err
	}
	email, userRef, err := o.identity(idToken)
	if err != nil {
		return auth.Principal{}, "", err
	}
	if userRef != "" {
		if err := s.oidcCatalogUser(ctx, userRef); err != nil {
			return auth.Principal{}, "", err
		}
	}
	p, err := s.deps.Auth.LoginOIDC(ctx, email, userRef)
	if err != nil {
		return auth.Principal{}, "", oidcLoginError(err)
	}
	return p, st.Next, nil
}

// exchange trades the code for tokens and verifies the ID token: signature, issuer,
// audience, expiry and the nonce.
func (o *oidcLogin) exchange(ctx context.Context, p *oidc.Provider, c *gin.Context, code string, st oidcState) (*oidc.IDToken, error) {
	tctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.client), oidcTimeout)
	defer cancel()
	tok, err := o.oauth(p, c).Exchange(tctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// RetrieveError's text holds the response body; log only status and code.
			cause := fmt.Errorf("token endpoint answered %d %s", re.Response.StatusCode, oidcSafeCode(re.ErrorCode))
			return nil, unauthorized("the identity provider refused the authorization code", cause)
		}
		return nil, &oidcError{status: http.StatusBadGateway, msg: "the identity provider's token endpoint did not answer; try again later", err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, unauthorized("the identity provider returned no ID token", nil)
	}
	idToken, err := p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID}).Verify(tctx, raw)
	if err != nil {
		return nil, verifyError(err)
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(st.Nonce)) != 1 {
		return nil, unauthorized("ID token nonce does not match", nil)
	}
	return idToken, nil
}

// identity reads the configured claim: an email (refused when email_verified is false),
// or a user ref.
func (o *oidcLogin) identity(t *oidc.IDToken) (email, userRef string, err error) {
	var claims map[string]any
	if err := t.Claims(&claims); err != nil {
		return "", "", unauthorized("ID token claims are malformed", err)
	}
	v, _ := claims[o.cfg.Claim].(string)
	if strings.TrimSpace(v) == "" {
		return "", "", unauthorized(fmt.Sprintf("ID token has no %q claim", o.cfg.Claim), nil)
	}
	if o.cfg.Claim != "email" {
		return "", strings.TrimSpace(v), nil
	}
	// Some providers send email_verified as a string.
	if ev, ok := claims["email_verified"]; ok && (ev == false || ev == "false") {
		return "", "", unauthorized("the identity provider has not verified this email address", nil)
	}
	return strings.TrimSpace(v), "", nil
}

// oidcCatalogUser checks that the catalog holds the User a user-ref claim names. (An
// email is looked up in the catalog by auth.Service; a ref it takes as given.)
func (s *Server) oidcCatalogUser(ctx context.Context, userRef string) error {
	noUser := unauthorized("no catalog user for this identity", nil)
	ref, err := catalog.ParseRef(userRef, "user", catalog.DefaultNamespace)
	if err != nil || !strings.EqualFold(ref.Kind, "user") {
		return noUser
	}
	_, err = s.catalog.EntityByRef(auth.NewContext(ctx, auth.System()), ref)
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		return noUser
	case err != nil:
		return &oidcError{status: http.StatusInternalServerError, msg: "the sign-in failed", err: err}
	}
	return nil
}

// discover returns the provider, fetching the discovery document on first use. A failure
// is not cached: the next login tries again.
func (o *oidcLogin) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	// The provider keeps this context for fetching keys later, so it must not be the
	// request's; the request's end still cuts the wait short.
	dctx, cancel := context.WithTimeout(oidc.ClientContext(context.Background(), o.client), oidcTimeout)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	p, err := oidc.NewProvider(dctx, o.cfg.Issuer)
	if err != nil {
		return nil, &oidcError{status: http.StatusBadGateway,
			msg: fmt.Sprintf("the identity provider %s could not be reached; try again later", o.cfg.Issuer),
			err: fmt.Errorf("oidc discovery: %w", err)}
	}
	o.provider = p
	return p, nil
}

// oauth is the OAuth2 client configuration for p. Without a configured redirect URL the
// callback URL is derived from the request's host.
func (o *oidcLogin) oauth(p *oidc.Provider, c *gin.Context) *oauth2.Config {
	redirect := o.cfg.RedirectURL
	if redirect == "" {
		scheme := "http"
		if c.Request.TLS != nil {
			scheme = "https"
		}
		redirect = scheme + "://" + c.Request.Host + oidcCallbackPath
	}
	return &oauth2.Config{
		ClientID:     o.cfg.ClientID,
		ClientSecret: o.cfg.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  redirect,
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// seal encrypts and authenticates st for the login cookie.
func (o *oidcLogin) seal(st oidcState) string {
	plain, err := json.Marshal(st)
	if err != nil {
		panic("api: encode oidc state: " + err.Error()) // a plain struct always encodes
	}
	nonce := make([]byte, o.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(o.aead.Seal(nonce, nonce, plain, []byte(oidcCookieName)))
}

// readCookie opens the login cookie; a missing, forged or expired one is a 401.
func (o *oidcLogin) readCookie(c *gin.Context) (oidcState, error) {
	missing := unauthorized("the sign-in has expired or was started in another browser: start it again", nil)
	v, err := c.Cookie(oidcCookieName)
	if err != nil || v == "" {
		return oidcState{}, missing
	}
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(raw) < o.aead.NonceSize() {
		return oidcState{}, unauthorized("state mismatch: the sign-in cookie is malformed", nil)
	}
	n := o.aead.NonceSize()
	plain, err := o.aead.Open(nil, raw[:n], raw[n:], []byte(oidcCookieName))
	var st oidcState
	if err != nil || json.Unmarshal(plain, &st) != nil {
		return oidcState{}, unauthorized("state mismatch: the sign-in cookie is not valid", nil)
	}
	if time.Now().Unix() > st.Expires {
		return oidcState{}, missing
	}
	return st, nil
}

// setOIDCCookie sets (or with maxAge < 0, deletes) the login cookie. It is scoped to the
// OIDC routes and SameSite=Lax, so the issuer's top-level redirect back still carries it.
func (s *Server) setOIDCCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     oidcCookieName,
		Value:    value,
		Path:     "/auth/oidc",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.deps.SecureCookies || c.Request.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// recordOIDCLogin writes the login to the audit log. A failure to record does not undo
// the login; it is logged.
func (s *Server) recordOIDCLogin(c *gin.Context, p auth.Principal) {
	ctx := c.Request.Context()
	err := s.deps.Auth.Record(ctx, auth.AuditEvent{
		At:      time.Now().UTC(),
		Actor:   actorOf(p),
		Action:  "login",
		Target:  p.UserRef,
		Status:  http.StatusSeeOther,
		Remote:  c.ClientIP(),
		Details: "oidc",
	})
	if err != nil {
		s.logger.WarnContext(ctx, "audit oidc login", slog.Any("error", err))
	}
}

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

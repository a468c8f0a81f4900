package api

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/nextportal/portal/auth"
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

// recordOIDCLogin writes the login to the audit log. A failure to record does not undo
// the login; it is logged.
func (s *Server) recordOIDCLogin(c *gin.Context, p auth.Principal) {
	ctx := c.Request.Context()
	err := s.deps.Auth.Record(context.WithoutCancel(ctx), auth.AuditEvent{ // outlives the request
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

package api

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

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

package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// maxTokenTTL bounds how long an API token may live when a TTL is given.
const maxTokenTTL = 5 * 365 * 24 * time.Hour

// tokenBody is POST /api/v1/tokens' body. TTL is a duration ("720h", "30d") or a number of
// seconds; absent or 0 means the token does not expire.
type tokenBody struct {
	Name  string          `json:"name"`
	Scope string          `json:"scope"`
	TTL   json.RawMessage `json:"ttl"`
}

// newTokenJSON is POST /api/v1/tokens' answer: the raw token, shown this once, and its
// metadata.
type newTokenJSON struct {
	Raw string `json:"token"`
	auth.Token
}

// getTokens serves GET /api/v1/tokens: the caller's own tokens, without their secrets.
func (s *Server) getTokens(c *gin.Context) error {
	p := auth.FromContext(c.Request.Context())
	list, err := s.auth.Tokens(c.Request.Context(), p.Name)
	if err != nil {
		return err
	}
	if list == nil {
		list = []auth.Token{}
	}
	writeJSON(c, http.StatusOK, gin.H{"items": list})
	return nil
}

// postToken serves POST /api/v1/tokens: a new token for the caller. A token may not mint
// one with a wider scope than its own.
func (s *Server) postToken(c *gin.Context) error {
	var b tokenBody
	if err := readJSON(c, &b, true); err != nil {
		return err
	}
	b.Name = strings.TrimSpace(b.Name)
	if b.Name == "" {
		return inputErrorf("name is required")
	}
	if b.Scope == "" {
		b.Scope = string(auth.ScopeRead)
	}
	scope, err := auth.ParseScope(b.Scope)
	if err != nil {
		return err
	}
	ttl, err := parseTTL(b.TTL)
	if err != nil {
		return err
	}
	p := auth.FromContext(c.Request.Context())
	if p.Scope != "" && scopeRank(scope) > scopeRank(p.Scope) {
		return &apiError{status: http.StatusForbidden, name: "NotAllowedError",
			msg: fmt.Sprintf("a token of scope %s may not create a token of scope %s", p.Scope, scope)}
	}
	raw, t, err := s.auth.CreateToken(c.Request.Context(), p.Name, b.Name, scope, ttl)
	if err != nil {
		return err
	}
	c.Set(ctxAuditTarget, "token:"+t.ID)
	writeJSON(c, http.StatusCreated, newTokenJSON{Raw: raw, Token: t})
	return nil
}

// deleteToken serves DELETE /api/v1/tokens/{id}: revoke one of the caller's tokens
// (admins may revoke anyone's).
func (s *Server) deleteToken(c *gin.Context) error {
	id := c.Param("id")
	c.Set(ctxAuditTarget, "token:"+id)
	if err := s.auth.RevokeToken(c.Request.Context(), auth.FromContext(c.Request.Context()), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// parseTTL reads a token TTL: a JSON number of seconds, or a string duration with the
// units of time.ParseDuration plus "d" for days.
func parseTTL(raw json.RawMessage) (time.Duration, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return 0, nil
	}
	var d time.Duration
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, inputErrorf("ttl: %v", err)
		}
		str = strings.TrimSpace(str)
		if days, ok := strings.CutSuffix(str, "d"); ok {
			n, err := strconv.Atoi(days)
			if err != nil || n < 0 || n > int(maxTokenTTL/(24*time.Hour)) {
				return 0, inputErrorf("ttl %q: want a duration such as 720h or 30d", str)
			}
			d = time.Duration(n) * 24 * time.Hour
		} else {
			var err error
			if d, err = time.ParseDuration(str); err != nil {
				return 0, inputErrorf("ttl %q: want a duration such as 720h or 30d", str)
			}
		}
	} else {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil || secs < 0 || secs > int64(maxTokenTTL/time.Second) {
			return 0, inputErrorf("ttl %s: want seconds or a duration string", s)
		}
		d = time.Duration(secs) * time.Second
	}
	if d < 0 || d > maxTokenTTL {
		return 0, inputErrorf("ttl must be between 0 (no expiry) and %s", maxTokenTTL)
	}
	return d, nil
}

// scopeRank orders token scopes: read < write < admin.
func scopeRank(s auth.Scope) int {
	switch s {
	case auth.ScopeRead:
		return 1
	case auth.ScopeWrite:
		return 2
	case auth.ScopeAdmin:
		return 3
	}
	return 0
}

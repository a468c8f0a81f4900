package api

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
)

// ctxAction is the gin context key of the action a request does, once authorize has
// resolved it; the audit log reads it.
const ctxAction = "portal.action"

// access says who may call a route: the action the policy must allow, or public.
type access struct {
	action     auth.Action
	public     bool // no credentials needed
	page       bool // a UI page: anonymous callers are redirected to the login page
	dryRunRead bool // with ?dryRun=true the route only reads (audited as a read)
	readsOnly  bool // the route needs action but only reads (audited as a read)
	perEntity  bool // the handler checks action against the entity it acts on
}

// actionFor is the action a request to a route with this access does, as the audit log
// records it; the policy still checks a.action.
func (a access) actionFor(c *gin.Context) auth.Action {
	if a.readsOnly || (a.dryRunRead && isTruthy(c.Query("dryRun"))) {
		return auth.ActionRead
	}
	return a.action
}

// authorize enforces a route's access before its handler: 401 (or, for pages, a redirect
// to the login page) when the caller is anonymous, 403 when the policy refuses the action.
func (s *Server) authorize(a access) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.admit(c, a) {
			c.Next()
		}
	}
}

// admit reports whether the caller may go on to a route with access a; when not, it has
// answered and aborted the request. (Apart from the closure above, so its frame is not on
// the stack while the handler runs: see logRequest.)
func (s *Server) admit(c *gin.Context, a access) bool {
	action := a.actionFor(c)
	if changesState(c.Request.Method) {
		// Only the audit of a state-changing request reads it; a read does not pay
		// for gin's key map.
		c.Set(ctxAction, action)
	}
	if a.public {
		return true
	}
	p := auth.FromContext(c.Request.Context())
	switch {
	case !p.IsAuthenticated() && a.page:
		c.Redirect(http.StatusSeeOther, loginPath+"?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return false
	case !p.IsAuthenticated():
		s.deny(c, http.StatusUnauthorized, "authentication required: sign in, or send an API token as Authorization: Bearer <token>")
		c.Abort()
		return false
	case action == "" || a.perEntity:
		// Any caller will do here; the handler decides on the entity.
	case !s.policy.Allow(p, a.action, auth.Resource{}):
		s.deny(c, http.StatusForbidden, notAllowedMessage(p, a.action))
		c.Abort()
		return false
	}
	return true
}

// allowEntity checks action on entity e for the request's caller; the error says why not.
func (s *Server) allowEntity(c *gin.Context, action auth.Action, e catalog.Entity) error {
	p := auth.FromContext(c.Request.Context())
	if s.policy.Allow(p, action, catalog.ResourceOf(e)) {
		return nil
	}
	return &apiError{status: http.StatusForbidden, name: "NotAllowedError", msg: notAllowedMessage(p, action)}
}

// notAllowedMessage tells a caller which action was refused and what they have.
func notAllowedMessage(p auth.Principal, a auth.Action) string {
	has := "role " + string(p.Role)
	if p.Role == "" {
		has = "no role"
	}
	if p.Scope != "" {
		has += ", token scope " + string(p.Scope)
	}
	return fmt.Sprintf("not allowed: %s %q may not do %q (%s)", p.Kind, p.Name, a, has)
}

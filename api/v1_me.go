package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// meJSON is a principal as GET /api/v1/me shows it.
type meJSON struct {
	Kind    auth.Kind  `json:"kind"`
	Name    string     `json:"name"`
	UserRef string     `json:"userRef,omitempty"`
	Groups  []string   `json:"groups"`
	Role    auth.Role  `json:"role"`
	Scope   auth.Scope `json:"scope,omitempty"`
	Via     string     `json:"via,omitempty"`
}

func outMe(p auth.Principal) meJSON {
	groups := p.Groups
	if groups == nil {
		groups = []string{}
	}
	return meJSON{Kind: p.Kind, Name: p.Name, UserRef: p.UserRef, Groups: groups, Role: p.Role, Scope: p.Scope, Via: p.Via}
}

// getMe serves GET /api/v1/me: who the caller is.
func (s *Server) getMe(c *gin.Context) error {
	writeJSON(c, http.StatusOK, outMe(auth.FromContext(c.Request.Context())))
	return nil
}

package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// getUsers serves GET /api/v1/users: every local account (admins only).
func (s *Server) getUsers(c *gin.Context) error {
	users, err := s.auth.Users(c.Request.Context())
	if err != nil {
		return err
	}
	if users == nil {
		users = []auth.User{}
	}
	writeJSON(c, http.StatusOK, gin.H{"items": users})
	return nil
}

// userBody is POST /api/v1/users' body.
type userBody struct {
	Name           string `json:"name"`
	Email          string `json:"email"`
	UserRef        string `json:"userRef"`
	Role           string `json:"role"`
	Password       string `json:"password"`
	ServiceAccount bool   `json:"serviceAccount"`
}

// postUser serves POST /api/v1/users: a new local account (admins only).
func (s *Server) postUser(c *gin.Context) error {
	var b userBody
	if err := readJSON(c, &b, true); err != nil {
		return err
	}
	if b.Role == "" {
		b.Role = string(auth.RoleViewer)
	}
	role, err := auth.ParseRole(b.Role)
	if err != nil {
		return err
	}
	c.Set(ctxAuditTarget, "user:"+strings.TrimSpace(b.Name))
	u, err := s.auth.AddUser(c.Request.Context(), auth.NewUser{
		Name: strings.TrimSpace(b.Name), Email: strings.TrimSpace(b.Email), UserRef: strings.TrimSpace(b.UserRef),
		Role: role, Password: b.Password, ServiceAccount: b.ServiceAccount,
	})
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusCreated, u)
	return nil
}

// userPatch is PATCH /api/v1/users/{name}'s body: the fields to change.
type userPatch struct {
	Disabled *bool   `json:"disabled"`
	Role     *string `json:"role"`
}

// patchUser serves PATCH /api/v1/users/{name}: disable or enable a user, or change their
// role (admins only). It answers with the user as it now is.
func (s *Server) patchUser(c *gin.Context) error {
	var b userPatch
	if err := readJSON(c, &b, true); err != nil {
		return err
	}
	if b.Disabled == nil && b.Role == nil {
		return inputErrorf("nothing to change: send disabled or role")
	}
	ctx, name := c.Request.Context(), c.Param("name")
	c.Set(ctxAuditTarget, "user:"+name)
	if b.Role != nil {
		role, err := auth.ParseRole(*b.Role)
		if err != nil {
			return err
		}
		if err := s.auth.SetRole(ctx, name, role); err != nil {
			return err
		}
	}
	if b.Disabled != nil {
		if err := s.auth.SetDisabled(ctx, name, *b.Disabled); err != nil {
			return err
		}
	}
	users, err := s.auth.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if strings.EqualFold(u.Name, name) {
			writeJSON(c, http.StatusOK, u)
			return nil
		}
	}
	return &apiError{status: http.StatusNotFound, name: "NotFoundError", msg: "no user named " + name}
}

// auditJSON is GET /api/v1/audit's answer: a page of events, newest first, and the cursor
// of the next (older) page when there may be one.
type auditJSON struct {
	Items      []auth.AuditEvent `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

// getAudit serves GET /api/v1/audit?actor=&action=&before=&limit= (admins only).
func (s *Server) getAudit(c *gin.Context) error {
	q := auth.AuditQuery{Actor: c.Query("actor"), Action: c.Query("action")}
	if v := c.Query("before"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return inputErrorf("before must be a positive event id (a nextCursor)")
		}
		q.BeforeID = id
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return inputErrorf("limit must be an integer from 1 to 1000")
		}
		q.Limit = n
	}
	events, err := s.auth.Audit(c.Request.Context(), q)
	if err != nil {
		return err
	}
	out := auditJSON{Items: events}
	if out.Items == nil {
		out.Items = []auth.AuditEvent{}
	}
	limit := q.Limit
	if limit == 0 {
		limit = 100
	}
	if len(events) == limit {
		out.NextCursor = strconv.FormatInt(events[len(events)-1].ID, 10)
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

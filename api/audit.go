package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// Keys handlers set in the gin context to shape their audit event.
const (
	ctxAuditTarget = "portal.audit.target" // what was changed: an entity ref, a location, a token id
	ctxAuditAction = "portal.audit.action" // replaces "METHOD route", e.g. "login"
	ctxAuditActor  = "portal.audit.actor"  // replaces the request's principal, e.g. who just logged in
)

// audit records every successful change in the audit log: who (the principal, never a
// credential), what ("METHOD route" and its target), the status and the client address.
// Requests that only read, even by POST, are not recorded; bodies never are.
func (s *Server) audit() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		s.recordChange(c)
	}
}

// recordChange writes the audit event of a request that changed something successfully;
// it does nothing for any other request.
func (s *Server) recordChange(c *gin.Context) {
	if s.auth == nil || !changesState(c.Request.Method) || c.Writer.Status() >= http.StatusBadRequest {
		return
	}
	action := c.GetString(ctxAuditAction)
	if action == "" {
		if a, _ := c.Get(ctxAction); a == nil || a == auth.Action("") || a == auth.ActionRead {
			return
		}
		action = c.Request.Method + " " + c.FullPath()
	}
	actor := c.GetString(ctxAuditActor)
	if actor == "" {
		actor = actorOf(auth.FromContext(c.Request.Context()))
	}
	// The response is written: the client may be gone and its context cancelled, but
	// the change happened, so its record must be written anyway.
	ctx := context.WithoutCancel(c.Request.Context())
	err := s.auth.Record(ctx, auth.AuditEvent{
		At:     time.Now().UTC(),
		Actor:  actor,
		Action: action,
		Target: c.GetString(ctxAuditTarget),
		Status: c.Writer.Status(),
		Remote: c.ClientIP(),
	})
	if err != nil {
		// The change is done and answered; losing its record is logged, not undone.
		s.logger.ErrorContext(ctx, "record audit event", slog.String("action", action), slog.Any("error", err))
	}
}

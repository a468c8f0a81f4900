package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// v1Prefix is where the native API is mounted.
const v1Prefix = "/api/v1"

// problemBody is the native API's error body.
type problemBody struct {
	Error     errorInfo `json:"error"`
	RequestID string    `json:"requestId"`
}

// writeProblem answers err in the native API's shape, with the status errorResponse
// chooses. Server errors are logged; the client gets a short message and the request id.
func (s *Server) writeProblem(c *gin.Context, err error) {
	status, name, msg := errorResponse(err)
	id := RequestID(c.Request.Context())
	if status >= 500 {
		s.logger.ErrorContext(c.Request.Context(), "request failed",
			slog.String("request_id", id), slog.String("route", routeLabel(c)), slog.Any("error", err))
	}
	c.Error(err) //nolint:errcheck // recorded for the access log
	writeJSON(c, status, problemBody{Error: errorInfo{Name: name, Message: msg}, RequestID: id})
}

// handleV1 adapts h to gin for the native API: a returned error is answered with
// writeProblem.
func (s *Server) handleV1(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.writeProblem(c, err)
		}
	}
}

// nativeArea reports whether the request belongs to the native API or the login routes,
// which answer errors in the native shape; everything else keeps Backstage's.
func nativeArea(r *http.Request) bool {
	p := r.URL.Path
	return p == v1Prefix || strings.HasPrefix(p, v1Prefix+"/") || p == loginPath || p == logoutPath
}

// writeAreaError answers err in the error shape of the request's area.
func (s *Server) writeAreaError(c *gin.Context, err error) {
	if nativeArea(c.Request) {
		s.writeProblem(c, err)
		return
	}
	s.writeError(c, err)
}

// deny answers 401 or 403 with msg in the shape of the request's area.
func (s *Server) deny(c *gin.Context, status int, msg string) {
	name := "NotAllowedError"
	if status == http.StatusUnauthorized {
		name = "AuthenticationError"
		c.Header("WWW-Authenticate", `Bearer realm="portal"`)
	}
	s.writeAreaError(c, &apiError{status: status, name: name, msg: msg})
}

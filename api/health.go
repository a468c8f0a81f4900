package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// healthz answers while the process serves requests at all.
func (s *Server) healthz(c *gin.Context) {
	writeJSON(c, http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when Deps.Ready passes (the database is reachable) and 503 with the
// reason when it does not, so a load balancer stops sending traffic.
func (s *Server) readyz(c *gin.Context) {
	if s.deps.Ready != nil {
		if err := s.deps.Ready(c.Request.Context()); err != nil {
			writeJSON(c, http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": err.Error()})
			return
		}
	}
	writeJSON(c, http.StatusOK, gin.H{"status": "ok"})
}

// noRoute answers unknown paths with a 404 in Backstage's error shape.
func (s *Server) noRoute(c *gin.Context) error {
	return notFoundf("no route for %s %s", c.Request.Method, c.Request.URL.Path)
}

// noMethod answers a known path with a method it does not serve; gin has set Allow.
func (s *Server) noMethod(c *gin.Context) error {
	return &apiError{
		status: http.StatusMethodNotAllowed,
		name:   "MethodNotAllowedError",
		msg: fmt.Sprintf("method %s is not allowed on %s (allowed: %s)",
			c.Request.Method, c.Request.URL.Path, c.Writer.Header().Get("Allow")),
	}
}

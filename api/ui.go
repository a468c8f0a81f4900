package api

import "github.com/gin-gonic/gin"

// registerUI adds the web UI's pages to r. (Owned by the web UI work.)
func (s *Server) registerUI(r *gin.Engine) {}

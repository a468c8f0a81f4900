package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes registers every route. (Owned by the API work; this is the starting point.)
func (s *Server) routes() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	s.registerUI(r)
	return r
}

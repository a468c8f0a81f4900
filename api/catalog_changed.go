package api

import "github.com/gin-gonic/gin"

// notifyCatalogChanged calls Deps.CatalogChanged after a catalog-changing request that
// succeeded (a 2xx answer), so that search indexes the change soon, and makes auth read
// callers' groups afresh, so a change of group membership applies at once.
func (s *Server) notifyCatalogChanged() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if c.Writer.Status() >= 300 {
			return
		}
		if s.auth != nil {
			s.auth.ForgetCredentials()
		}
		if s.deps.CatalogChanged != nil {
			s.deps.CatalogChanged()
		}
	}
}

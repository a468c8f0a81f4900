package api

import "github.com/gin-gonic/gin"

// notifyCatalogChanged calls Deps.CatalogChanged after a catalog-changing request that
// succeeded (a 2xx answer), so that search indexes the change soon.
func (s *Server) notifyCatalogChanged() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if s.deps.CatalogChanged != nil && c.Writer.Status() < 300 {
			s.deps.CatalogChanged()
		}
	}
}

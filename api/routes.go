package api

import (
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

// routes registers every route and the middleware around them.
func (s *Server) routes() http.Handler {
	if gin.Mode() == gin.DebugMode && os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(
		requestID(),
		securityHeaders(),
		s.metrics.middleware(),
		accessLog(s.logger),
		s.recovery(),
		s.bodyLimit(s.deps.MaxBodyBytes),
	)
	r.NoRoute(s.handle(s.noRoute))
	r.NoMethod(s.handle(s.noMethod))

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(s.metrics.handler()))

	s.registerCatalog(r.Group(catalogPrefix))
	s.registerUI(r)
	return r
}

// registerCatalog adds Backstage's catalog REST API (catalog-backend 4.0) to g.
func (s *Server) registerCatalog(g *gin.RouterGroup) {
	g.GET("/entities", s.handle(s.getEntities))
	g.GET("/entities/by-query", s.handle(s.getEntitiesByQuery))
	g.POST("/entities/by-query", s.handle(s.postEntitiesByQuery))
	g.POST("/entities/by-refs", s.handle(s.postEntitiesByRefs))
	g.GET("/entities/by-uid/:uid", s.handle(s.getEntityByUID))
	g.DELETE("/entities/by-uid/:uid", s.handle(s.deleteEntityByUID))
	g.GET("/entities/by-name/:kind/:namespace/:name", s.handle(s.getEntityByName))
	g.GET("/entities/by-name/:kind/:namespace/:name/ancestry", s.handle(s.getEntityAncestry))
	g.GET("/entity-facets", s.handle(s.getEntityFacets))
	g.POST("/entity-facets", s.handle(s.postEntityFacets))
	g.POST("/refresh", s.handle(s.postRefresh))
	g.POST("/validate-entity", s.validateEntity)
	g.POST("/analyze-location", s.handle(s.postAnalyzeLocation))
	g.POST("/locations", s.handle(s.postLocation))
	g.GET("/locations", s.handle(s.getLocations))
	g.GET("/locations/:id", s.handle(s.getLocation))
	g.DELETE("/locations/:id", s.handle(s.deleteLocation))
	g.GET("/locations/by-entity/:kind/:namespace/:name", s.handle(s.getLocationByEntity))
}

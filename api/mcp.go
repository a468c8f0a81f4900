package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/assistant/mcp"
)

// mcpPath is where the Model Context Protocol is served (streamable HTTP).
const mcpPath = "/mcp"

// mcpRoutes serve the MCP endpoint to readers with a portal API token: the middleware has
// authenticated the bearer token, and the MCP handler refuses requests without one (a
// browser session is not enough), answering 401.
func (s *Server) mcpRoutes() []route {
	h := s.mcpHandler()
	return []route{
		{http.MethodPost, mcpPath, read, h},
		{http.MethodGet, mcpPath, read, h},
		{http.MethodDelete, mcpPath, read, h},
	}
}

// mcpHandler builds the MCP server over the server's own catalog, search and assistant.
func (s *Server) mcpHandler() gin.HandlerFunc {
	if !s.deps.MCP {
		return s.handleV1(func(*gin.Context) error {
			return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
				msg: "the MCP server is not enabled on this server"}
		})
	}
	d := mcp.Deps{Catalog: s.catalog, ParsePredicate: parsePredicateJSON, CatalogChanged: s.deps.CatalogChanged,
		BaseURL: s.deps.BaseURL, Version: s.deps.Version, DryRunTemplate: s.mcpDryRun(), Logger: s.logger.With("component", "mcp"), Tools: s.deps.Tools}
	if s.search != nil {
		d.Search = s.search
	}
	if s.deps.Assistant != nil {
		d.Assistant = s.deps.Assistant
	}
	return gin.WrapH(mcp.Handler(d, nil))
}

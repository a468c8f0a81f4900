package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/nextportal/portal/catalog"
)

// defaultMaxBodyBytes is the request body limit when Deps.MaxBodyBytes is 0.
const defaultMaxBodyBytes = 1 << 20

// Deps is everything the HTTP server needs, built by cmd/portal.
type Deps struct {
	Catalog      *catalog.Service
	Logger       *slog.Logger
	Ready        func(ctx context.Context) error // readiness check (the database); nil means always ready
	MaxBodyBytes int64                           // request body limit; 0 means the default (1 MiB)
	Version      string
}

// Server is the portal's HTTP server: the Backstage-compatible routes, the native /api/v1
// routes, operational endpoints and the web UI.
type Server struct {
	catalog *catalog.Service
	logger  *slog.Logger
	deps    Deps
	metrics *metrics
	handler http.Handler
}

// NewServer builds the server and its routes.
func NewServer(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = defaultMaxBodyBytes
	}
	s := &Server{catalog: d.Catalog, logger: d.Logger, deps: d, metrics: newMetrics()}
	s.handler = s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

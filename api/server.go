package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/scaffolder"
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

	// Auth checks credentials and keeps users, tokens, sessions and the audit log. Without
	// it no credential is accepted: callers are anonymous (or the guest, in demo mode).
	Auth *auth.Service
	// Demo signs in every request without credentials as the guest developer.
	Demo bool
	// MetricsPublic serves /metrics without credentials.
	MetricsPublic bool
	// SecureCookies marks the session cookie Secure even when the request arrived over
	// plain HTTP (behind a TLS-terminating proxy).
	SecureCookies bool
	// OIDC enables login through an OIDC issuer; nil means password login only.
	OIDC *OIDCConfig
	// CatalogChanged, when set, is called after a request that may have changed the catalog
	// (registering, refreshing or deleting locations and entities) succeeded; the server
	// uses it to index the change for search without waiting for the next refresh.
	CatalogChanged func()
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies whose
	// X-Forwarded-For is believed when taking the client address for rate limits and the
	// audit log. Empty means none: the peer address is the client.
	TrustedProxies []string
	// Search serves the search APIs and page; nil answers them with 503 (the page says
	// search is off).
	Search *indexer.Service
	// Assistant serves the chat API and the chat panel; nil answers the API with 503 and
	// leaves the panel out of the pages.
	Assistant Assistant
	// Slack answers the Slack app's requests (/slack/*); nil answers them with 503.
	Slack SlackBot
	// MCP serves the Model Context Protocol at /mcp to callers with a portal API token,
	// over Catalog, Search, Assistant and Tools; false answers /mcp with 503.
	MCP bool
	// Tools is the assistant's tool registry, served by /mcp beside its own tools.
	Tools *assistant.Registry
	// BaseURL is the portal's public URL, for absolute links in MCP results.
	BaseURL string
	// Scaffolder runs software templates; nil answers its API with 503 and leaves the
	// Create page out.
	Scaffolder *scaffolder.Service
	// Anomaly ingests metric points, scores them and serves anomalies and charts; nil
	// answers those routes with 503.
	Anomaly *anomaly.Service
	// Alerts keeps alert rules and alerts; nil answers their routes with 503.
	Alerts *alert.Service
	// Outbox lists and re-sends notification deliveries; nil answers their routes with 503.
	Outbox *notify.Outbox
	// Incidents records incidents from webhooks and serves them; nil answers those routes
	// with 503 and leaves the incident pages empty.
	Incidents *incident.Service
	// FinOps imports FOCUS cost files and reports costs; nil answers /api/v1/costs with 503.
	FinOps *finops.Service
	// MaxImportBytes bounds a FOCUS upload (default 8 GiB); other bodies get MaxBodyBytes.
	MaxImportBytes int64
	// Budgets keeps budgets and serves cost forecasts and the cost pages' charts;
	// CostAdvice serves cost recommendations. nil answers their routes with 503.
	Budgets    *finops.Budgets
	CostAdvice *finops.Recommender
}

// Server is the portal's HTTP server: the Backstage-compatible routes, the native /api/v1
// routes, operational endpoints and the web UI.
type Server struct {
	catalog  *catalog.Service
	search   *indexer.Service
	auth     *auth.Service
	policy   auth.Policy
	logger   *slog.Logger
	deps     Deps
	metrics  *metrics
	engine   *gin.Engine
	reads    readCache // answers of catalog reads, per catalog generation
	searches readCache // answers of search GETs, per catalog generation and search index version
}

// NewServer builds the server and its routes.
func NewServer(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = defaultMaxBodyBytes
	}
	s := &Server{catalog: d.Catalog, search: d.Search, auth: d.Auth, logger: boundLogger(d.Logger), deps: d, metrics: newMetrics()}
	s.engine = s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

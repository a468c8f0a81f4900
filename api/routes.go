package api

import (
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/auth"
)

// route is one entry of the route table: what it serves, who may call it, and the handler.
type route struct {
	method, path string
	access       access
	handler      gin.HandlerFunc
}

// Who may call a route. Every route names one; authorize enforces it before the handler.
var (
	// public routes need no credentials: health checks, login, static files.
	public = access{public: true}
	// signedIn routes need any authenticated caller.
	signedIn = access{}
	// read, register, … need their action on the portal as a whole.
	read        = access{action: auth.ActionRead}
	register    = access{action: auth.ActionRegister}
	delLocation = access{action: auth.ActionDeleteLocation}
	ownTokens   = access{action: auth.ActionManageOwnTokens}
	admin       = access{action: auth.ActionAdmin}
	// page is a UI page: readers only, and anonymous callers go to the login page.
	page = access{action: auth.ActionRead, page: true}
	// registerUnlessDryRun is POST /locations: with dryRun=true it only reads, but still
	// needs the register action, as Backstage counts a dry run as a location create.
	registerUnlessDryRun = access{action: auth.ActionRegister, dryRunRead: true}
	// analyze is POST /analyze-location: it only reads files, but like a dry run it needs
	// the register action, so a viewer cannot read files the catalog does not show them.
	analyze = access{action: auth.ActionRegister, readsOnly: true}
	// delEntity routes need a caller; the handler checks the action against the entity,
	// which it must first find as the caller.
	delEntity = access{action: auth.ActionDeleteEntity, perEntity: true}
)

// table is every route the server serves: each capability contributes its list, and they
// are joined here. A new capability adds its list (say assistantRoutes, in its own file) to
// this join, with each route's access, and its routes to the route table test.
func (s *Server) table(u *ui) []route {
	return slices.Concat(s.systemRoutes(), s.catalogRoutes(), s.authRoutes(), s.searchRoutes(), s.assistantRoutes(), s.slackRoutes(), s.mcpRoutes(), s.scaffolderRoutes(), s.anomalyRoutes(), s.alertRoutes(), s.alertUIRoutes(u), s.incidentRoutes(), s.incidentPages(u), s.uiRoutes(u))
}

// systemRoutes are health, readiness and metrics.
func (s *Server) systemRoutes() []route {
	metricsAccess := access{action: auth.ActionMetrics}
	if s.deps.MetricsPublic {
		metricsAccess = public
	}
	return []route{
		{http.MethodGet, "/healthz", public, s.healthz},
		{http.MethodGet, "/readyz", public, s.readyz},
		{http.MethodGet, "/metrics", metricsAccess, gin.WrapH(s.metrics.handler())},
	}
}

// catalogRoutes are Backstage's catalog API.
func (s *Server) catalogRoutes() []route {
	const cat = catalogPrefix
	return []route{
		{http.MethodGet, cat + "/entities", read, s.handle(s.getEntities)},
		{http.MethodGet, cat + "/entities/by-query", read, s.handle(s.getEntitiesByQuery)},
		{http.MethodPost, cat + "/entities/by-query", read, s.handle(s.postEntitiesByQuery)},
		{http.MethodPost, cat + "/entities/by-refs", read, s.handle(s.postEntitiesByRefs)},
		{http.MethodGet, cat + "/entities/by-uid/:uid", read, s.handle(s.getEntityByUID)},
		{http.MethodDelete, cat + "/entities/by-uid/:uid", delEntity, s.handle(s.deleteEntityByUID)},
		{http.MethodGet, cat + "/entities/by-name/:kind/:namespace/:name", read, s.handle(s.getEntityByName)},
		{http.MethodGet, cat + "/entities/by-name/:kind/:namespace/:name/ancestry", read, s.handle(s.getEntityAncestry)},
		{http.MethodGet, cat + "/entity-facets", read, s.handle(s.getEntityFacets)},
		{http.MethodPost, cat + "/entity-facets", read, s.handle(s.postEntityFacets)},
		{http.MethodPost, cat + "/refresh", register, s.handle(s.postRefresh)},
		{http.MethodPost, cat + "/validate-entity", read, s.validateEntity},
		{http.MethodPost, cat + "/analyze-location", analyze, s.handle(s.postAnalyzeLocation)},
		{http.MethodPost, cat + "/locations", registerUnlessDryRun, s.handle(s.postLocation)},
		{http.MethodGet, cat + "/locations", read, s.handle(s.getLocations)},
		{http.MethodGet, cat + "/locations/:id", read, s.handle(s.getLocation)},
		{http.MethodDelete, cat + "/locations/:id", delLocation, s.handle(s.deleteLocation)},
		{http.MethodGet, cat + "/locations/by-entity/:kind/:namespace/:name", read, s.handle(s.getLocationByEntity)},
	}
}

// authRoutes are the native API's identity routes and the login form.
func (s *Server) authRoutes() []route {
	return []route{
		{http.MethodGet, v1Prefix + "/me", signedIn, s.handleV1(s.getMe)},
		{http.MethodGet, v1Prefix + "/tokens", ownTokens, s.handleV1(s.getTokens)},
		{http.MethodPost, v1Prefix + "/tokens", ownTokens, s.handleV1(s.postToken)},
		{http.MethodDelete, v1Prefix + "/tokens/:id", ownTokens, s.handleV1(s.deleteToken)},
		{http.MethodGet, v1Prefix + "/users", admin, s.handleV1(s.getUsers)},
		{http.MethodPost, v1Prefix + "/users", admin, s.handleV1(s.postUser)},
		{http.MethodPatch, v1Prefix + "/users/:name", admin, s.handleV1(s.patchUser)},
		{http.MethodGet, v1Prefix + "/audit", admin, s.handleV1(s.getAudit)},
		{http.MethodPost, logoutPath, public, s.postLogout},
	}
}

// searchRoutes are native and Backstage-compatible search.
func (s *Server) searchRoutes() []route {
	return []route{
		{http.MethodGet, v1Prefix + "/search", read, s.handleV1(s.getSearch)},
		{http.MethodGet, "/api/search/query", read, s.handle(s.getBackstageSearch)},
	}
}

// assistantRoutes are the assistant's chat and conversations. The assistant answers any
// signed-in reader (viewer and up), as they may see.
func (s *Server) assistantRoutes() []route {
	return []route{
		{http.MethodPost, assistantPrefix + "/chat", read, s.handleV1(s.postChat)},
		{http.MethodGet, assistantPrefix + "/conversations", read, s.handleV1(s.getConversations)},
		{http.MethodGet, assistantPrefix + "/conversations/:id", read, s.handleV1(s.getConversation)},
		{http.MethodPost, assistantPrefix + "/conversations/:id/feedback", read, s.handleV1(s.postFeedback)},
	}
}

// anomalyRoutes are metric ingestion, anomalies and charts: developers push points, readers
// read anomalies and charts.
func (s *Server) anomalyRoutes() []route {
	return []route{
		{http.MethodPost, v1Prefix + "/metrics", register, s.handleV1(s.postMetrics)},
		{http.MethodGet, v1Prefix + "/anomalies", read, s.handleV1(s.getAnomalies)},
		{http.MethodGet, v1Prefix + "/metrics/:series/:chart", read, s.handleV1(s.getMetricsChart)},
	}
}

// uiRoutes are the web UI's pages, its login form and static files.
func (s *Server) uiRoutes(u *ui) []route {
	return []route{
		{http.MethodGet, loginPath, public, s.loginPage(u)},
		{http.MethodPost, loginPath, public, s.postLogin(u)},
		{http.MethodGet, "/", page, s.uiCatalog(u)},
		{http.MethodGet, "/catalog", page, s.uiCatalog(u)},
		{http.MethodGet, "/catalog/:namespace/:kind/:name", page, s.uiEntity(u)},
		{http.MethodGet, "/search", page, s.uiSearch(u)},
		{http.MethodGet, "/docs/*path", page, s.uiDoc(u)},
		{http.MethodGet, "/create", page, s.uiCreate(u)},
		{http.MethodGet, "/create/templates/:namespace/:name", page, s.uiCreateForm(u)},
		{http.MethodGet, "/create/tasks/:id", page, s.uiTask(u)},
		{http.MethodGet, "/static/*filepath", public, u.serveStatic},
		{http.MethodHead, "/static/*filepath", public, u.serveStatic},
	}
}

// routes registers every route and the middleware around them.
func (s *Server) routes() *gin.Engine {
	if gin.Mode() == gin.DebugMode && os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode)
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(s.deps.TrustedProxies); err != nil {
		s.logger.Error("trusted proxies ignored", "error", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(
		requestID(),
		securityHeaders(),
		s.metrics.middleware(),
		accessLog(s.logger),
		s.recovery(),
		s.bodyLimit(s.deps.MaxBodyBytes),
		s.authenticate(),
		s.audit(),
	)
	r.NoRoute(s.handle(s.noRoute))
	r.NoMethod(s.handle(s.noMethod))

	u := newUI(s.deps.Version)
	u.chat = s.deps.Assistant != nil
	for _, rt := range s.table(u) {
		handlers := []gin.HandlerFunc{s.authorize(rt.access), rt.handler}
		if rt.method != http.MethodGet && strings.HasPrefix(rt.path, catalogPrefix) && rt.access.action != auth.ActionRead && !rt.access.readsOnly {
			handlers = []gin.HandlerFunc{s.authorize(rt.access), s.notifyCatalogChanged(), rt.handler}
		}
		r.Handle(rt.method, rt.path, handlers...)
	}
	// The OIDC login and callback routes are public, like the login form.
	s.registerOIDC(r)
	return r
}

// Route is one route the server serves, as its method and path template.
type Route struct {
	Method, Path string
}

// Routes lists every route the server serves, for documentation and for the test that
// checks each route's access rules.
func (s *Server) Routes() []Route {
	var out []Route
	for _, ri := range s.engine.Routes() {
		out = append(out, Route{Method: ri.Method, Path: ri.Path})
	}
	return out
}

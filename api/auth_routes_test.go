package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
)

// testPassword is the password of the "pw-user" account the auth tests log in with.
const testPassword = "correct horse battery staple"

// newAuthEnv is newTestEnv with testdata/auth registered (entities of every visibility,
// and the catalog Users of the test principals) and a user who logs in with a password.
func newAuthEnv(t *testing.T, d api.Deps) *testEnv {
	t.Helper()
	env := newTestEnv(t, d)
	dir := env.copyTree("testdata/auth", "auth")
	if w := env.do(http.MethodPost, "/api/catalog/locations", `{"type":"file","target":"`+dir+`"}`); w.Code != http.StatusCreated {
		t.Fatalf("register auth fixtures: %d %s", w.Code, w.Body)
	}
	if _, err := env.auth.AddUser(t.Context(), auth.NewUser{Name: "pw-user", Role: auth.RoleViewer, Password: testPassword}); err != nil {
		t.Fatalf("add pw-user: %v", err)
	}
	return env
}

// statuses are the status codes a request gets as each principal. Bad, expired and
// revoked tokens always get 401.
type statuses struct{ anonymous, viewer, developer, owner, admin, guest int }

func (s statuses) of(who string) int {
	switch who {
	case asAnonymous:
		return s.anonymous
	case asViewer:
		return s.viewer
	case asDeveloper:
		return s.developer
	case asOwner:
		return s.owner
	case asAdmin:
		return s.admin
	case asGuest:
		return s.guest
	}
	return http.StatusUnauthorized
}

// Common rows of the access table.
var (
	anyone  = statuses{200, 200, 200, 200, 200, 200}
	readers = statuses{401, 200, 200, 200, 200, 200}
	pages   = statuses{303, 200, 200, 200, 200, 200}
	// docPages are pages of an index with no documents: readers get the 404 page.
	docPages   = statuses{303, 404, 404, 404, 404, 404}
	admins     = statuses{401, 403, 403, 403, 200, 403}
	tokenUsers = statuses{401, 403, 200, 200, 200, 403}
	// scaffolderReaders and scaffolderRunners are scaffolder routes while the scaffolder
	// is off: readers (runners: developers) get 503, the others are turned away first.
	scaffolderReaders = statuses{401, 503, 503, 503, 503, 503}
	scaffolderRunners = statuses{401, 403, 503, 503, 503, 503}
	// alertsReaders, alertsActors and alertsAdmins are alert routes while alerts are off;
	// adminPages are pages only admins may open.
	alertsReaders = statuses{401, 503, 503, 503, 503, 503}
	alertsActors  = statuses{401, 403, 503, 503, 503, 503}
	alertsAdmins  = statuses{401, 403, 403, 403, 503, 403}
	adminPages    = statuses{303, 403, 403, 403, 200, 403}
	// oidcDown is a public OIDC route while the issuer cannot be reached.
	oidcDown = statuses{502, 502, 502, 502, 502, 502}
)

// accessPrincipals are every kind of caller the access table checks, weakest first, so a
// destructive request's first success does not hide a later refusal.
var accessPrincipals = []string{asAnonymous, asBad, asExpired, asRevoked, asViewer, asDeveloper, asOwner, asAdmin, asGuest}

// accessCase is one request to a route and the status it gets as each principal.
type accessCase struct {
	method, route string // the route template, as Server.Routes lists it
	url, body     string
	// prep, when set, readies the state a destructive request needs and returns its url
	// and body; it runs before each principal's request.
	prep func(who string) (url, body string)
	want statuses
}

// TestRouteAccess walks every route the server serves × every kind of principal and
// checks each status code. A route missing from the table fails the test.
func TestRouteAccess(t *testing.T) {
	// The OIDC routes are served when OIDC is configured; its issuer is down here.
	// The search routes answer over an empty index of their own.
	slot := &assistantSlot{}
	env := newAuthEnv(t, api.Deps{OIDC: &api.OIDCConfig{Issuer: "http://127.0.0.1:1", ClientID: "portal"}, Search: newEmptySearch(t), Assistant: slot, MCP: true, Anomaly: newAnomalyService(t)})
	addAssistant(t, env, slot)
	if w := env.do("POST", "/api/v1/metrics", pushBody("access-series", 0, 5, wave)); w.Code != 200 {
		t.Fatalf("push access-series: %d %s", w.Code, w.Body)
	}
	ctx := t.Context()
	const cat = "/api/catalog"
	n := 0
	next := func() int { n++; return n }

	// newLocation registers a location of one fresh component as the admin.
	newLocation := func() string {
		i := next()
		p := env.writeFile(fmt.Sprintf("loc-%d/catalog-info.yaml", i), fmt.Sprintf(
			"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: loc-%d\nspec:\n  type: service\n  lifecycle: production\n  owner: team-other\n", i))
		return `{"type":"file","target":"` + p + `"}`
	}
	cases := []accessCase{
		{method: "GET", route: "/healthz", url: "/healthz", want: anyone},
		{method: "GET", route: "/readyz", url: "/readyz", want: anyone},
		{method: "GET", route: "/metrics", url: "/metrics", want: readers},

		{method: "GET", route: cat + "/entities", url: cat + "/entities", want: readers},
		{method: "GET", route: cat + "/entities/by-query", url: cat + "/entities/by-query", want: readers},
		{method: "POST", route: cat + "/entities/by-query", url: cat + "/entities/by-query", body: `{}`, want: readers},
		{method: "POST", route: cat + "/entities/by-refs", url: cat + "/entities/by-refs", body: `{"entityRefs":["component:open-svc"]}`, want: readers},
		{method: "GET", route: cat + "/entities/by-uid/:uid", url: cat + "/entities/by-uid/" + env.uidOf("component", "open-svc"), want: readers},
		{method: "DELETE", route: cat + "/entities/by-uid/:uid", want: statuses{401, 403, 403, 204, 204, 403},
			prep: func(string) (string, string) {
				// The refresh of a sibling brings internal-svc back after a delete.
				if w := env.do("POST", cat+"/refresh", `{"entityRef":"component:open-svc"}`); w.Code != 200 {
					t.Fatalf("refresh: %d %s", w.Code, w.Body)
				}
				return cat + "/entities/by-uid/" + env.uidOf("component", "internal-svc"), ""
			}},
		{method: "GET", route: cat + "/entities/by-name/:kind/:namespace/:name", url: cat + "/entities/by-name/component/default/open-svc", want: readers},
		{method: "GET", route: cat + "/entities/by-name/:kind/:namespace/:name/ancestry", url: cat + "/entities/by-name/component/default/open-svc/ancestry", want: readers},
		{method: "GET", route: cat + "/entity-facets", url: cat + "/entity-facets?facet=kind", want: readers},
		{method: "POST", route: cat + "/entity-facets", url: cat + "/entity-facets", body: `{"facets":["kind"]}`, want: readers},
		{method: "POST", route: cat + "/refresh", url: cat + "/refresh", body: `{"entityRef":"component:open-svc"}`, want: statuses{401, 403, 200, 200, 200, 200}},
		{method: "POST", route: cat + "/validate-entity", url: cat + "/validate-entity", want: readers,
			body: `{"location":"url:https://example.com/x.yaml","entity":{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"type":"service","lifecycle":"production","owner":"team-a"}}}`},
		{method: "POST", route: cat + "/analyze-location", url: cat + "/analyze-location", want: statuses{401, 403, 200, 200, 200, 200},
			body: `{"location":{"type":"file","target":"` + env.root + `/auth/catalog-info.yaml"}}`},
		{method: "POST", route: cat + "/locations", want: statuses{401, 403, 201, 201, 201, 201},
			prep: func(string) (string, string) { return cat + "/locations", newLocation() }},
		{method: "POST", route: cat + "/locations", want: statuses{401, 403, 201, 201, 201, 201},
			prep: func(string) (string, string) { return cat + "/locations?dryRun=true", newLocation() }},
		{method: "GET", route: cat + "/locations", url: cat + "/locations", want: readers},
		{method: "GET", route: cat + "/locations/:id", url: cat + "/locations/" + env.locationID(), want: readers},
		{method: "DELETE", route: cat + "/locations/:id", want: statuses{401, 403, 403, 403, 204, 403},
			prep: func(string) (string, string) {
				w := env.do("POST", cat+"/locations", newLocation())
				var out struct{ Location struct{ ID string } }
				decode(t, w, &out)
				return cat + "/locations/" + out.Location.ID, ""
			}},
		{method: "GET", route: cat + "/locations/by-entity/:kind/:namespace/:name", url: cat + "/locations/by-entity/component/default/open-svc", want: readers},

		{method: "GET", route: "/api/v1/me", url: "/api/v1/me", want: readers},
		{method: "GET", route: "/api/v1/tokens", url: "/api/v1/tokens", want: tokenUsers},
		{method: "POST", route: "/api/v1/tokens", want: statuses{401, 403, 201, 201, 201, 403},
			prep: func(string) (string, string) {
				return "/api/v1/tokens", fmt.Sprintf(`{"name":"new-%d","scope":"read","ttl":"1h"}`, next())
			}},
		{method: "DELETE", route: "/api/v1/tokens/:id", want: tokenUsers.with204(),
			prep: func(who string) (string, string) {
				user := who
				if !isUser(who) {
					user = asAdmin
				}
				_, tok, err := env.auth.CreateToken(ctx, user, fmt.Sprintf("doomed-%d", next()), auth.ScopeRead, 0)
				if err != nil {
					t.Fatal(err)
				}
				return "/api/v1/tokens/" + tok.ID, ""
			}},
		{method: "GET", route: "/api/v1/users", url: "/api/v1/users", want: admins},
		{method: "POST", route: "/api/v1/users", want: admins.with(201),
			prep: func(string) (string, string) {
				return "/api/v1/users", fmt.Sprintf(`{"name":"robot-%d","role":"viewer","serviceAccount":true}`, next())
			}},
		{method: "PATCH", route: "/api/v1/users/:name", url: "/api/v1/users/pw-user", body: `{"disabled":false}`, want: admins},
		{method: "GET", route: "/api/v1/audit", url: "/api/v1/audit", want: admins},
		{method: "GET", route: "/api/v1/search", url: "/api/v1/search?q=svc", want: readers},
		{method: "GET", route: "/api/search/query", url: "/api/search/query?term=svc", want: readers},
		{method: "POST", route: "/api/v1/assistant/chat", url: "/api/v1/assistant/chat", body: `{"message":"who owns open-svc?"}`, want: readers},
		{method: "GET", route: "/api/v1/assistant/conversations", url: "/api/v1/assistant/conversations", want: readers},
		{method: "GET", route: "/api/v1/assistant/conversations/:id", want: readers,
			prep: func(who string) (string, string) { return env.conversationOf(who, ""), "" }},
		{method: "POST", route: "/api/v1/assistant/conversations/:id/feedback", want: readers.with204(),
			prep: func(who string) (string, string) {
				return env.conversationOf(who, "/feedback"), `{"turn":0,"rating":1}`
			}},
		// Slack signs its requests instead of presenting portal credentials; without a bot
		// configured the routes answer 503 to everyone (the signature tests are in
		// slack_test.go).
		{method: "POST", route: "/slack/commands", url: "/slack/commands", body: "text=help", want: statuses{503, 503, 503, 503, 503, 503}},
		{method: "POST", route: "/slack/events", url: "/slack/events", body: `{"type":"url_verification","challenge":"x"}`, want: statuses{503, 503, 503, 503, 503, 503}},
		{method: "POST", route: "/slack/interactions", url: "/slack/interactions", body: "payload={}", want: statuses{503, 503, 503, 503, 503, 503}},
		// MCP needs a bearer token: the guest (demo mode, no token) is refused too. These
		// requests lack the Accept header the protocol asks for, so readers get the MCP
		// handler's 400; mcp_test.go speaks the protocol with the SDK's client.
		{method: "POST", route: "/mcp", url: "/mcp", body: mcpInitialize, want: statuses{401, 400, 400, 400, 400, 401}},
		{method: "GET", route: "/mcp", url: "/mcp", want: statuses{401, 405, 405, 405, 405, 401}},
		{method: "DELETE", route: "/mcp", url: "/mcp", want: statuses{401, 405, 405, 405, 405, 401}},

		// The scaffolder is off in this environment: callers the route admits get 503, so
		// the rows check who is turned away first (api/scaffolder_test.go runs it for real).
		{method: "GET", route: "/api/scaffolder/v2/actions", url: "/api/scaffolder/v2/actions", want: scaffolderReaders},
		{method: "GET", route: "/api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema", url: "/api/scaffolder/v2/templates/default/template/t/parameter-schema", want: scaffolderReaders},
		{method: "POST", route: "/api/scaffolder/v2/tasks", url: "/api/scaffolder/v2/tasks", body: `{"templateRef":"template:default/t","values":{}}`, want: scaffolderRunners},
		{method: "GET", route: "/api/scaffolder/v2/tasks", url: "/api/scaffolder/v2/tasks", want: scaffolderReaders},
		{method: "GET", route: "/api/scaffolder/v2/tasks/:id", url: "/api/scaffolder/v2/tasks/x", want: scaffolderReaders},
		{method: "GET", route: "/api/scaffolder/v2/tasks/:id/events", url: "/api/scaffolder/v2/tasks/x/events", want: scaffolderReaders},
		{method: "GET", route: "/api/scaffolder/v2/tasks/:id/eventstream", url: "/api/scaffolder/v2/tasks/x/eventstream", want: scaffolderReaders},
		{method: "POST", route: "/api/scaffolder/v2/tasks/:id/cancel", url: "/api/scaffolder/v2/tasks/x/cancel", want: scaffolderRunners},
		{method: "POST", route: "/api/scaffolder/v2/dry-run", url: "/api/scaffolder/v2/dry-run", body: `{"templateRef":"template:default/t"}`, want: scaffolderRunners},

		{method: "POST", route: "/api/v1/metrics", want: statuses{401, 403, 200, 200, 200, 200},
			prep: func(string) (string, string) {
				return "/api/v1/metrics", pushBody(fmt.Sprintf("access-%d", next()), 0, 3, wave)
			}},
		{method: "GET", route: "/api/v1/anomalies", url: "/api/v1/anomalies?entity=component:default/checkout", want: readers},
		{method: "GET", route: "/api/v1/metrics/:series/:chart", url: "/api/v1/metrics/access-series/chart.svg", want: readers},

		// Alerts are off in this environment: callers the route admits get 503, so the rows
		// check who is turned away first (api/alerts_test.go runs them for real).
		{method: "GET", route: "/api/v1/alerts", url: "/api/v1/alerts", want: alertsReaders},
		{method: "GET", route: "/api/v1/alerts/:id", url: "/api/v1/alerts/al-x", want: alertsReaders},
		{method: "POST", route: "/api/v1/alerts/:id/ack", url: "/api/v1/alerts/al-x/ack", want: alertsActors},
		{method: "POST", route: "/api/v1/alerts/:id/snooze", url: "/api/v1/alerts/al-x/snooze", body: `{"for":"1h"}`, want: alertsActors},
		{method: "POST", route: "/api/v1/alerts/:id/resolve", url: "/api/v1/alerts/al-x/resolve", want: alertsActors},
		{method: "GET", route: "/api/v1/alert-rules", url: "/api/v1/alert-rules", want: alertsReaders},
		{method: "GET", route: "/api/v1/alert-rules/:id", url: "/api/v1/alert-rules/default", want: alertsReaders},
		{method: "POST", route: "/api/v1/alert-rules", url: "/api/v1/alert-rules", body: `{"id":"r"}`, want: alertsAdmins},
		{method: "PUT", route: "/api/v1/alert-rules/:id", url: "/api/v1/alert-rules/r", body: `{"id":"r"}`, want: alertsAdmins},
		{method: "DELETE", route: "/api/v1/alert-rules/:id", url: "/api/v1/alert-rules/r", want: alertsAdmins},
		{method: "GET", route: "/api/v1/deliveries", url: "/api/v1/deliveries", want: alertsAdmins},
		{method: "GET", route: "/api/v1/deliveries/:id", url: "/api/v1/deliveries/1", want: alertsAdmins},
		{method: "POST", route: "/api/v1/deliveries/:id/resend", url: "/api/v1/deliveries/1/resend", want: alertsAdmins},
		{method: "GET", route: "/alerts/rules", url: "/alerts/rules", want: pages},
		{method: "GET", route: "/alerts/deliveries", url: "/alerts/deliveries", want: adminPages},
		// Incidents are off here too (api/incidents_test.go runs them for real).
		{method: "POST", route: "/api/v1/alertmanager", url: "/api/v1/alertmanager", body: `{"version":"4"}`, want: scaffolderRunners},
		{method: "POST", route: "/api/v1/events", url: "/api/v1/events", body: `{}`, want: scaffolderRunners},
		{method: "GET", route: "/api/v1/incidents", url: "/api/v1/incidents", want: scaffolderReaders},
		{method: "GET", route: "/api/v1/incidents/:id", url: "/api/v1/incidents/x", want: scaffolderReaders},
		{method: "PATCH", route: "/api/v1/incidents/:id", url: "/api/v1/incidents/x", body: `{"status":"resolved"}`, want: scaffolderRunners},

		{method: "GET", route: "/login", url: "/login?next=/catalog", want: anyone},
		{method: "POST", route: "/login", url: "/login", body: `{"name":"pw-user","password":"` + testPassword + `"}`, want: anyone},
		{method: "POST", route: "/logout", url: "/logout", want: anyone.with(303)},
		{method: "GET", route: "/auth/oidc/login", url: "/auth/oidc/login?next=/", want: oidcDown},
		// A callback without the login cookie is refused by the flow itself, for anyone.
		{method: "GET", route: "/auth/oidc/callback", url: "/auth/oidc/callback?state=x&code=y", want: statuses{401, 401, 401, 401, 401, 401}},

		{method: "GET", route: "/", url: "/", want: pages},
		{method: "GET", route: "/catalog", url: "/catalog", want: pages},
		{method: "GET", route: "/catalog/:namespace/:kind/:name", url: "/catalog/default/component/open-svc", want: pages},
		{method: "GET", route: "/search", url: "/search?q=svc", want: pages},
		{method: "GET", route: "/docs/*path", url: "/docs/default/component/open-svc/docs/README.md", want: docPages},
		{method: "GET", route: "/create", url: "/create", want: pages},
		{method: "GET", route: "/create/templates/:namespace/:name", url: "/create/templates/default/t", want: docPages},
		{method: "GET", route: "/create/tasks/:id", url: "/create/tasks/x", want: docPages},
		{method: "GET", route: "/incidents", url: "/incidents", want: pages},
		{method: "GET", route: "/incidents/:id", url: "/incidents/x", want: docPages},
		{method: "GET", route: "/static/*filepath", url: "/static/style.css", want: anyone},
		{method: "HEAD", route: "/static/*filepath", url: "/static/style.css", want: anyone},
	}

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method+" "+c.route] = true
	}
	for _, r := range env.srv.Routes() {
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in the access table: add it, with who may call it", r.Method, r.Path)
		}
	}
	for _, c := range cases {
		for _, who := range accessPrincipals {
			url, body := c.url, c.body
			if c.prep != nil {
				url, body = c.prep(who)
			}
			w := env.doAs(who, c.method, url, body)
			if want := c.want.of(who); w.Code != want {
				t.Errorf("%s %s as %s = %d, want %d; body %.300s", c.method, url, who, w.Code, want, w.Body)
			}
		}
	}
}

// mcpInitialize is an MCP client's first request.
const mcpInitialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`

// with is s with every success replaced by code.
func (s statuses) with(code int) statuses {
	f := func(c int) int {
		if c < 300 {
			return code
		}
		return c
	}
	return statuses{f(s.anonymous), f(s.viewer), f(s.developer), f(s.owner), f(s.admin), f(s.guest)}
}

func (s statuses) with204() statuses { return s.with(http.StatusNoContent) }

// isUser reports whether who is a test principal with a user account.
func isUser(who string) bool {
	switch who {
	case asViewer, asDeveloper, asOwner, asAdmin:
		return true
	}
	return false
}

// locationID is the id of the first registered location.
func (e *testEnv) locationID() string {
	e.t.Helper()
	var locs []struct{ Data struct{ ID string } }
	e.getJSON("/api/catalog/locations", &locs)
	if len(locs) == 0 {
		e.t.Fatal("no locations")
	}
	return locs[0].Data.ID
}

// TestBadCredentialsSayWhich checks that a refused token gets 401 with a message naming
// the cause, in the shape of the route's area, and never the token.
func TestBadCredentialsSayWhich(t *testing.T) {
	env := newTestEnv(t, api.Deps{})
	tests := []struct {
		who, path, want string
	}{
		{asBad, "/api/catalog/entities", `{"error":{"name":"AuthenticationError","message":"invalid token"},"request":`},
		{asExpired, "/api/catalog/entities", `"message":"token expired"`},
		{asRevoked, "/api/v1/me", `{"error":{"name":"AuthenticationError","message":"token revoked"},"requestId":"`},
		{asAnonymous, "/api/v1/me", `"message":"authentication required`},
		{asAnonymous, "/api/catalog/entities", `"statusCode":401`},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.path, func(t *testing.T) {
			w := env.doAs(tt.who, "GET", tt.path, "")
			if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("GET %s as %s = %d %s, want 401 with %s", tt.path, tt.who, w.Code, w.Body, tt.want)
			}
			if tok := env.tokens[tt.who]; tok != "" && strings.Contains(w.Body.String(), tok) {
				t.Errorf("body echoes the token")
			}
		})
	}
	req, _ := http.NewRequest("GET", "/api/catalog/entities", nil)
	req.Header.Set("Authorization", "Basic YWRtaW46YWRtaW4=")
	if w := recorder(env, req); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "YWRtaW46YWRtaW4") {
		t.Errorf("Basic auth = %d %s, want 401 without the credentials", w.Code, w.Body)
	}
	// A page sends an anonymous browser to the login page, and back afterwards.
	w := env.doAs(asAnonymous, "GET", "/catalog?kind=API", "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Fcatalog%3Fkind%3DAPI" {
		t.Errorf("anonymous page = %d Location %q, want 303 to the login page", w.Code, w.Header().Get("Location"))
	}

	// With MetricsPublic, /metrics needs no token (but a bad one is still refused).
	open := newTestEnv(t, api.Deps{MetricsPublic: true})
	if w := open.doAs(asAnonymous, "GET", "/metrics", ""); w.Code != http.StatusOK {
		t.Errorf("public /metrics = %d, want 200", w.Code)
	}
	if w := open.doAs(asBad, "GET", "/metrics", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("public /metrics with a bad token = %d, want 401", w.Code)
	}
}

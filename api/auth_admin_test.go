package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
)

// TestSecretsNeverLogged drives a run that logs in (rightly and wrongly), creates and uses
// tokens, uses bad, expired and revoked ones, and logs out, then greps the captured logs
// and every response body for the password and the raw credentials.
func TestSecretsNeverLogged(t *testing.T) {
	var logs clientLogBuffer
	env := newAuthEnv(t, api.Deps{Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	var bodies []string
	keep := func(w *httptest.ResponseRecorder) *httptest.ResponseRecorder {
		bodies = append(bodies, w.Body.String())
		return w
	}
	const wrongPassword = "hunter2-but-longer-than-twelve"
	keep(env.loginForm("pw-user", wrongPassword, "/", ""))
	keep(env.doAs(asAnonymous, "POST", "/login", `{"name":"pw-user","password":"`+wrongPassword+`"}`))
	keep(env.doAs(asAnonymous, "POST", "/login", `{"name":"`+wrongPassword+`","password":"`+wrongPassword+`"}`))
	c, csrf := env.session(t)

	created := env.serve(withCookie("POST", "/api/v1/tokens", `{"name":"ci","scope":"read","ttl":"1h"}`, c, csrf))
	var tok struct{ Token, ID string }
	decode(t, created, &tok)
	if !strings.HasPrefix(tok.Token, "np_") || tok.ID == "" {
		t.Fatalf("new token = %s", created.Body)
	}
	env.tokens["ci"] = tok.Token
	keep(env.doAs("ci", "GET", "/api/catalog/entities", ""))
	keep(env.doAs("ci", "GET", "/api/v1/tokens", ""))
	keep(env.serve(withCookie("GET", "/api/v1/tokens", "", c, "")))
	keep(env.serve(withCookie("DELETE", "/api/v1/tokens/"+tok.ID, "", c, csrf)))
	keep(env.doAs("ci", "GET", "/api/catalog/entities", ""))
	for _, who := range []string{asBad, asExpired, asRevoked} {
		keep(env.doAs(who, "GET", "/api/v1/me", ""))
		keep(env.doAs(who, "GET", "/api/catalog/entities", ""))
	}
	keep(env.doAs(asAdmin, "POST", "/api/v1/users", `{"name":"weak","password":"short"}`))
	keep(env.doAs(asAdmin, "POST", "/api/v1/users", `{"name":"strong","password":"`+wrongPassword+`"}`))
	keep(env.doAs(asAdmin, "GET", "/api/v1/users", ""))
	keep(env.doAs(asAdmin, "GET", "/api/v1/audit", ""))
	keep(env.serve(withCookie("POST", "/logout", "{}", c, csrf)))

	secrets := map[string]string{
		"password": testPassword, "wrong password": wrongPassword, "new token": tok.Token,
		"session cookie": c.Value, "CSRF token": csrf,
		"admin token": env.tokens[asAdmin], "bad token": env.tokens[asBad],
		"expired token": env.tokens[asExpired], "revoked token": env.tokens[asRevoked],
	}
	if logs.String() == "" {
		t.Fatal("nothing was logged")
	}
	for what, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log holds the %s", what)
		}
		for i, b := range bodies {
			if strings.Contains(b, s) {
				t.Errorf("response %d holds the %s: %s", i, what, b)
			}
		}
	}
}

// TestAudit checks that changes, logins and logouts are in the audit log with actor,
// target and address, that reads are not, and that only admins may read it.
func TestAudit(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	uid := env.uidOf("component", "internal-svc")
	if w := env.doAs(asOwner, "DELETE", "/api/catalog/entities/by-uid/"+uid, ""); w.Code != 204 {
		t.Fatalf("owner delete = %d %s", w.Code, w.Body)
	}
	env.doAs(asViewer, "POST", "/api/catalog/entities/by-query", `{}`)
	env.loginForm("pw-user", "not the password", "/", "")
	c, csrf := env.session(t)
	env.serve(withCookie("POST", "/logout", "{}", c, csrf))

	var page struct {
		Items      []auth.AuditEvent
		NextCursor string
	}
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/audit", ""), &page)
	find := func(action string) *auth.AuditEvent {
		for i := range page.Items {
			if page.Items[i].Action == action {
				return &page.Items[i]
			}
		}
		return nil
	}
	del := find("DELETE /api/catalog/entities/by-uid/:uid")
	if del == nil || del.Actor != "user:owner" || del.Target != "component:default/internal-svc" || del.Status != 204 ||
		del.Remote != "192.0.2.1" || del.At.IsZero() {
		t.Errorf("delete event = %+v, want actor, target, status and remote", del)
	}
	if reg := find("POST /api/catalog/locations"); reg == nil || reg.Actor != "user:admin" || !strings.HasPrefix(reg.Target, "file:") {
		t.Errorf("register event = %+v", reg)
	}
	if in := find("login"); in == nil || in.Actor != "user:pw-user" {
		t.Errorf("login event = %+v", in)
	}
	if out := find("logout"); out == nil || out.Actor != "user:pw-user" {
		t.Errorf("logout event = %+v", out)
	}
	if failed := find("login.failed"); failed == nil || failed.Target != "pw-user" || failed.Remote != "192.0.2.1" {
		t.Errorf("failed login event = %+v", failed)
	}
	if q := find("POST /api/catalog/entities/by-query"); q != nil {
		t.Errorf("a read was audited: %+v", q)
	}

	// Filters and paging.
	var mine struct{ Items []auth.AuditEvent }
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/audit?actor=user:owner", ""), &mine)
	if len(mine.Items) != 1 || mine.Items[0].Actor != "user:owner" {
		t.Errorf("actor filter = %+v", mine.Items)
	}
	var first, second struct {
		Items      []auth.AuditEvent
		NextCursor string
	}
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/audit?limit=2", ""), &first)
	if len(first.Items) != 2 || first.NextCursor == "" {
		t.Fatalf("first page = %+v", first)
	}
	decode(t, env.doAs(asAdmin, "GET", "/api/v1/audit?limit=2&before="+first.NextCursor, ""), &second)
	if len(second.Items) == 0 || second.Items[0].ID >= first.Items[1].ID {
		t.Errorf("second page = %+v, want older events", second.Items)
	}
	if w := env.doAs(asAdmin, "GET", "/api/v1/audit?limit=0", ""); w.Code != 400 {
		t.Errorf("limit=0 = %d, want 400", w.Code)
	}
	for _, who := range []string{asViewer, asDeveloper, asOwner} {
		if w := env.doAs(who, "GET", "/api/v1/audit", ""); w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `"NotAllowedError"`) {
			t.Errorf("audit as %s = %d %s, want 403", who, w.Code, w.Body)
		}
	}
}

// TestTokensAndUsers covers the token and user endpoints beyond who may call them.
func TestTokensAndUsers(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	ctx := t.Context()
	// A token may not mint a wider one than itself.
	raw, _, err := env.auth.CreateToken(ctx, asAdmin, "narrow", auth.ScopeWrite, 0)
	if err != nil {
		t.Fatal(err)
	}
	env.tokens["admin write"] = raw
	env.run2(t, []authScenario{
		{"write token may not mint admin", "admin write", "POST", "/api/v1/tokens", `{"name":"wide","scope":"admin"}`, 403, `may not create a token of scope admin`},
		{"write token mints read", "admin write", "POST", "/api/v1/tokens", `{"name":"ro","scope":"read","ttl":3600}`, 201, `"token":"np_`},
		{"role caps the scope", asDeveloper, "POST", "/api/v1/tokens", `{"name":"wide","scope":"admin"}`, 403, `"NotAllowedError"`},
		{"bad scope", asDeveloper, "POST", "/api/v1/tokens", `{"name":"x","scope":"root"}`, 400, `"InputError"`},
		{"bad ttl", asDeveloper, "POST", "/api/v1/tokens", `{"name":"x","ttl":"soon"}`, 400, `ttl`},
		{"days ttl", asDeveloper, "POST", "/api/v1/tokens", `{"name":"month","ttl":"30d"}`, 201, `"expiresAt":"`},
		{"duplicate name", asDeveloper, "POST", "/api/v1/tokens", `{"name":"month"}`, 409, `"ConflictError"`},
		{"unknown field", asDeveloper, "POST", "/api/v1/tokens", `{"name":"y","role":"admin"}`, 400, `"InputError"`},
		{"list has no secrets", asDeveloper, "GET", "/api/v1/tokens", ``, 200, `"name":"month"`},
		{"revoke someone else's", asDeveloper, "DELETE", "/api/v1/tokens/" + env.tokenID(asOwner), ``, 404, `"NotFoundError"`},
		{"revoke unknown", asDeveloper, "DELETE", "/api/v1/tokens/nope", ``, 404, `"NotFoundError"`},

		{"add user", asAdmin, "POST", "/api/v1/users", `{"name":"jane","role":"developer","password":"` + testPassword + `"}`, 201, `"name":"jane"`},
		{"add user twice", asAdmin, "POST", "/api/v1/users", `{"name":"JANE"}`, 409, `"ConflictError"`},
		{"weak password", asAdmin, "POST", "/api/v1/users", `{"name":"joe","password":"short"}`, 400, `"InputError"`},
		{"bad role", asAdmin, "POST", "/api/v1/users", `{"name":"joe","role":"root"}`, 400, `"InputError"`},
		{"list users", asAdmin, "GET", "/api/v1/users", ``, 200, `"name":"jane"`},
		{"promote", asAdmin, "PATCH", "/api/v1/users/jane", `{"role":"admin"}`, 200, `"role":"admin"`},
		{"empty patch", asAdmin, "PATCH", "/api/v1/users/jane", `{}`, 400, `nothing to change`},
		{"patch unknown user", asAdmin, "PATCH", "/api/v1/users/nobody", `{"disabled":true}`, 404, `"NotFoundError"`},
		{"disable", asAdmin, "PATCH", "/api/v1/users/developer", `{"disabled":true}`, 200, `"disabled":true`},
		{"a disabled user's token stops", asDeveloper, "GET", "/api/v1/me", ``, 401, `user disabled`},
	})
	for _, w := range []string{"PasswordHash", "passwordHash", "$argon2id$", `"hash"`} {
		if b := env.doAs(asAdmin, "GET", "/api/v1/users", "").Body.String(); strings.Contains(b, w) {
			t.Errorf("users list holds %s: %s", w, b)
		}
		if b := env.doAs(asOwner, "GET", "/api/v1/tokens", "").Body.String(); strings.Contains(b, w) {
			t.Errorf("tokens list holds %s", w)
		}
	}
	// Another user's token answers exactly like an unknown id.
	other, unknown := env.tokenID(asOwner), "00000000-0000-0000-0000-000000000000"
	a := env.doAs(asDeveloper, "DELETE", "/api/v1/tokens/"+other, "")
	b := env.doAs(asDeveloper, "DELETE", "/api/v1/tokens/"+unknown, "")
	if strip := func(s string) string {
		s = strings.ReplaceAll(strings.ReplaceAll(s, other, "ID"), unknown, "ID")
		return regexp.MustCompile(`"requestId":"[^"]*"`).ReplaceAllString(s, "")
	}; a.Code != b.Code || strip(a.Body.String()) != strip(b.Body.String()) {
		t.Errorf("revoking another's token = %d %s\nunknown id = %d %s", a.Code, a.Body, b.Code, b.Body)
	}
	// Revoking one's own token: it stops working at once.
	id := env.tokenID(asOwner)
	if w := env.doAs(asOwner, "DELETE", "/api/v1/tokens/"+id, ""); w.Code != 204 {
		t.Fatalf("revoke own = %d %s", w.Code, w.Body)
	}
	if w := env.doAs(asOwner, "GET", "/api/v1/me", ""); w.Code != 401 || !strings.Contains(w.Body.String(), "token revoked") {
		t.Errorf("revoked token = %d %s", w.Code, w.Body)
	}
}

// authScenario is one request as a principal and what it must get.
type authScenario struct {
	name, who, method, path, body string
	want                          int
	wantBody                      string
}

func (e *testEnv) run2(t *testing.T, tests []authScenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.doAs(tt.who, tt.method, tt.path, tt.body)
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("%s %s as %s = %d %s, want %d with %s", tt.method, tt.path, tt.who, w.Code, w.Body, tt.want, tt.wantBody)
			}
		})
	}
}

// tokenID is the id of the "test" token of the user who.
func (e *testEnv) tokenID(who string) string {
	e.t.Helper()
	list, err := e.auth.Tokens(e.t.Context(), who)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, tk := range list {
		if tk.Name == "test" {
			return tk.ID
		}
	}
	e.t.Fatalf("%s has no test token", who)
	return ""
}

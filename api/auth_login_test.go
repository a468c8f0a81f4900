package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
)

// serve sends req to the server as it is: no credentials are added.
func (e *testEnv) serve(req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return w
}

// loginForm posts the login form from remote and returns the answer.
func (e *testEnv) loginForm(name, password, next, remote string) *httptest.ResponseRecorder {
	form := url.Values{"name": {name}, "password": {password}, "next": {next}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if remote != "" {
		req.RemoteAddr = remote
	}
	return e.serve(req)
}

// session logs pw-user in through the JSON API and returns the session cookie and the
// CSRF token.
func (e *testEnv) session(t *testing.T) (*http.Cookie, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"name":"pw-user","password":"`+testPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	w := e.serve(req)
	var out struct{ CSRFToken string }
	decode(t, w, &out)
	c := sessionCookieOf(w)
	if c == nil || out.CSRFToken == "" {
		t.Fatalf("login gave cookie %v and csrf %q; headers %v", c, out.CSRFToken, w.Header())
	}
	return c, out.CSRFToken
}

func sessionCookieOf(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == "portal_session" {
			return c
		}
	}
	return nil
}

// withCookie is a request carrying the session cookie and, when csrf is set, the
// X-CSRF-Token header.
func withCookie(method, path, body string, c *http.Cookie, csrf string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.AddCookie(c)
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return req
}

func TestLoginForm(t *testing.T) {
	env := newAuthEnv(t, api.Deps{OIDC: &api.OIDCConfig{Issuer: "https://issuer.example"}})

	page := env.doAs(asAnonymous, "GET", "/login?next=/catalog%3Fkind%3DAPI", "")
	for _, want := range []string{`<form method="post" action="/login">`, `name="password" type="password"`,
		`name="next" value="/catalog?kind=API"`, `href="/auth/oidc/login?next=%2Fcatalog%3Fkind%3DAPI">Sign in with SSO</a>`} {
		if !strings.Contains(page.Body.String(), want) {
			t.Errorf("login page lacks %s", want)
		}
	}

	w := env.loginForm("pw-user", testPassword, "/catalog?kind=API", "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/catalog?kind=API" {
		t.Fatalf("login = %d to %q, want 303 to next", w.Code, w.Header().Get("Location"))
	}
	c := sessionCookieOf(w)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || c.Expires.IsZero() {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, an expiry, not Secure over plain HTTP", c)
	}

	me := env.serve(withCookie("GET", "/api/v1/me", "", c, ""))
	if me.Code != 200 || !strings.Contains(me.Body.String(), `"kind":"user","name":"pw-user"`) || !strings.Contains(me.Body.String(), `"via":"session"`) {
		t.Errorf("me with the cookie = %d %s", me.Code, me.Body)
	}
	cat := env.serve(withCookie("GET", "/catalog", "", c, ""))
	if !strings.Contains(cat.Body.String(), `<meta name="csrf-token" content="`) || !strings.Contains(cat.Body.String(), "Sign out") {
		t.Errorf("a signed-in page lacks the CSRF meta tag or the sign-out button")
	}

	bad := env.loginForm("pw-user", "wrong password here", "/catalog", "")
	if bad.Code != http.StatusUnauthorized || !strings.Contains(bad.Body.String(), "wrong name or password") ||
		!strings.Contains(bad.Body.String(), `value="pw-user"`) || sessionCookieOf(bad) != nil {
		t.Errorf("wrong password = %d, want 401 with the form again and no cookie", bad.Code)
	}

	secure := newAuthEnv(t, api.Deps{SecureCookies: true})
	if c := sessionCookieOf(secure.loginForm("pw-user", testPassword, "/", "")); c == nil || !c.Secure {
		t.Errorf("with SecureCookies the cookie = %+v, want Secure", c)
	}
}

func TestLoginNeverRedirectsAway(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
		"", "evil", "/%0d%0aSet-Cookie:x=y", "http:/x"} {
		w := env.loginForm("pw-user", testPassword, next, "")
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || (loc != "/" && !strings.HasPrefix(loc, "/%")) {
			t.Errorf("next %q: %d to %q, want a local path", next, w.Code, loc)
		}
	}
}

func TestLoginJSON(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	tests := []struct {
		name, body string
		want       int
		wantBody   string
	}{
		{"right", `{"name":"pw-user","password":"` + testPassword + `"}`, 200, `"csrfToken":"`},
		{"wrong password", `{"name":"pw-user","password":"not the password"}`, 401, `{"error":{"name":"AuthenticationError","message":"wrong name or password"},"requestId":"`},
		{"no such user", `{"name":"nobody","password":"not the password"}`, 401, `"message":"wrong name or password"`},
		{"user without a password", `{"name":"viewer","password":"not the password"}`, 401, `"message":"wrong name or password"`},
		{"missing password", `{"name":"pw-user"}`, 400, `"InputError"`},
		{"not json", `name=x`, 400, `"InputError"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := env.doAs(asAnonymous, "POST", "/login", tt.body)
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("POST /login %s = %d %s, want %d with %s", tt.body, w.Code, w.Body, tt.want, tt.wantBody)
			}
		})
	}
}

func TestLoginRateLimits(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	// Five failures for one name, from different addresses; the sixth attempt is refused
	// without a look at the password, even the right one.
	for i := range 5 {
		if w := env.loginForm("pw-user", "guess number "+fmt.Sprint(i), "/", fmt.Sprintf("198.51.100.%d:1000", i)); w.Code != 401 {
			t.Fatalf("failure %d = %d, want 401", i+1, w.Code)
		}
	}
	w := env.loginForm("pw-user", testPassword, "/", "198.51.100.99:1000")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || sessionCookieOf(w) != nil {
		t.Errorf("6th attempt for one user = %d Retry-After %q, want 429 with Retry-After and no session", w.Code, w.Header().Get("Retry-After"))
	}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(`{"name":"pw-user","password":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	if w := env.serve(req); w.Code != 429 || !strings.Contains(w.Body.String(), `"TooManyRequestsError"`) {
		t.Errorf("JSON login past the limit = %d %s", w.Code, w.Body)
	}

	// Many failures from one address, for many names, each claiming another address in
	// X-Forwarded-For (believed only from trusted proxies, and there are none).
	limited := false
	for i := range 25 {
		form := url.Values{"name": {fmt.Sprintf("user-%d", i)}, "password": {"guess"}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		req.RemoteAddr = "192.0.2.200:4000"
		w := env.serve(req)
		if w.Code == http.StatusTooManyRequests {
			limited = true
			if i < 20 {
				t.Errorf("limited after %d failures from one address, want 20 allowed", i)
			}
			break
		}
	}
	if !limited {
		t.Error("25 failed logins from one address were never limited")
	}
}

func TestCSRFAndLogout(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	c, csrf := env.session(t)
	tests := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"read needs no token", withCookie("GET", "/api/v1/tokens", "", c, ""), 200},
		{"change without the token", withCookie("POST", "/api/v1/tokens", `{"name":"a"}`, c, ""), 403},
		{"change with a wrong token", withCookie("POST", "/api/v1/tokens", `{"name":"a"}`, c, csrf+"x"), 403},
		{"change with the token", withCookie("POST", "/api/v1/tokens", `{"name":"a"}`, c, csrf), 201},
		{"catalog change without the token", withCookie("POST", "/api/catalog/refresh", `{"entityRef":"component:open-svc"}`, c, ""), 403},
		{"logout without the token", withCookie("POST", "/logout", "", c, ""), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := env.serve(tt.req); w.Code != tt.want {
				t.Errorf("%s %s = %d %s, want %d", tt.req.Method, tt.req.URL, w.Code, w.Body, tt.want)
			}
		})
	}
	// A bearer request is not a browser's: no CSRF token needed.
	if w := env.doAs(asDeveloper, "POST", "/api/v1/tokens", `{"name":"b"}`); w.Code != 201 {
		t.Errorf("bearer POST without CSRF token = %d, want 201", w.Code)
	}

	// Logout from the page's form, with the token as a form field.
	req := httptest.NewRequest("POST", "/logout", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(c)
	w := env.serve(req)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" {
		t.Fatalf("logout = %d to %q, want 303 to /login", w.Code, w.Header().Get("Location"))
	}
	if gone := sessionCookieOf(w); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("logout did not clear the cookie: %+v", gone)
	}
	if w := env.serve(withCookie("GET", "/api/v1/me", "", c, "")); w.Code != http.StatusUnauthorized {
		t.Errorf("the old cookie after logout = %d, want 401", w.Code)
	}
	// An ended session is as good as none: a page sends the browser to log in again.
	if w := env.serve(withCookie("GET", "/catalog", "", c, "")); w.Code != http.StatusSeeOther {
		t.Errorf("page with the old cookie = %d, want 303 to the login page", w.Code)
	}

	// JSON logout answers 204.
	c2, csrf2 := env.session(t)
	if w := env.serve(withCookie("POST", "/logout", `{}`, c2, csrf2)); w.Code != http.StatusNoContent {
		t.Errorf("JSON logout = %d, want 204", w.Code)
	}
}

func TestMe(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	var me map[string]any
	decode(t, env.doAs(asOwner, "GET", "/api/v1/me", ""), &me)
	got, _ := json.Marshal(me)
	for _, want := range []string{`"kind":"user"`, `"name":"owner"`, `"userRef":"user:default/owner"`,
		`"groups":["group:default/team-secret"]`, `"role":"developer"`, `"scope":"write"`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("me = %s, lacks %s", got, want)
		}
	}
	decode(t, env.doAs(asGuest, "GET", "/api/v1/me", ""), &me)
	if me["kind"] != "guest" || me["role"] != "developer" || me["via"] != "demo" {
		t.Errorf("guest me = %v", me)
	}
}

// TestLoginRefusesOtherOrigins checks login CSRF: a login form posted from another site
// must not sign the browser in, while the portal's own form and clients that send no
// browser headers (scripts, the CLI) still can.
func TestLoginRefusesOtherOrigins(t *testing.T) {
	env := newAuthEnv(t, api.Deps{})
	tests := []struct {
		name    string
		headers map[string]string
		ok      bool
	}{
		{"no browser headers", nil, true},
		{"same origin", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, true},
		{"typed into the address bar", map[string]string{"Sec-Fetch-Site": "none"}, true},
		{"own form under no-referrer", map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}, true},
		{"origin of the portal only", map[string]string{"Origin": "http://example.com"}, true},
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"same-site but another origin", map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"another origin", map[string]string{"Origin": "https://evil.example"}, false},
		{"another port", map[string]string{"Origin": "http://example.com:8081"}, false},
		{"opaque origin", map[string]string{"Origin": "null"}, false},
		{"cross-site despite a matching origin", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "cross-site"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, asJSON := range []bool{false, true} {
				var req *http.Request
				if asJSON {
					req = httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"name":"pw-user","password":"`+testPassword+`"}`))
					req.Header.Set("Content-Type", "application/json")
				} else {
					form := url.Values{"name": {"pw-user"}, "password": {testPassword}, "next": {"/catalog"}}
					req = httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				w := env.serve(req)
				signedIn := sessionCookieOf(w) != nil
				if signedIn != tt.ok {
					t.Errorf("json=%v: signed in = %v, want %v (%d %s)", asJSON, signedIn, tt.ok, w.Code, w.Body)
				}
				if !tt.ok && (w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "another site")) {
					t.Errorf("json=%v: %d %s, want 403 saying the login came from another site", asJSON, w.Code, w.Body)
				}
			}
		})
	}
}

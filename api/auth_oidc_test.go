package api_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store/storetest"
)

const (
	oidcClientID     = "portal"
	oidcClientSecret = "test-client-secret-3f9a"
	oidcKeyID        = "key-1"
)

// oidcIssuer is an OpenID provider served by the test: discovery, JWKS, an authorize
// endpoint that approves at once, and a token endpoint that checks the code and the PKCE
// verifier and returns the ID token the current case asks for.
type oidcIssuer struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey // the key the JWKS publishes

	mu        sync.Mutex
	idToken   func(iss, nonce string) (claims map[string]any, signer *rsa.PrivateKey)
	badState  bool
	challenge string
	nonce     string
	codes     []string // every code issued, to check none leaks
	tokens    []string // every ID token issued
}

// newOIDCIssuer starts an issuer that, until told otherwise, issues a good ID token for
// the catalog user jane.
func newOIDCIssuer(t *testing.T) *oidcIssuer {
	t.Helper()
	iss := &oidcIssuer{t: t, key: newRSAKey(t)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", iss.discovery)
	mux.HandleFunc("GET /jwks", iss.jwks)
	mux.HandleFunc("GET /authorize", iss.authorize)
	mux.HandleFunc("POST /token", iss.token)
	iss.srv = httptest.NewServer(mux)
	t.Cleanup(iss.srv.Close)
	iss.reset()
	return iss
}

// reset makes the issuer issue a good token for jane and return the right state.
func (i *oidcIssuer) reset() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.badState = false
	i.idToken = func(iss, nonce string) (map[string]any, *rsa.PrivateKey) {
		return goodClaims(iss, nonce), i.key
	}
}

// set makes the issuer issue the token f returns.
func (i *oidcIssuer) set(f func(iss, nonce string) (map[string]any, *rsa.PrivateKey), badState bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.idToken, i.badState = f, badState
}

func goodClaims(iss, nonce string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": iss, "sub": "0042", "aud": oidcClientID, "nonce": nonce,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"email": "jane.park@fernway.example", "email_verified": true,
	}
}

func (i *oidcIssuer) discovery(w http.ResponseWriter, r *http.Request) {
	u := i.srv.URL
	writeTestJSON(w, http.StatusOK, map[string]any{
		"issuer":                                u,
		"authorization_endpoint":                u + "/authorize",
		"token_endpoint":                        u + "/token",
		"jwks_uri":                              u + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (i *oidcIssuer) jwks(w http.ResponseWriter, r *http.Request) {
	writeTestJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &i.key.PublicKey, KeyID: oidcKeyID, Algorithm: string(jose.RS256), Use: "sig"},
	}})
}

// authorize checks the request the portal built and redirects straight back with a code.
func (i *oidcIssuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k, want := range map[string]string{"client_id": oidcClientID, "response_type": "code", "code_challenge_method": "S256"} {
		if got := q.Get(k); got != want {
			i.t.Errorf("authorize: %s = %q, want %q", k, got, want)
		}
	}
	if q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge") == "" {
		i.t.Errorf("authorize: state, nonce and code_challenge are required; got %v", q)
	}
	if !strings.Contains(q.Get("scope"), "openid") {
		i.t.Errorf("authorize: scope %q lacks openid", q.Get("scope"))
	}
	code := "code-" + rand.Text()
	i.mu.Lock()
	i.challenge, i.nonce = q.Get("code_challenge"), q.Get("nonce")
	i.codes = append(i.codes, code)
	state := q.Get("state")
	if i.badState {
		state = "forged-" + state
	}
	i.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	back.RawQuery = url.Values{"code": {code}, "state": {state}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token checks the client, the code and the PKCE verifier, then signs this case's ID token.
func (i *oidcIssuer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case id != oidcClientID || secret != oidcClientSecret:
		writeTestJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	case len(i.codes) == 0 || r.PostForm.Get("code") != i.codes[len(i.codes)-1]:
		writeTestJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != i.challenge:
		i.t.Errorf("token: the code_verifier does not match the S256 code_challenge")
		writeTestJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	claims, key := i.idToken(i.srv.URL, i.nonce)
	raw := signIDToken(i.t, key, claims)
	i.tokens = append(i.tokens, raw)
	writeTestJSON(w, http.StatusOK, map[string]any{
		"access_token": "at-" + rand.Text(), "token_type": "Bearer", "expires_in": 3600, "id_token": raw,
	})
}

// secrets is everything the issuer handed out that must never show in a body or log.
func (i *oidcIssuer) secrets() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append(append([]string{oidcClientSecret}, i.codes...), i.tokens...)
}

func newRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signIDToken signs claims with key under the issuer's key id, RS256.
func signIDToken(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: oidcKeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func writeTestJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // test server
}

// oidcPortal is the portal served over real HTTP with OIDC login against an issuer, on a
// real store and catalog holding testdata/oidc, with its logs captured.
type oidcPortal struct {
	srv  *httptest.Server
	logs *syncBuffer
}

func newOIDCPortal(t *testing.T, issuerURL, claim string) *oidcPortal {
	t.Helper()
	gin.SetMode(gin.TestMode)
	dir, err := filepath.Abs("testdata/oidc")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t)
	cat := catalog.NewService(db, []string{dir})
	if _, _, err := cat.Import(auth.NewContext(t.Context(), auth.System()), dir); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	logs := &syncBuffer{}
	srv := httptest.NewServer(api.NewServer(api.Deps{
		Catalog: cat,
		Auth:    auth.NewService(auth.Options{Store: db, Directory: cat}),
		OIDC: &api.OIDCConfig{Issuer: issuerURL, ClientID: oidcClientID, ClientSecret: oidcClientSecret,
			Claim: claim},
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}))
	t.Cleanup(srv.Close)
	return &oidcPortal{srv: srv, logs: logs}
}

// syncBuffer is a bytes.Buffer that the server's goroutines may write concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// login starts at /auth/oidc/login?next=next with a fresh browser (a cookie jar,
// following redirects) and returns the last response with its body.
func (p *oidcPortal) login(t *testing.T, next string, accept string) (*http.Response, string, *http.Client) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet,
		p.srv.URL+"/auth/oidc/login?next="+url.QueryEscape(next), nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body), client
}

// claimsWith is a token func that issues the good claims changed by edit.
func claimsWith(key *rsa.PrivateKey, edit func(c map[string]any)) func(iss, nonce string) (map[string]any, *rsa.PrivateKey) {
	return func(iss, nonce string) (map[string]any, *rsa.PrivateKey) {
		c := goodClaims(iss, nonce)
		edit(c)
		return c, key
	}
}

// noSecrets fails if any secret the issuer handed out appears in text.
func noSecrets(t *testing.T, where, text string, iss *oidcIssuer) {
	t.Helper()
	for _, s := range iss.secrets() {
		if strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%.12s…)", where, s)
		}
	}
}

func TestOIDCLoginSucceeds(t *testing.T) {
	iss := newOIDCIssuer(t)
	portal := newOIDCPortal(t, iss.srv.URL, "")

	resp, body, _ := portal.login(t, "/api/v1/me", "")
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/api/v1/me" {
		t.Fatalf("login ended at %s with %d %s, want 200 at /api/v1/me", resp.Request.URL, resp.StatusCode, body)
	}
	var me struct {
		Kind    string   `json:"kind"`
		UserRef string   `json:"userRef"`
		Groups  []string `json:"groups"`
		Role    string   `json:"role"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		t.Fatalf("decode /api/v1/me %q: %v", body, err)
	}
	if me.Kind != "user" || me.UserRef != "user:default/jane" || me.Role != "developer" {
		t.Errorf("/api/v1/me = %+v, want kind user, user:default/jane, role developer", me)
	}
	for _, g := range []string{"group:default/payments", "group:default/engineering"} {
		if !slices.Contains(me.Groups, g) {
			t.Errorf("/api/v1/me groups = %v, want %s among them", me.Groups, g)
		}
	}
	noSecrets(t, "the /api/v1/me body", body, iss)
	noSecrets(t, "the logs", portal.logs.String(), iss)
}

func TestOIDCLoginRefuses(t *testing.T) {
	iss := newOIDCIssuer(t)
	portal := newOIDCPortal(t, iss.srv.URL, "")
	other := newRSAKey(t)
	tests := []struct {
		name     string
		token    func(iss, nonce string) (map[string]any, *rsa.PrivateKey)
		badState bool
		want     string
	}{
		{name: "forged signature", token: func(iss, nonce string) (map[string]any, *rsa.PrivateKey) {
			return goodClaims(iss, nonce), other
		}, want: "ID token signature is invalid"},
		{name: "wrong audience", token: claimsWith(iss.key, func(c map[string]any) { c["aud"] = "another-client" }),
			want: "ID token audience does not match"},
		{name: "expired", token: claimsWith(iss.key, func(c map[string]any) {
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
		}), want: "ID token has expired"},
		{name: "wrong issuer", token: claimsWith(iss.key, func(c map[string]any) { c["iss"] = "https://idp.example" }),
			want: "ID token issuer does not match"},
		{name: "wrong nonce", token: claimsWith(iss.key, func(c map[string]any) { c["nonce"] = "replayed" }),
			want: "ID token nonce does not match"},
		{name: "bad state", badState: true, want: "state mismatch"},
		{name: "no catalog user", token: claimsWith(iss.key, func(c map[string]any) { c["email"] = "nobody@fernway.example" }),
			want: "no catalog user for this identity"},
		{name: "unverified email", token: claimsWith(iss.key, func(c map[string]any) { c["email_verified"] = false }),
			want: "has not verified this email address"},
		{name: "no email claim", token: claimsWith(iss.key, func(c map[string]any) { delete(c, "email") }),
			want: `ID token has no "email" claim`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss.reset()
			if tt.token != nil || tt.badState {
				tok := tt.token
				if tok == nil {
					tok = func(i, n string) (map[string]any, *rsa.PrivateKey) { return goodClaims(i, n), iss.key }
				}
				iss.set(tok, tt.badState)
			}
			resp, body, client := portal.login(t, "/api/v1/me", "")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("login = %d %s, want 401", resp.StatusCode, body)
			}
			var e struct {
				Error struct{ Name, Message string } `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("decode %q: %v", body, err)
			}
			if !strings.Contains(e.Error.Message, tt.want) || e.Error.Name != "AuthenticationError" {
				t.Errorf("error = %+v, want AuthenticationError saying %q", e.Error, tt.want)
			}
			u, _ := url.Parse(portal.srv.URL)
			for _, c := range client.Jar.Cookies(u) {
				if c.Name == "portal_session" {
					t.Errorf("a refused login set the session cookie")
				}
			}
			noSecrets(t, "the body", body, iss)
		})
	}
	noSecrets(t, "the logs", portal.logs.String(), iss)
}

// TestOIDCLoginState covers the login cookie: its attributes, a tampered or missing
// cookie, and where the browser lands afterwards.
func TestOIDCLoginState(t *testing.T) {
	iss := newOIDCIssuer(t)
	portal := newOIDCPortal(t, iss.srv.URL, "")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := noFollow.Get(portal.srv.URL + "/auth/oidc/login?next=/catalog")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), iss.srv.URL+"/authorize?") {
		t.Fatalf("login = %d to %q, want 302 to the issuer", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "portal_oidc" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge <= 0 || cookie.MaxAge > 900 {
		t.Fatalf("login cookie = %+v, want a short-lived HttpOnly SameSite=Lax cookie", cookie)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	state := loc.Query().Get("state")
	if strings.Contains(cookie.Value, state) || strings.Contains(cookie.Value, loc.Query().Get("nonce")) {
		t.Errorf("the login cookie shows the state or nonce in clear")
	}

	callback := func(cookieValue string) (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet,
			portal.srv.URL+"/auth/oidc/callback?code=code-x&state="+url.QueryEscape(state), nil)
		if cookieValue != "" {
			req.AddCookie(&http.Cookie{Name: "portal_oidc", Value: cookieValue})
		}
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	raw := []byte(cookie.Value)
	raw[len(raw)/2] ^= 'A' ^ 'B'
	if raw[len(raw)/2] == cookie.Value[len(raw)/2] {
		t.Fatal("tampering left the cookie unchanged")
	}
	for _, tt := range []struct{ name, cookie, want string }{
		{"tampered cookie", string(raw), "state mismatch"},
		{"no cookie", "", "start it again"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status, body := callback(tt.cookie); status != http.StatusUnauthorized || !strings.Contains(body, tt.want) {
				t.Errorf("callback = %d %s, want 401 saying %q", status, body, tt.want)
			}
		})
	}

	for _, tt := range []struct{ next, wantPath string }{
		{"/catalog/default/component/payments-api", "/catalog/default/component/payments-api"},
		{"https://evil.example/phish", "/"},
		{"//evil.example/phish", "/"},
		{`/\evil.example`, "/"},
	} {
		t.Run("next "+tt.next, func(t *testing.T) {
			resp, body, _ := portal.login(t, tt.next, "text/html")
			if resp.StatusCode != http.StatusOK {
				t.Errorf("login with next=%q = %d, want 200", tt.next, resp.StatusCode)
			}
			if got := resp.Request.URL; !strings.HasPrefix(got.String(), portal.srv.URL) || got.Path != tt.wantPath {
				t.Errorf("login with next=%q ended at %s, want %s on the portal (%.80s)", tt.next, got, tt.wantPath, body)
			}
		})
	}
}

// TestOIDCLoginUserRefClaim logs in by a claim that holds a catalog user ref.
func TestOIDCLoginUserRefClaim(t *testing.T) {
	iss := newOIDCIssuer(t)
	portal := newOIDCPortal(t, iss.srv.URL, "portal_user")
	iss.set(claimsWith(iss.key, func(c map[string]any) {
		delete(c, "email")
		c["portal_user"] = "user:default/jane"
	}), false)
	resp, body, _ := portal.login(t, "/api/v1/me", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "user:default/jane") {
		t.Fatalf("login = %d %s, want 200 showing user:default/jane", resp.StatusCode, body)
	}

	// A ref the catalog does not hold is refused like an unknown email.
	iss.set(claimsWith(iss.key, func(c map[string]any) { c["portal_user"] = "user:default/nobody" }), false)
	resp, body, _ = portal.login(t, "/api/v1/me", "")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "no catalog user for this identity") {
		t.Errorf("login as user:default/nobody = %d %s, want 401 naming no catalog user", resp.StatusCode, body)
	}
}

// TestOIDCLoginIssuerDown checks that a portal whose issuer is down starts, and answers a
// login with a 502 that says so, as JSON and as a page.
func TestOIDCLoginIssuerDown(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	portal := newOIDCPortal(t, down.URL, "")
	for _, tt := range []struct{ accept, wantType string }{
		{"", "application/json"},
		{"text/html,application/xhtml+xml", "text/html"},
	} {
		t.Run(tt.wantType, func(t *testing.T) {
			start := time.Now()
			resp, body, _ := portal.login(t, "/", tt.accept)
			if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "could not be reached") {
				t.Errorf("login = %d %s, want 502 saying the identity provider could not be reached", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.wantType)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("login took %v with the issuer down", d)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv returns an env lookup that sees only vars. The CLI tests run on SQLite in a temp dir
// so each run starts empty; the store's contract tests cover PostgreSQL.
func testEnv(t *testing.T, vars map[string]string) func(string) string {
	t.Helper()
	return func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		return ""
	}
}

const componentYAML = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-api
  description: Bills customers
spec:
  type: service
  lifecycle: production
  owner: team-billing
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-billing
spec:
  type: team
  children: []
`

func TestCLI(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "catalog-info.yaml"), []byte(componentYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "catalog-info.yaml"), []byte(componentYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	env := testEnv(t, map[string]string{
		"PORTAL_DATA_DIR":            t.TempDir(),
		"PORTAL_FILE_LOCATION_ROOTS": root,
	})
	tests := []struct {
		name     string
		args     []string
		wantErr  string // substring of the error; empty means success
		wantCode int
		wantOut  []string
		stdin    string
	}{
		{name: "help", args: []string{"help"}, wantOut: []string{"Usage: portal", "serve", "catalog"}},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: `unknown command "frobnicate"`, wantCode: 2},
		{name: "bad flag", args: []string{"serve", "--no-such-flag"}, wantErr: "no-such-flag", wantCode: 2},
		{name: "migrate", args: []string{"migrate"}, wantOut: []string{"database is up to date"}},
		{name: "import", args: []string{"catalog", "import", root}, wantOut: []string{"3 entities read; 3 added"}},
		{name: "import again is unchanged", args: []string{"catalog", "import", root}, wantOut: []string{"0 added", "3 unchanged"}},
		{name: "import outside roots", args: []string{"catalog", "import", outside}, wantErr: outside, wantCode: 1},
		{name: "import missing path", args: []string{"catalog", "import"}, wantErr: "one PATH", wantCode: 2},
		{name: "get", args: []string{"catalog", "get", "component:billing-api"}, wantOut: []string{"name: billing-api", "ownedBy", "group:default/team-billing"}},
		{name: "get json", args: []string{"catalog", "get", "--output", "json", "billing-api"}, wantOut: []string{`"apiVersion": "backstage.io/v1alpha1"`}},
		{name: "get unknown", args: []string{"catalog", "get", "component:nope"}, wantErr: "not found", wantCode: 1},
		{name: "list", args: []string{"catalog", "list"}, wantOut: []string{"component:default/billing-api", "group:default/team-billing"}},
		{name: "list filtered", args: []string{"catalog", "list", "--filter", "kind=group"}, wantOut: []string{"group:default/team-billing"}},
		{name: "list bad filter", args: []string{"catalog", "list", "--filter", "=component"}, wantErr: "filter", wantCode: 2},
		{name: "bad env", args: []string{"catalog", "list", "--log-format", "xml"}, wantErr: "log format", wantCode: 1},
		{name: "user add", args: []string{"user", "add", "--password-stdin", "--role", "admin", "alice"}, stdin: "correct horse battery\n", wantOut: []string{"user alice added (role admin)"}},
		{name: "user add generated password", args: []string{"user", "add", "bob"}, wantOut: []string{"user bob added (role developer)", "password (shown once): "}},
		{name: "user add twice", args: []string{"user", "add", "--password-stdin", "alice"}, stdin: "correct horse battery\n", wantErr: "alice", wantCode: 1},
		{name: "user add weak password", args: []string{"user", "add", "--password-stdin", "carol"}, stdin: "short\n", wantErr: "carol", wantCode: 1},
		{name: "user add bad role", args: []string{"user", "add", "--role", "boss", "dave"}, wantErr: "boss", wantCode: 2},
		{name: "user add service account", args: []string{"user", "add", "--service-account", "--role", "viewer", "ci-bot"}, wantOut: []string{"user ci-bot added (role viewer)"}},
		{name: "user list", args: []string{"user", "list"}, wantOut: []string{"alice", "admin", "user:default/alice", "ci-bot", "service"}},
		{name: "token create", args: []string{"token", "create", "--user", "alice", "--scope", "write"}, wantOut: []string{"np_"}},
		{name: "token create unknown user", args: []string{"token", "create", "--user", "nobody"}, wantErr: "nobody", wantCode: 1},
		{name: "token create no user", args: []string{"token", "create"}, wantErr: "--user", wantCode: 2},
		{name: "token list", args: []string{"token", "list", "--user", "alice"}, wantOut: []string{"cli", "write", "active"}},
		{name: "token revoke unknown", args: []string{"token", "revoke", "no-such-id"}, wantErr: "no-such-id", wantCode: 1},
		{name: "user disable", args: []string{"user", "disable", "bob"}, wantOut: []string{"user bob disabled"}},
		{name: "user disable unknown", args: []string{"user", "disable", "zed"}, wantErr: "zed", wantCode: 1},
		// One-argument commands take it before or after their flags, and say what is missing or extra.
		{name: "incidents show before flags", args: []string{"incidents", "show", "no-such-incident", "--json"}, wantErr: "no-such-incident", wantCode: 1},
		{name: "incidents show after flags", args: []string{"incidents", "show", "--json", "no-such-incident"}, wantErr: "no-such-incident", wantCode: 1},
		{name: "incidents show missing", args: []string{"incidents", "show", "--json"}, wantErr: "incidents show needs an incident ID", wantCode: 2},
		{name: "incidents show two", args: []string{"incidents", "show", "a", "--json", "b"}, wantErr: `takes one incident ID, got "b" too`, wantCode: 2},
		{name: "incidents import missing", args: []string{"incidents", "import"}, wantErr: "needs a DIR", wantCode: 2},
		{name: "costs import missing", args: []string{"costs", "import", "--provider", "aws"}, wantErr: "costs import needs a FILE", wantCode: 2},
		{name: "metrics import two", args: []string{"metrics", "import", "a.csv", "b.csv"}, wantErr: `metrics import takes one FILE, got "b.csv" too`, wantCode: 2},
		{name: "template run missing", args: []string{"template", "run", "--values", "v.yaml"}, wantErr: "template run needs a NAME", wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, env, strings.NewReader(tt.stdin), &stdout, &stderr)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("run(%q) = %v, want nil; stderr: %s", tt.args, err, stderr.String())
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("run(%q) = %v, want error containing %q", tt.args, err, tt.wantErr)
				}
				if got := exitCode(err); got != tt.wantCode {
					t.Errorf("exit code = %d, want %d", got, tt.wantCode)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans several lines: %q", err)
				}
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("run(%q) stdout lacks %q:\n%s", tt.args, w, stdout.String())
				}
			}
		})
	}
	// A token created above can be revoked by its id, after which it lists as revoked.
	var tokens bytes.Buffer
	if err := run(t.Context(), []string{"token", "list"}, env, nil, &tokens, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(tokens.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("token list = %q, want a header and one token", tokens.String())
	}
	id := strings.Fields(lines[1])[0]
	var out bytes.Buffer
	if err := run(t.Context(), []string{"token", "revoke", id}, env, nil, &out, io.Discard); err != nil {
		t.Fatalf("token revoke %s: %v", id, err)
	}
	out.Reset()
	if err := run(t.Context(), []string{"token", "list"}, env, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "revoked") {
		t.Errorf("token list after revoke = %q, %v; want it revoked", out.String(), err)
	}

	// Nothing stored was lost by the failed commands above.
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"catalog", "list", "--output", "json"}, env, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	var all []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	// Two entities from the file plus the generated Location entity of the registered location.
	if len(all) != 3 {
		t.Errorf("after the bad commands the catalog has %d entities, want 3", len(all))
	}
}

var (
	urlLine   = regexp.MustCompile(`running at (http://\S+)`)
	tokenLine = regexp.MustCompile(`Admin token \(shown once, valid 24h\): (np_\S+)`)
)

// TestServeRefusesWithoutLogin checks that serve will not start a portal nobody could sign
// in to, and says how to fix it in one line.
func TestServeRefusesWithoutLogin(t *testing.T) {
	env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir()})
	var stdout bytes.Buffer
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0"}, env, nil, &stdout, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no way to log in") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("serve without any login = %v, want the one-line no-way-to-log-in error", err)
	}
	if strings.Contains(stdout.String(), "running at") {
		t.Errorf("serve printed a URL although it refused to start: %q", stdout.String())
	}
	bad := testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir(), "PORTAL_STATIC_TOKENS": "ci:short"})
	if err := run(t.Context(), []string{"serve"}, bad, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), `static token "ci"`) || strings.Contains(err.Error(), "short") {
		t.Errorf("serve with a too-short static token = %v, want an error naming it but not its value", err)
	}
}

// TestServeDemo starts `portal serve --demo` as `make run` does and reads a demo service
// through Backstage's by-name route, then shuts it down gracefully.
func TestServeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole server")
	}
	env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": t.TempDir()})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout := &syncBuffer{}
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--refresh-interval", "0"}, env, nil, stdout, stderr)
	}()
	var base string
	for deadline := time.Now().Add(60 * time.Second); base == "" && time.Now().Before(deadline); {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\nstderr: %s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if m := urlLine.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve printed no URL; stdout: %q stderr: %s", stdout.String(), stderr.String())
	}

	var services []map[string]any
	getJSON(t, base+"/api/catalog/entities?filter=kind=component,spec.type=service", &services)
	if len(services) < 5 {
		t.Fatalf("demo has %d service components, want at least 5", len(services))
	}
	name := services[0]["metadata"].(map[string]any)["name"].(string)
	var e struct {
		Kind      string
		Relations []struct{ Type, TargetRef string }
	}
	getJSON(t, base+"/api/catalog/entities/by-name/component/default/"+name, &e)
	if e.Kind != "Component" || len(e.Relations) == 0 {
		t.Errorf("by-name %s = kind %q with %d relations, want a Component with relations", name, e.Kind, len(e.Relations))
	}
	// The printed admin token works; a bad one is refused.
	m := tokenLine.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("demo mode printed no admin token: %q", stdout.String())
	}
	var me struct{ Role, Kind string }
	getJSONAuth(t, base+"/api/v1/me", m[1], &me)
	if me.Role != "admin" {
		t.Errorf("/api/v1/me with the demo admin token = %+v, want role admin", me)
	}
	getJSONAuth(t, base+"/api/v1/me", "", &me)
	if me.Kind != "guest" || me.Role != "developer" {
		t.Errorf("/api/v1/me without credentials in demo mode = %+v, want the guest developer", me)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/catalog/entities", nil)
	req.Header.Set("Authorization", "Bearer np_not-a-real-token")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a bad token in demo mode = %d, want 401", resp.StatusCode)
	}
	for _, path := range []string{"/healthz", "/readyz", "/"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, resp.StatusCode)
		}
	}

	// The server indexes the demo org for search in the background, in passes (entities,
	// docs, incidents; the embedding model is trained once there is enough text), so early
	// answers may come from a partial index: wait until the retries doc is found.
	const retries = "doc:component:default/kafka-client-go:docs/retries.md"
	var found struct {
		Results []struct{ DocID string }
	}
	hasRetries := func() bool {
		return slices.ContainsFunc(found.Results, func(r struct{ DocID string }) bool { return r.DocID == retries })
	}
	for deadline := time.Now().Add(60 * time.Second); !hasRetries() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		getJSONAuth(t, base+"/api/v1/search?q=retries+for+kafka+consumers&limit=3", m[1], &found)
	}
	// Among the first three: plain BM25 ranks the library's README (which also covers its
	// retries) first, and hybrid's ranking of the two is a matter of tuning.
	if !hasRetries() {
		t.Errorf("search for kafka consumer retries = %+v, want the kafka-client-go retries doc among them", found.Results)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	getJSONAuth(t, url, "", v)
}

// getJSONAuth GETs url with a bearer token (none when empty) and decodes the JSON answer.
func getJSONAuth(t *testing.T, url, token string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}

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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, env, &stdout, &stderr)
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
	// Nothing stored was lost by the failed commands above.
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"catalog", "list", "--output", "json"}, env, &stdout, io.Discard); err != nil {
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

var urlLine = regexp.MustCompile(`running at (http://\S+)`)

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
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--refresh-interval", "0"}, env, stdout, stderr)
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
	resp, err := http.Get(url)
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

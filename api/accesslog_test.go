package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
)

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	env := newTestEnv(t, api.Deps{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	req, _ := http.NewRequest(http.MethodGet, "/api/catalog/entities/by-name/component/default/x", nil)
	req.Header.Set("X-Request-Id", "log-1")
	recorder(env, req)

	var line struct {
		Level, Msg, Method, Route, RequestID, Principal string
		Status                                          int
		Bytes                                           int
		DurationMS                                      *float64 `json:"duration_ms"`
	}
	var found bool
	for _, l := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(l, &m) == nil && m["msg"] == "http request" {
			if err := json.Unmarshal(l, &line); err != nil {
				t.Fatal(err)
			}
			line.RequestID, _ = m["request_id"].(string)
			found = true
		}
	}
	if !found {
		t.Fatalf("no access log line in %s", buf.String())
	}
	if line.Level != "INFO" || line.Method != "GET" || line.Route != "/api/catalog/entities/by-name/:kind/:namespace/:name" ||
		line.Status != 404 || line.RequestID != "log-1" || line.Bytes <= 0 || line.DurationMS == nil || line.Principal != "user:admin" {
		t.Errorf("access log = %+v, want an info line with method, route template, status, request id, bytes, duration and principal", line)
	}
}

// TestLogsBoundUserInput sends requests whose path, query and resulting error messages
// carry tens of kilobytes of user input, and checks no log line holds it all.
func TestLogsBoundUserInput(t *testing.T) {
	var buf bytes.Buffer
	env := newTestEnv(t, api.Deps{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Search: newEmptySearch(t)})
	long := strings.Repeat("y", 70000)
	for _, path := range []string{
		"/api/catalog/entities/by-name/component/default/" + long,
		"/api/catalog/entities/by-query?filter=kind=component,=" + long,
		"/api/catalog/entities?filter=" + long + ",,",
		"/api/v1/search?q=" + long,
	} {
		w := env.do(http.MethodGet, path, "")
		if w.Code/100 != 4 {
			t.Errorf("GET %.80s… = %d, want a 4xx", path, w.Code)
		}
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) < 4 {
		t.Fatalf("want a log line per request, got %d", len(lines))
	}
	for _, l := range lines {
		if len(l) > 4096 {
			t.Errorf("a log line is %d bytes long: %.300s…", len(l), l)
		}
	}
}

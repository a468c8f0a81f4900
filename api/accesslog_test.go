package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
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

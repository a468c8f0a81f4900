package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
)

// alertmanagerBinary is where Debian's prometheus-alertmanager package installs the server.
const alertmanagerBinary = "/usr/bin/prometheus-alertmanager"

// requireAlertmanager returns the Alertmanager binary, skipping the test when it is missing,
// or failing it under CI=true.
func requireAlertmanager(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("prometheus-alertmanager"); err == nil {
		return p
	}
	if _, err := os.Stat(alertmanagerBinary); err == nil {
		return alertmanagerBinary
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (scripts/install-alertmanager.sh installs it)", alertmanagerBinary)
	}
	t.Skipf("%s not found; scripts/install-alertmanager.sh installs it", alertmanagerBinary)
	return ""
}

// freeAddr returns a 127.0.0.1 address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startAlertmanager runs a real Alertmanager whose one receiver is a webhook to hook with
// bearer token, grouping by alertname with short waits, and returns its URL.
func startAlertmanager(t *testing.T, hook, token string) string {
	t.Helper()
	bin := requireAlertmanager(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf(`route:
  receiver: portal
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: portal
    webhook_configs:
      - url: %q
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: %q
`, hook, token)
	cfgPath := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--config.file="+cfgPath, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=")
	logf, err := os.Create(filepath.Join(dir, "alertmanager.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start alertmanager: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			log, _ := os.ReadFile(logf.Name())
			t.Logf("alertmanager log:\n%s", log)
		}
	})
	url := "http://" + addr
	waitFor(t, "alertmanager ready", func() bool {
		resp, err := http.Get(url + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return url
}

// waitFor polls cond until it holds. It is no timed assertion: the bound only keeps a
// broken run from hanging until the test binary's own timeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i == 1200 {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// postAlert sends one alert to Alertmanager's own API (POST /api/v2/alerts).
func postAlert(t *testing.T, am string, endsAt time.Time) {
	t.Helper()
	body := fmt.Sprintf(`[{"labels":{"alertname":"OpenSvcHighErrorRate","service":"open-svc","severity":"critical"},
		"annotations":{"summary":"open-svc 5xx above 2%%","runbook_url":"https://runbooks.example/open-svc"},
		"startsAt":%q,"endsAt":%q,"generatorURL":"http://prometheus.example/graph"}]`,
		time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), endsAt.UTC().Format(time.RFC3339))
	resp, err := http.Post(am+"/api/v2/alerts", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v2/alerts = %d", resp.StatusCode)
	}
}

// TestRealAlertmanagerOpensAndResolvesAnIncident starts Debian's Alertmanager with a
// webhook receiver pointed at the portal (a developer's API token as bearer), fires an
// alert through Alertmanager's API and waits for the portal to hold exactly one incident
// for the right entity; the alert's end resolves it.
func TestRealAlertmanagerOpensAndResolvesAnIncident(t *testing.T) {
	env := newIncidentEnv(t)
	portal := httptest.NewServer(env.srv)
	t.Cleanup(portal.Close)
	am := startAlertmanager(t, portal.URL+"/api/v1/alertmanager", env.tokens[asDeveloper])

	postAlert(t, am, time.Now().Add(time.Hour))
	var got []incident.Incident
	waitFor(t, "the incident", func() bool {
		got = listIncidents(t, env, asAdmin, "")
		return len(got) > 0
	})
	inc := got[0]
	if len(got) != 1 || inc.Source != incident.SourceAlertmanager || len(inc.Entities) != 1 || inc.Entities[0] != "component:default/open-svc" ||
		inc.Severity != incident.SeverityCritical || inc.Status != incident.StatusOpen || inc.Title != "open-svc 5xx above 2%" {
		t.Fatalf("incidents = %+v; want one open critical incident of component:default/open-svc", got)
	}

	postAlert(t, am, time.Now().Add(-time.Second))
	waitFor(t, "the incident to resolve", func() bool {
		got = listIncidents(t, env, asAdmin, "")
		return len(got) == 1 && got[0].Status == incident.StatusResolved
	})
	if got[0].ID != inc.ID {
		t.Errorf("resolved incident %s, want %s", got[0].ID, inc.ID)
	}
	if all := listIncidents(t, env, asAdmin, ""); len(all) != 1 {
		t.Errorf("%d incidents after the alert resolved, want 1", len(all))
	}
}

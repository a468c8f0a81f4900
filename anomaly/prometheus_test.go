package anomaly_test

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/store/storetest"
)

// requireBinary returns the path of a program, skipping the test when it is missing, or
// failing it under CI=true.
func requireBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (scripts/install-prometheus.sh installs it): %v", name, err)
		}
		t.Skipf("%s not found; scripts/install-prometheus.sh installs it", name)
	}
	return p
}

// startPrometheus backfills one gauge, portal_test_latency, from values (one a minute, the
// last at end) with promtool, starts a Prometheus server on that data on a free port and
// returns its URL. The server stops when the test ends.
func startPrometheus(t *testing.T, end time.Time, values []float64) string {
	t.Helper()
	promtool := requireBinary(t, "promtool")
	prometheus := requireBinary(t, "prometheus")
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("# HELP portal_test_latency request latency of the test service\n# TYPE portal_test_latency gauge\n")
	start := end.Add(-time.Duration(len(values)-1) * time.Minute)
	for i, v := range values {
		fmt.Fprintf(&sb, "portal_test_latency{service=\"checkout\"} %g %d\n", v, start.Add(time.Duration(i)*time.Minute).Unix())
	}
	sb.WriteString("# EOF\n")
	om := filepath.Join(dir, "backfill.om")
	if err := os.WriteFile(om, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if out, err := exec.CommandContext(t.Context(), promtool, "tsdb", "create-blocks-from", "openmetrics", om, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool backfill: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\nscrape_configs: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, prometheus, "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--web.listen-address="+addr, "--storage.tsdb.retention.time=30d")
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		logf.Close()
	})
	url := "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if i > 300 {
			log, _ := os.ReadFile(filepath.Join(dir, "prometheus.log"))
			t.Fatalf("prometheus at %s not ready: %v\n%s", url, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPrometheusSpikeBecomesOneAnomaly reads a backfilled series from a real Prometheus
// server through query_range: the one spike in it becomes exactly one anomaly.
func TestPrometheusSpikeBecomesOneAnomaly(t *testing.T) {
	const n, spike = 2400, 2100
	values := make([]float64, n)
	for i := range values {
		values[i] = 100 + 10*math.Sin(float64(i)/40) + float64((i*7919)%17)/17
	}
	values[spike] = 400
	end := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
	url := startPrometheus(t, end, values)

	svc, err := anomaly.NewService(storetest.New(t), anomaly.ServiceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	queries, err := anomaly.ParsePromQueries(`[{"series":"checkout_latency","query":"portal_test_latency{service=\"checkout\"}","labels":{"entity":"component:default/checkout"}}]`)
	if err != nil {
		t.Fatal(err)
	}
	p, err := anomaly.NewPuller(url, svc, queries, time.Minute, 48*time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Pull twice, as the schedule would: the second pull finds nothing new to store.
	now := end.Add(30 * time.Minute)
	got, err := p.Pull(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	if got < n-5 {
		t.Fatalf("first pull stored %d points, want about %d", got, n)
	}
	if again, err := p.Pull(t.Context(), now); err != nil || again != 0 {
		t.Errorf("second pull stored %d points (%v), want 0", again, err)
	}
	list, err := svc.Anomalies(t.Context(), anomaly.AnomalyQuery{Entity: "component:default/checkout"})
	if err != nil {
		t.Fatal(err)
	}
	want := end.Add(-time.Duration(n-1-spike) * time.Minute)
	if len(list) != 1 || !list[0].At.Equal(want) || list[0].Value != 400 {
		t.Fatalf("anomalies = %+v, want one at %s", list, want)
	}
}

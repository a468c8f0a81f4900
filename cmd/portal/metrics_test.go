package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSeriesCSV writes n rows, one every 5 minutes, of a calm wave with one spike.
func writeSeriesCSV(t *testing.T, start time.Time, n, spike int, extra string) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("timestamp,value\n")
	for i := range n {
		v := 50 + 5*math.Sin(float64(i)/20) + float64((i*7919)%11)/11
		if i == spike {
			v = 200
		}
		fmt.Fprintf(&sb, "%s,%g\n", start.Add(time.Duration(i)*5*time.Minute).Format("2006-01-02 15:04:05"), v)
	}
	sb.WriteString(extra)
	p := filepath.Join(t.TempDir(), "series.csv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMetricsImport(t *testing.T) {
	env := map[string]string{"PORTAL_DATA_DIR": t.TempDir()}
	start := time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC)
	bad := "2014-04-01 00:00:00,1\n2099-01-01 00:00:00,NaN\nnot a time,3\n"
	file := writeSeriesCSV(t, start, 1500, 1200, bad)
	stdout, stderr, err := runEvalCLI(t, env, "metrics", "import", file, "--series", "nab_like", "--labels", "entity=component:default/x")
	if err == nil || !strings.Contains(err.Error(), "3 rows") {
		t.Errorf("import with 3 bad rows: err = %v, want one naming 3 rows", err)
	}
	for _, want := range []string{"series.csv:1502: timestamp 2014-04-01T00:00:00Z is before", "late or out of order", "series.csv:1503: value is not a finite number", "series.csv:1504: timestamp"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "series nab_like (component:default/x): 1500 points imported, 3 rows refused, 1 anomalies recorded") {
		t.Errorf("stdout = %q", stdout)
	}
	// Importing the same file again refuses every row as late and stores nothing new.
	stdout, _, err = runEvalCLI(t, env, "metrics", "import", file, "--series", "nab_like")
	if err == nil || !strings.Contains(stdout, "(component:default/x): 0 points imported, 1503 rows refused, 1 anomalies recorded") {
		t.Errorf("second import: %v, stdout %q", err, stdout)
	}
	for _, args := range [][]string{
		{"metrics", "import", file},
		{"metrics", "import", "--series", "x"},
		{"metrics", "import", file, "--series", "bad name"},
		{"metrics", "import", file, "--series", "x", "--labels", "novalue"},
		{"metrics", "nope"},
	} {
		if _, _, err := runEvalCLI(t, env, args...); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

// TestMetricsImportSelector ties a series without an entity label to the entity whose
// nextportal.io/metrics-selector annotation claims it.
func TestMetricsImportSelector(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PORTAL_DATA_DIR": t.TempDir(), "PORTAL_FILE_LOCATION_ROOTS": dir}
	cat := filepath.Join(dir, "catalog-info.yaml")
	yaml := componentYAML + `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    nextportal.io/metrics-selector: series=claimed
spec:
  type: service
  lifecycle: production
  owner: team-billing
`
	if err := os.WriteFile(cat, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runEvalCLI(t, env, "catalog", "import", cat); err != nil {
		t.Fatalf("catalog import: %v\n%s", err, stderr)
	}
	file := writeSeriesCSV(t, time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC), 600, 500, "")
	stdout, stderr, err := runEvalCLI(t, env, "metrics", "import", file, "--series", "claimed")
	if err != nil || !strings.Contains(stdout, "series claimed (component:default/checkout): 600 points imported") {
		t.Errorf("import claimed: %v\nstdout %q\nstderr %s", err, stdout, stderr)
	}
	stdout, _, err = runEvalCLI(t, env, "metrics", "import", file, "--series", "unclaimed")
	if err != nil || !strings.Contains(stdout, "series unclaimed (no entity)") {
		t.Errorf("import unclaimed: %v, stdout %q", err, stdout)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/internal/demo"
)

// TestDemoIncidentHistory imports the demo organisation and its postmortems with the CLI
// and asks the local assistant whether payments-api had incidents like this before: the
// answer cites the demo's payments-api incidents.
func TestDemoIncidentHistory(t *testing.T) {
	dir := t.TempDir()
	rootFile, err := demo.Extract(dir)
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	env := testEnv(t, map[string]string{"PORTAL_DATA_DIR": dataDir, "PORTAL_FILE_LOCATION_ROOTS": dir})
	portal := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), args, env, strings.NewReader(""), &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	if out, err := portal("catalog", "import", rootFile); err != nil {
		t.Fatalf("catalog import: %v\n%s", err, out)
	}
	dirs, err := incident.PostmortemDirs(filepath.Dir(rootFile))
	if err != nil || len(dirs) < 3 {
		t.Fatalf("PostmortemDirs = %v, %v", dirs, err)
	}
	for _, d := range dirs {
		out, err := portal("incidents", "import", d)
		if err != nil || !strings.Contains(out, "imported") || strings.Contains(out, "skipped:") {
			t.Fatalf("incidents import %s: %v\n%s", d, err, out)
		}
	}
	if out, err := portal("index"); err != nil {
		t.Fatalf("index: %v\n%s", err, out)
	}
	out, err := portal("incidents", "list", "--entity", "payments-api")
	if err != nil || strings.Count(out, "component:default/payments-api") < 4 {
		t.Fatalf("incidents list --entity payments-api: %v\n%s", err, out)
	}

	out, err = portal("ask", "--json", "has payments-api had incidents like this before?")
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, out)
	}
	var ans assistant.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json: %v\n%s", err, out)
	}
	incidents := 0
	for _, c := range ans.Citations {
		if strings.HasPrefix(c.Ref, "incident:") && strings.HasPrefix(c.URL, "/incidents/") {
			incidents++
		}
	}
	if ans.Abstained || incidents < 2 || !strings.Contains(ans.Answer, "[1]") {
		t.Fatalf("answer cites %d incidents (abstained %v):\n%s\ncitations %+v", incidents, ans.Abstained, ans.Answer, ans.Citations)
	}
	t.Logf("answer:\n%s", ans.Answer)
	// What fixed it last time: the answer says how one was fixed.
	out, err = portal("ask", "what fixed the payments-api incident last time?")
	t.Logf("what fixed:\n%s", out)
	if err != nil || !strings.Contains(out, "Fixed by:") || !strings.Contains(out, "/incidents/") {
		t.Errorf("what fixed it: %v\n%s", err, out)
	}
	// show prints the timeline and similar incidents.
	var list []incident.Incident
	out, err = portal("incidents", "list", "--json", "--entity", "payments-api", "--limit", "1")
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 {
		t.Fatalf("incidents list --json: %v\n%s", err, out)
	}
	out, err = portal("incidents", "show", list[0].ID)
	if err != nil || !strings.Contains(out, "Timeline:") || !strings.Contains(out, "Similar incidents:") || !strings.Contains(out, "Root cause:") {
		t.Errorf("incidents show: %v\n%s", err, out)
	}
	for _, bad := range [][]string{{"incidents", "show"}, {"incidents", "list", "--status", "closed"}, {"incidents", "import"}, {"incidents", "frob"}, {"incidents", "import", filepath.Join(dir, "nope")}} {
		if _, err := portal(bad...); err == nil {
			t.Errorf("portal %v: no error", bad)
		}
	}

	// A new incident on orders-service finds its own past incident first, then, through the
	// search index, the other services' connection exhaustion incidents.
	cfg := defaultConfig()
	cfg.DataDir, cfg.FileLocationRoots, cfg.LogLevel = dataDir, []string{dir}, "error"
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	a, err := newApp(t.Context(), &cfg, io.Discard, upgradeSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ix, err := a.searchIndex(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	svc := a.incidentService()
	registerIncidents(svc, ix, nil)
	ctx := operatorContext(t.Context())
	if _, err := svc.RecordEvent(ctx, incident.PagerDutyEvent{RoutingKey: "k", EventAction: "trigger", DedupKey: "orders-db",
		Payload: incident.PagerDutyPayload{Summary: "orders-service database connections exhausted: too many connections from the pool",
			Source: "orders-service", Severity: "critical"}}); err != nil {
		t.Fatal(err)
	}
	fresh, err := svc.List(ctx, incident.Query{Source: incident.SourceEvents})
	if err != nil || len(fresh) != 1 {
		t.Fatalf("new incident: %v %v", fresh, err)
	}
	sim, err := svc.Similar(ctx, fresh[0], 3)
	if err != nil || len(sim) != 3 {
		t.Fatalf("Similar = %v, %v; want 3", sim, err)
	}
	for _, s := range sim[:2] {
		if !slices.Contains(s.Entities, "component:default/orders-service") {
			t.Errorf("similar %q of %v: want orders-service's own past incidents first", s.Title, s.Entities)
		}
	}
	if !strings.Contains(strings.ToLower(sim[2].Title), "connection") {
		t.Errorf("similar by text = %q, want a connection exhaustion incident", sim[2].Title)
	}
}

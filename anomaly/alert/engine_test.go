package alert_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// feed is a scripted incident change feed: the incidents as they are now, each with the Seq
// of its last change, like incident.Service.Changed.
type feed struct {
	mu      sync.Mutex
	seq     int64
	current map[string]incident.Incident
	past    []incident.Incident
}

func newFeed() *feed { return &feed{current: map[string]incident.Incident{}} }

// put records a change of inc.
func (f *feed) put(inc incident.Incident) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	inc.Seq = f.seq
	f.current[inc.ID] = inc
}

func (f *feed) Changed(_ context.Context, after int64, limit int) ([]incident.Incident, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []incident.Incident
	for _, inc := range f.current {
		if inc.Seq > after {
			out = append(out, inc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	// Like the store: each incident once, in its latest state.
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (f *feed) Similar(_ context.Context, inc incident.Incident, n int) ([]incident.Incident, error) {
	var out []incident.Incident
	for _, p := range f.past {
		if p.ID != inc.ID && len(out) < n && slices.Contains(p.Entities, inc.Entities[0]) {
			out = append(out, p)
		}
	}
	return out, nil
}

// directory is a fixed set of catalog entities.
type directory map[string]alert.Entity

func (d directory) Entity(_ context.Context, ref string) (alert.Entity, error) {
	e, ok := d[ref]
	if !ok {
		return alert.Entity{}, alert.ErrNotFound
	}
	return e, nil
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const payments = "component:default/payments-api"

var t0 = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)

type fixture struct {
	db     *store.DB
	feed   *feed
	clock  *clock
	outbox *notify.Outbox
	svc    *alert.Service
}

func newFixture(t *testing.T, db *store.DB) *fixture { return newBenchFixture(t, db) }

// newBenchFixture is newFixture for tests and benchmarks alike.
func newBenchFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, feed: newFeed(), clock: &clock{now: t0}}
	var err error
	f.outbox, err = notify.New(db, notify.Options{Now: f.clock.Now,
		Channels: []notify.Channel{{Name: "webhook", Kind: notify.KindWebhook, URL: "http://127.0.0.1:1/hook"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.feed.past = []incident.Incident{
		{ID: "inc-old-1", Title: "payments-api latency after deploy", Resolution: "rolled back 4.2", Entities: []string{payments}, OpenedAt: t0.Add(-48 * time.Hour)},
		{ID: "inc-old-2", Title: "payments-api connection pool exhausted", Resolution: "raised pool size", Entities: []string{payments}, OpenedAt: t0.Add(-96 * time.Hour)},
		{ID: "inc-old-3", Title: "third", Entities: []string{payments}},
	}
	f.svc = f.service()
	return f
}

// service is another replica's alert service over the same database.
func (f *fixture) service() *alert.Service {
	return alert.NewService(f.db, f.feed, f.outbox, alert.Options{BaseURL: "https://portal.example/", Now: f.clock.Now,
		Directory: directory{payments: {Ref: payments, Title: "Payments API", Owner: "group:default/payments",
			Labels:      map[string]string{"tier": "1"},
			Annotations: map[string]string{alert.OnCallAnnotation: "group:default/payments-oncall"},
			Links:       []alert.Link{{Title: "Dashboard", URL: "https://grafana/d/1"}, {Title: "Runbook", URL: "https://wiki/runbooks/payments"}}}}})
}

func (f *fixture) step(t *testing.T) {
	t.Helper()
	if err := f.svc.Step(t.Context()); err != nil {
		t.Fatalf("Step: %v", err)
	}
}

// keys are the outbox keys enqueued so far, oldest first.
func (f *fixture) keys(t testing.TB) []string {
	t.Helper()
	ds, err := f.outbox.Deliveries(t.Context(), notify.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for i := len(ds) - 1; i >= 0; i-- {
		out = append(out, ds[i].Key)
	}
	return out
}

func spike(id string, n int) incident.Incident {
	return incident.Incident{ID: id, Title: "Anomaly in http_p99 of payments-api", Severity: incident.SeverityHigh,
		Status: incident.StatusOpen, Source: incident.SourceAnomaly, Fingerprint: "fp-" + id, Entities: []string{payments},
		Series: "http_p99{service=payments-api}", OpenedAt: t0, UpdatedAt: t0, Count: n}
}

func TestBurstIsOneAlert(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Open(t))
			// 100 anomalous points grouped into one incident, stepping between some of them.
			for i := 1; i <= 100; i++ {
				inc := spike("inc-1", i)
				inc.UpdatedAt = t0.Add(time.Duration(i) * time.Second)
				f.feed.put(inc)
				if i%10 == 0 {
					f.step(t)
				}
			}
			as, err := f.svc.Alerts(t.Context(), alert.Query{})
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 {
				t.Fatalf("%d alerts, want 1", len(as))
			}
			a := as[0]
			if a.State != alert.Firing || a.Count != 100 || a.Version != 1 {
				t.Errorf("alert %s v%d count %d, want firing v1 grouping 100", a.State, a.Version, a.Count)
			}
			if d := cmp.Diff([]string{alert.MessageKey(a.ID, 1)}, f.keys(t)); d != "" {
				t.Errorf("notifications (-want +got):\n%s", d)
			}
			want := alert.Enrichment{Entity: payments, EntityTitle: "Payments API", Owner: "group:default/payments",
				OnCall:      "group:default/payments-oncall",
				IncidentURL: "https://portal.example/incidents/inc-1",
				ChartURL:    "https://portal.example/api/v1/metrics/http_p99%7Bservice=payments-api%7D/chart.svg?from=2026-05-31T21%3A00%3A00Z",
				RunbookURL:  "https://wiki/runbooks/payments", EntityURL: "https://portal.example/catalog/default/component/payments-api",
				Similar: []alert.Similar{
					{ID: "inc-old-1", Title: "payments-api latency after deploy", Resolution: "rolled back 4.2", URL: "https://portal.example/incidents/inc-old-1", OpenedAt: t0.Add(-48 * time.Hour)},
					{ID: "inc-old-2", Title: "payments-api connection pool exhausted", Resolution: "raised pool size", URL: "https://portal.example/incidents/inc-old-2", OpenedAt: t0.Add(-96 * time.Hour)},
				}}
			if d := cmp.Diff(want, a.Enrichment); d != "" {
				t.Errorf("enrichment (-want +got):\n%s", d)
			}
		})
	}
}

func TestLifecycleNotifiesEachChangeOnce(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Open(t))
			ctx := t.Context()
			f.feed.put(spike("inc-2", 1))
			f.step(t)
			id := alertIDOf(t, f, "inc-2")
			f.step(t) // nothing new: nothing notified
			f.clock.Advance(4 * time.Hour)
			f.step(t) // the default rule repeats every 4h
			if _, err := f.svc.Acknowledge(ctx, id, "alice"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Acknowledge(ctx, id, "alice"); err != nil {
				t.Fatal(err) // already acknowledged: no change, no message
			}
			f.clock.Advance(8 * time.Hour)
			f.step(t) // acknowledged: no repeat
			if _, err := f.svc.Snooze(ctx, id, "bob", f.clock.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			f.clock.Advance(time.Hour)
			f.step(t) // the snooze ends: firing again
			inc := spike("inc-2", 5)
			inc.Status, inc.ResolvedAt, inc.UpdatedAt = incident.StatusResolved, f.clock.Now(), f.clock.Now()
			f.feed.put(inc)
			f.step(t) // resolved with its incident
			f.step(t)
			var want []string
			for v := 1; v <= 6; v++ {
				want = append(want, alert.MessageKey(id, v))
			}
			if d := cmp.Diff(want, f.keys(t)); d != "" {
				t.Errorf("notifications (-want +got):\n%s", d)
			}
			a, err := f.svc.Alert(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.State != alert.Resolved || a.Version != 6 || a.Actor != "" {
				t.Errorf("final alert %s v%d by %q, want resolved v6", a.State, a.Version, a.Actor)
			}
			var prefixes []string
			for _, tt := range deliveryTitles(t, f) {
				prefixes = append(prefixes, strings.SplitN(tt, ":", 2)[0])
			}
			wantTitles := []string{"Firing", "Still firing", "Acknowledged", "Snoozed", "Firing again", "Resolved"}
			if d := cmp.Diff(wantTitles, prefixes); d != "" {
				t.Errorf("message titles (-want +got):\n%s", d)
			}
		})
	}
}

func alertIDOf(t *testing.T, f *fixture, incidentID string) string {
	t.Helper()
	as, err := f.svc.Alerts(t.Context(), alert.Query{Incident: incidentID})
	if err != nil || len(as) != 1 {
		t.Fatalf("alerts of %s = %v, %v; want one", incidentID, as, err)
	}
	return as[0].ID
}

func deliveryTitles(t *testing.T, f *fixture) []string {
	ds, err := f.outbox.Deliveries(t.Context(), notify.DeliveryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ds) - 1; i >= 0; i-- {
		out = append(out, ds[i].Message.Title)
	}
	return out
}

func TestForDelaysFiring(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	if _, err := f.svc.UpdateRule(ctx, alert.Rule{ID: "default", Enabled: true, MinSeverity: incident.SeverityWarning, For: 10 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	f.feed.put(spike("inc-3", 1))
	f.step(t)
	a, err := f.svc.Alert(ctx, alertIDOf(t, f, "inc-3"))
	if err != nil {
		t.Fatal(err)
	}
	if a.State != alert.Pending || len(f.keys(t)) != 0 {
		t.Fatalf("before For: %s with %d messages, want pending and none", a.State, len(f.keys(t)))
	}
	f.clock.Advance(10 * time.Minute)
	f.step(t)
	if d := cmp.Diff([]string{alert.MessageKey(a.ID, 1)}, f.keys(t)); d != "" {
		t.Errorf("after For (-want +got):\n%s", d)
	}
	// An incident that resolves while its alert is pending never notifies.
	inc := spike("inc-4", 1)
	inc.OpenedAt = f.clock.Now()
	f.feed.put(inc)
	f.step(t)
	inc.Status = incident.StatusResolved
	f.feed.put(inc)
	f.step(t)
	if n := len(f.keys(t)); n != 1 {
		t.Errorf("a pending alert that resolved notified: %d messages", n)
	}
}

func TestReplicasAndReplaysNotifyOnce(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(e.Name, func(t *testing.T) {
			f := newFixture(t, e.Open(t))
			for i := range 5 {
				f.feed.put(spike(fmt.Sprintf("inc-r%d", i), 1))
			}
			replicas := []*alert.Service{f.svc, f.service(), f.service()}
			var wg sync.WaitGroup
			for _, r := range replicas {
				wg.Go(func() {
					if err := r.Step(t.Context()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			// A replica that crashed before moving the cursor reads the feed again.
			if err := f.db.SetAlertCursor(t.Context(), "engine", 5, 0, t0); err != nil {
				t.Fatal(err)
			}
			f.step(t)
			keys := f.keys(t)
			if len(keys) != 5 {
				t.Errorf("5 incidents, 3 replicas and a replay enqueued %d messages, want 5: %v", len(keys), keys)
			}
		})
	}
}

func TestRulesNarrow(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	if err := f.svc.DeleteRule(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []alert.Rule{
		{ID: "tier1", Enabled: true, Selector: map[string]string{"tier": "1"}, MinSeverity: incident.SeverityCritical},
		{ID: "owner", Enabled: true, Owner: "payments", Series: "http_*"},
		{ID: "other-owner", Enabled: true, Owner: "group:default/search"},
		{ID: "kinds", Enabled: true, Kinds: []string{"API"}},
		{ID: "labels", Enabled: true, Labels: map[string]string{"env": "prod"}},
		{ID: "off", Enabled: false},
		{ID: "events-only", Enabled: true, Sources: []string{"events"}},
	} {
		if _, err := f.svc.CreateRule(ctx, r); err != nil {
			t.Fatalf("create %s: %v", r.ID, err)
		}
	}
	f.feed.put(spike("inc-5", 1))
	f.step(t)
	as, err := f.svc.Alerts(ctx, alert.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, a := range as {
		rules = append(rules, a.RuleID)
	}
	if d := cmp.Diff([]string{"owner"}, rules); d != "" {
		t.Errorf("rules that alerted (-want +got):\n%s", d)
	}
}

func TestEditedRuleAppliesToItsAlerts(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := t.Context()
	f.feed.put(spike("inc-e", 1))
	f.step(t)
	if _, err := f.svc.UpdateRule(ctx, alert.Rule{ID: "default", Enabled: true, Repeat: time.Hour}); err != nil {
		t.Fatal(err)
	}
	f.feed.put(spike("inc-e", 2))
	f.step(t)
	f.clock.Advance(time.Hour)
	f.step(t)
	id := alertIDOf(t, f, "inc-e")
	if d := cmp.Diff([]string{alert.MessageKey(id, 1), alert.MessageKey(id, 2)}, f.keys(t)); d != "" {
		t.Errorf("with the repeat cut to 1h (-want +got):\n%s", d)
	}
}

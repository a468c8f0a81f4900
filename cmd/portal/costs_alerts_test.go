package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// demoCosts loads the demo organisation into a fresh store and imports its cost history
// (ending the day before end) through the finops service.
func demoCosts(t *testing.T, db *store.DB, end time.Time, spike *demo.Spike) *finops.Service {
	t.Helper()
	ctx := auth.NewContext(t.Context(), auth.System())
	dir := t.TempDir()
	root, err := demo.Extract(filepath.Join(dir, "demo"))
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewService(db, []string{dir})
	if _, _, err := cat.Import(ctx, root); err != nil {
		t.Fatal(err)
	}
	costs := finops.NewService(db, finops.ServiceOptions{Catalog: finops.CatalogOf(cat)})
	costCatalogs.Store(costs, cat)
	var buf bytes.Buffer
	if _, err := demo.WriteCosts(&buf, demo.CostOptions{End: end, Seed: 1, Spike: spike}); err != nil {
		t.Fatal(err)
	}
	rep, err := costs.Import(ctx, &buf, finops.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected != 0 {
		t.Fatalf("demo history: %d rows rejected: %+v", rep.Rejected, rep.Rejects)
	}
	return costs
}

// costCatalogs remembers the catalog demoCosts built each service on.
var costCatalogs sync.Map

func costCatalogFor(t *testing.T, costs *finops.Service) *catalog.Service {
	t.Helper()
	c, ok := costCatalogs.Load(costs)
	if !ok {
		t.Fatal("no catalog for this cost service")
	}
	return c.(*catalog.Service)
}

// webhookReceiver records the bodies a generic webhook channel posts.
type webhookReceiver struct {
	mu     sync.Mutex
	bodies []notify.Message
}

func (r *webhookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	var m notify.Message
	if err := json.Unmarshal(b, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.bodies = append(r.bodies, m)
	r.mu.Unlock()
}

// httptestServer serves h until the test ends and returns its URL.
func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func field(m notify.Message, name string) string {
	for _, f := range m.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// TestCostSpikeAlertsOnce injects the demo history's spike and checks that the cost check,
// run twice with the outbox delivering after each, posts exactly one cost alert to a local
// webhook, naming the entity, its owner and the resource that moved most.
func TestCostSpikeAlertsOnce(t *testing.T) {
	db := storetest.SQLite(t)
	end := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	costs := demoCosts(t, db, end, nil)
	recv := &webhookReceiver{}
	out := newTestOutbox(t, db, recv)
	ctx := auth.NewContext(context.Background(), auth.System())
	al := finops.NewAlerter(costs, nil, out, finops.AlertOptions{Now: func() time.Time { return end.Add(9 * time.Hour) }})
	for range 2 {
		if _, err := al.Check(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := out.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.bodies) != 1 {
		for _, m := range recv.bodies {
			t.Logf("got %s: %s", m.Key, m.Title)
		}
		t.Fatalf("webhook got %d cost alerts, want exactly 1", len(recv.bodies))
	}
	m := recv.bodies[0]
	t.Logf("%s\n%s\n%+v", m.Title, m.Text, m.Fields)
	if m.Kind != "cost" || m.Key != "cost:spike:component:default/checkout-service:2026-11-28" {
		t.Errorf("alert kind %q key %q", m.Kind, m.Key)
	}
	if got := field(m, "Entity"); got != "component:default/checkout-service" {
		t.Errorf("Entity field %q", got)
	}
	if got := field(m, "Owner"); got != "group:default/checkout-team" {
		t.Errorf("Owner field %q", got)
	}
	if got := field(m, "Top moving resource"); !strings.HasPrefix(got, demo.Spiked+" ") {
		t.Errorf("Top moving resource %q, want the spiked %s", got, demo.Spiked)
	}
	if !strings.Contains(m.Text, "checkout-service") || !strings.Contains(m.Text, demo.Spiked) {
		t.Errorf("text does not name the entity and resource:\n%s", m.Text)
	}
}

package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/store/storetest"
)

// envCatalog is finops' view of a test env's real catalog service, which exists only once
// the env is built.
type envCatalog struct{ svc **catalog.Service }

func (c envCatalog) AllocationEntities(ctx context.Context) ([]finops.Entity, error) {
	return finops.CatalogOf(*c.svc).AllocationEntities(ctx)
}

func (c envCatalog) Visible(ctx context.Context, refs []string) (map[string]bool, error) {
	return finops.CatalogOf(*c.svc).Visible(ctx, refs)
}

// newCostsEnv is the auth env (entities of every visibility) with FinOps on a store of its own.
func newCostsEnv(t *testing.T, d api.Deps) *testEnv {
	t.Helper()
	var svc *catalog.Service
	d.FinOps = finops.NewService(storetest.New(t), finops.ServiceOptions{Catalog: envCatalog{&svc}, Logger: slog.New(slog.DiscardHandler)})
	env := newAuthEnv(t, d)
	svc = env.svc
	return env
}

// costsCSV has a row of open-svc (public), internal-svc, secret-svc (restricted to
// team-secret) and an untagged one, on 2026-03-02, in USD, and one of open-svc in EUR.
const costsCSV = `BilledCost,EffectiveCost,BillingCurrency,ChargePeriodStart,BillingPeriodStart,ProviderName,BillingAccountId,ServiceName,ResourceId,Tags
1.25,1.00,USD,2026-03-02 10:00:00,2026-03-01 00:00:00,AWS,acct,Amazon EC2,i-open,"{""application"": ""open-svc""}"
2.50,2.00,USD,2026-03-02 11:00:00,2026-03-01 00:00:00,AWS,acct,Amazon RDS,db-internal,"{""app"": ""internal-svc""}"
4.00,4.00,USD,2026-03-02 12:00:00,2026-03-01 00:00:00,AWS,acct,Amazon S3,bucket-secret,"{""application"": ""secret-svc""}"
8.00,8.00,USD,2026-03-02 13:00:00,2026-03-01 00:00:00,AWS,acct,Amazon S3,bucket-nobody,NULL
3.00,3.00,EUR,2026-03-02 14:00:00,2026-03-01 00:00:00,AWS,acct,Amazon EC2,i-open-eu,"{""application"": ""open-svc""}"
`

type costsAnswer struct {
	Items []struct {
		Day, Key, Currency string
		BilledCost         float64
		EffectiveCost      float64
	}
	NextOffset *int
}

func getCosts(t *testing.T, env *testEnv, who, url string) costsAnswer {
	t.Helper()
	w := env.doAs(who, http.MethodGet, url, "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s as %s = %d %s", url, who, w.Code, w.Body)
	}
	var a costsAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCostsImportAndVisibility(t *testing.T) {
	env := newCostsEnv(t, api.Deps{})
	for range 2 { // the second import replaces the first
		w := env.doAs(asDeveloper, http.MethodPost, "/api/v1/costs/import", costsCSV)
		if w.Code != http.StatusOK {
			t.Fatalf("import = %d %s", w.Code, w.Body)
		}
		var rep finops.ImportReport
		if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Accepted != 5 || rep.Rejected != 0 {
			t.Fatalf("import report = %+v, want 5 accepted", rep)
		}
	}
	const url = "/api/v1/costs?group_by=entity&from=2026-03-01&to=2026-03-05"
	keys := func(a costsAnswer) map[string]float64 {
		m := map[string]float64{}
		for _, it := range a.Items {
			m[it.Key+" "+it.Currency] += it.BilledCost
		}
		return m
	}
	tests := []struct {
		who  string
		want map[string]float64
	}{
		{asAdmin, map[string]float64{"component:default/open-svc USD": 1.25, "component:default/open-svc EUR": 3,
			"component:default/internal-svc USD": 2.5, "component:default/secret-svc USD": 4, " USD": 8}},
		// Developers see the unallocated bucket; nobody outside team-secret sees secret-svc.
		{asDeveloper, map[string]float64{"component:default/open-svc USD": 1.25, "component:default/open-svc EUR": 3,
			"component:default/internal-svc USD": 2.5, " USD": 8}},
		{asViewer, map[string]float64{"component:default/open-svc USD": 1.25, "component:default/open-svc EUR": 3,
			"component:default/internal-svc USD": 2.5}},
		// The owner is a developer of team-secret: it sees secret-svc's cost.
		{asOwner, map[string]float64{"component:default/open-svc USD": 1.25, "component:default/open-svc EUR": 3,
			"component:default/internal-svc USD": 2.5, "component:default/secret-svc USD": 4, " USD": 8}},
	}
	for _, tt := range tests {
		got := keys(getCosts(t, env, tt.who, url))
		if len(got) != len(tt.want) {
			t.Errorf("as %s: %v, want %v", tt.who, got, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("as %s: %q = %v, want %v (all: %v)", tt.who, k, got[k], v, got)
			}
		}
	}
	// Grouped by service, a viewer's sums leave out what it may not see.
	byService := keys(getCosts(t, env, asViewer, "/api/v1/costs?group_by=service&from=2026-03-01&to=2026-03-05"))
	if byService["Amazon S3 USD"] != 0 || byService["Amazon EC2 USD"] != 1.25 {
		t.Errorf("viewer by service = %v, want no S3 and EC2 1.25 USD", byService)
	}
	// No cost route names what a viewer may not see.
	for _, path := range []string{
		"/api/v1/costs?group_by=resource&from=2026-03-01&to=2026-03-05",
		"/api/v1/costs?group_by=entity&filter=entity=component:default/secret-svc&from=2026-03-01&to=2026-03-05",
		"/api/v1/costs/movers?by=resource&from=2026-03-02&to=2026-03-03",
		"/api/v1/costs/movers?by=entity&from=2026-03-02&to=2026-03-03",
		"/api/v1/costs/showback?owner=group:default/team-secret&from=2026-03-02&to=2026-03-03",
	} {
		w := env.doAs(asViewer, http.MethodGet, path, "")
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s", path, w.Code, w.Body)
		}
		for _, h := range []string{"secret-svc\"", "bucket-secret", "bucket-nobody", "\"effectiveCost\":4"} {
			if strings.Contains(w.Body.String(), h) {
				t.Errorf("GET %s as a viewer names %s: %s", path, h, w.Body)
			}
		}
	}
	// Paging.
	page := getCosts(t, env, asAdmin, url+"&limit=2")
	if len(page.Items) != 2 || page.NextOffset == nil || *page.NextOffset != 2 {
		t.Errorf("limit=2 gave %d items, next %v", len(page.Items), page.NextOffset)
	}
	// CSV.
	w := env.doAs(asAdmin, http.MethodGet, url+"&format=csv", "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(w.Body.String(), "day,entity,currency,billed_cost,effective_cost\n2026-03-02,,USD,8,8\n") {
		t.Errorf("CSV = %d %s\n%s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}

func TestCostsBadInput(t *testing.T) {
	env := newCostsEnv(t, api.Deps{})
	tests := []struct {
		method, url, body string
		want              string
	}{
		{"GET", "/api/v1/costs?group_by=colour", "", "group_by"},
		{"GET", "/api/v1/costs?filter=owner", "", "key=value"},
		{"GET", "/api/v1/costs?filter=colour=red", "", "filter key"},
		{"GET", "/api/v1/costs?from=yesterday", "", "from"},
		{"GET", "/api/v1/costs?from=2026-03-05&to=2026-03-01", "", "after"},
		{"GET", "/api/v1/costs?limit=100000", "", "limit"},
		{"GET", "/api/v1/costs/showback", "", "owner"},
		{"GET", "/api/v1/costs/movers?by=colour", "", "group_by"},
		{"POST", "/api/v1/costs/import", "a,b\n1,2\n", "missing column"},
		{"POST", "/api/v1/costs/import", "", "empty"},
	}
	for _, tt := range tests {
		w := env.doAs(asAdmin, tt.method, tt.url, tt.body)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("%s %s = %d %s, want 400 naming %q", tt.method, tt.url, w.Code, w.Body, tt.want)
		}
	}
}

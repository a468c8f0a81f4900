package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// newBudgetsEnv is a test env over the demo organisation with its year of cost history
// (ending yesterday) imported, and budgets, forecasts and recommendations on.
func newBudgetsEnv(t *testing.T) *testEnv {
	t.Helper()
	db := storetest.New(t)
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
	costs := finops.NewService(db, finops.ServiceOptions{Catalog: finops.CatalogOf(cat), Logger: slog.New(slog.DiscardHandler)})
	var buf bytes.Buffer
	if _, err := demo.WriteCosts(&buf, demo.CostOptions{End: time.Now(), Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := costs.Import(ctx, &buf, finops.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	budgets := finops.NewBudgets(db, costs, finops.BudgetOptions{Catalog: finops.CatalogOf(cat)})
	advice := finops.NewRecommender(costs, finops.StatusesOf(cat), nil)
	return newTestEnvOn(t, db, api.Deps{FinOps: costs, Budgets: budgets, CostAdvice: advice})
}

func TestBudgetsAPI(t *testing.T) {
	env := newBudgetsEnv(t)
	const team = "group:default/checkout-team"
	w := env.doAs(asDeveloper, "POST", "/api/v1/budgets", `{"entity_ref":"`+team+`","amount":9000,"currency":"usd"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("create budget: %d %s", w.Code, w.Body)
	}
	var b finops.Budget
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || b.ID == "" || b.Currency != "USD" || b.Amount != 9000 {
		t.Fatalf("created %+v (%v)", b, err)
	}
	if w := env.doAs(asDeveloper, "POST", "/api/v1/budgets", `{"entity_ref":"`+team+`","amount":1}`); w.Code != http.StatusConflict {
		t.Errorf("second standing budget: %d %s", w.Code, w.Body)
	}
	bad := []string{
		`{"entity_ref":"` + team + `","amount":-5}`,
		`{"entity_ref":"` + team + `","amount":5,"month":"2026-13"}`,
		`{"entity_ref":"not a ref","amount":5}`,
		`{"entity_ref":"` + team + `","amount":5,"currency":"dollars"}`,
		`{"entity_ref":"` + team + `","amount":5,"colour":"red"}`,
		`[1,2]`,
	}
	for _, body := range bad {
		w := env.doAs(asDeveloper, "POST", "/api/v1/budgets", body)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Header().Get("Content-Type"), "json") {
			t.Errorf("POST %s: %d %s, want 400 with a JSON problem", body, w.Code, w.Body)
		}
	}
	if w := env.doAs(asViewer, "POST", "/api/v1/budgets", `{"entity_ref":"`+team+`","amount":5,"month":"2027-01"}`); w.Code != http.StatusForbidden {
		t.Errorf("viewer creates a budget: %d", w.Code)
	}
	var list struct{ Budgets []finops.Budget }
	env.getJSON("/api/v1/budgets?entity="+team, &list)
	if len(list.Budgets) != 1 || list.Budgets[0].ID != b.ID {
		t.Errorf("list after bad requests: %+v; want only the one budget", list.Budgets)
	}
	if w := env.doAs(asDeveloper, "PUT", "/api/v1/budgets/"+b.ID, `{"amount":12000,"currency":"USD"}`); w.Code != http.StatusOK {
		t.Errorf("update: %d %s", w.Code, w.Body)
	}
	w = env.doAs(asViewer, "GET", "/api/v1/costs/budget-status?entity="+team, "")
	if w.Code != http.StatusOK {
		t.Fatalf("status: %d %s", w.Code, w.Body)
	}
	var st struct{ Statuses []finops.BudgetStatus }
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil || len(st.Statuses) != 1 {
		t.Fatalf("status %s (%v)", w.Body, err)
	}
	s := st.Statuses[0]
	if s.Budget.Amount != 12000 || s.Projected <= s.Actual || s.Model == "" || s.High <= s.Projected {
		t.Errorf("status %+v: want the updated amount and a forecast of the rest of the month", s)
	}
	w = env.doAs(asViewer, "GET", "/api/v1/costs/forecast?owner="+team+"&horizon=14", "")
	var o finops.Outlook
	if err := json.Unmarshal(w.Body.Bytes(), &o); w.Code != 200 || err != nil || len(o.Forecast.Point) != 14 || len(o.History) != 180 || o.Backtest.Chosen == "" {
		t.Errorf("forecast: %d, %d points, %d days of history, chosen %q (%v)", w.Code, len(o.Forecast.Point), len(o.History), o.Backtest.Chosen, err)
	}
	if w := env.doAs(asViewer, "GET", "/api/v1/costs/forecast?owner="+team+"&horizon=9999", ""); w.Code != http.StatusBadRequest {
		t.Errorf("horizon 9999: %d", w.Code)
	}
	w = env.doAs(asViewer, "GET", "/api/v1/costs/recommendations", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "legacy-payments-gateway") || !strings.Contains(w.Body.String(), `"kind":"new-service"`) {
		t.Errorf("recommendations: %d %.500s", w.Code, w.Body)
	}
	if w := env.doAs(asDeveloper, "DELETE", "/api/v1/budgets/"+b.ID, ""); w.Code != http.StatusNoContent {
		t.Errorf("delete: %d %s", w.Code, w.Body)
	}
	if w := env.doAs(asViewer, "GET", "/api/v1/budgets/"+b.ID, ""); w.Code != http.StatusNotFound {
		t.Errorf("get deleted: %d", w.Code)
	}
}

func TestCostsPage(t *testing.T) {
	env := newBudgetsEnv(t)
	if w := env.doAs(asAdmin, "POST", "/api/v1/budgets", `{"entity_ref":"group:default/checkout-team","amount":11000}`); w.Code != http.StatusCreated {
		t.Fatalf("budget: %d %s", w.Code, w.Body)
	}
	w := env.doAs(asViewer, "GET", "/costs/group/default/checkout-team", "")
	if w.Code != 200 {
		t.Fatalf("team cost page: %d %.500s", w.Code, w.Body)
	}
	page := w.Body.String()
	for _, want := range []string{"<svg", "forecast (", "95% interval", "budget per day", "Top movers", "checkout-service-asg", "Unallocated spend", "of budget"} {
		if !strings.Contains(page, want) {
			t.Errorf("team cost page lacks %q", want)
		}
	}
	w = env.doAs(asViewer, "GET", "/costs/component/default/payments-api", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<svg") || strings.Contains(w.Body.String(), "of budget") {
		t.Errorf("component cost page: %d (want a chart and no budget)", w.Code)
	}
	if w := env.doAs(asViewer, "GET", "/costs/component/default/nope", ""); w.Code != http.StatusNotFound {
		t.Errorf("unknown entity: %d", w.Code)
	}
}

func TestEntityPageLinksCosts(t *testing.T) {
	env := newBudgetsEnv(t)
	w := env.doAs(asViewer, "GET", "/catalog/default/component/checkout-service", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `href="/costs/Component/default/checkout-service"`) {
		t.Fatalf("entity page: %d, want a link to its cost page", w.Code)
	}
	if w := env.doAs(asViewer, "GET", "/costs/Component/default/checkout-service", ""); w.Code != 200 || !strings.Contains(w.Body.String(), "<svg") {
		t.Errorf("the linked cost page: %d", w.Code)
	}
}

package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestCostsPageBrowser opens a team's cost page in Chromium: the chart is drawn (an SVG of
// real size with the forecast band), and the movers table names the spiking resource.
func TestCostsPageBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	env := newBudgetsEnv(t)
	if w := env.doAs(asAdmin, "POST", "/api/v1/budgets", `{"entity_ref":"group:default/checkout-team","amount":11000}`); w.Code != 201 {
		t.Fatalf("budget: %d %s", w.Code, w.Body)
	}
	srv := httptest.NewServer(env.demo)
	t.Cleanup(srv.Close)
	ctx := newTestBrowser(t, 30*time.Second)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/costs/group/default/checkout-team"),
		chromedp.WaitVisible(chromedp.CSS(`#cost-chart svg`)),
	)
	if err != nil {
		t.Fatalf("cost page: %v", err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#cost-chart svg").getBoundingClientRect().width`))
	if err != nil {
		t.Fatal(err)
	}
	movers, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#movers-resource`)))
	if err != nil {
		t.Fatal(err)
	}
	budget, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#cost-budget`)))
	if err != nil {
		t.Fatal(err)
	}
	if width < 300 {
		t.Errorf("chart is %.0f px wide", width)
	}
	if !strings.Contains(movers, "checkout-service-asg") {
		t.Errorf("movers table %q lacks the spiking resource", movers)
	}
	if !strings.Contains(budget, "11000.00 USD") || !strings.Contains(budget, "projected") {
		t.Errorf("budget line %q", budget)
	}
}

package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nextportal/portal/internal/testenv"
)

// chromiumPath finds Debian's chromium. Without it the test skips, except under CI=true,
// where a missing browser must not pass silently.
func chromiumPath(t *testing.T) string {
	t.Helper()
	return testenv.LookPath(t, "the browser test needs it (scripts/install-chromium.sh)",
		"/usr/bin/chromium", "chromium", "chromium-browser")
}

// newTestBrowser starts a headless Chromium that stays off the network, and returns a tab's
// context, bounded by timeout.
func newTestBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

func TestUIBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	srv := httptest.NewServer(newUITestServer(t, uiCatalogFiles))
	t.Cleanup(srv.Close)
	ctx := newTestBrowser(t, 20*time.Second)

	const (
		checkoutRow = `#results a.entity-link[href="/catalog/default/component/checkout-web"]`
		paymentsRow = `#results a.entity-link[href="/catalog/default/component/payments-api"]`
	)
	// The catalog lists everything; typing in the search box narrows the table in place.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(checkoutRow)),
		chromedp.WaitVisible(chromedp.CSS(paymentsRow)),
		chromedp.SendKeys(chromedp.CSS(`#catalog-filters input[name="q"]`), "paym"),
		chromedp.WaitNotPresent(chromedp.CSS(checkoutRow)),
		chromedp.WaitVisible(chromedp.CSS(paymentsRow)),
	)
	if err != nil {
		t.Fatalf("search as you type: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/catalog?q=paym") {
		t.Errorf("location after typing = %q, want it to end in /catalog?q=paym", loc)
	}

	// Clicking the row opens the entity page with its relations and YAML.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(paymentsRow)),
		chromedp.WaitVisible(chromedp.CSS("#relations")),
	)
	if err != nil {
		t.Fatalf("open entity page: %v", err)
	}
	relations, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#relations")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"providesApi", "api:default/payments", "ownedBy", "group:default/team-payments", "api:default/does-not-exist (unresolved)"} {
		if !strings.Contains(relations, want) {
			t.Errorf("relations section lacks %q:\n%s", want, relations)
		}
	}
	yaml, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#yaml pre")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(yaml, "kind: Component") || !strings.Contains(yaml, "name: payments-api") {
		t.Errorf("yaml section:\n%s", yaml)
	}

	// A relation is a link to the related entity's page.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#relations a[href="/catalog/default/api/payments"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#overview`)),
	)
	if err != nil {
		t.Fatalf("follow relation: %v", err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "payments" {
		t.Errorf("heading after following providesApi = %q, want payments", heading)
	}

	// Changing a select applies it at once; Enter in the search box submits with a clean URL.
	err = chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(checkoutRow)),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.querySelector('select[name="kind"]');
			s.value = 'Component';
			s.dispatchEvent(new Event('change', {bubbles: true}));
		})()`),
		chromedp.WaitReady(chromedp.CSS(`select[name="kind"] option[value="Component"][selected]`)),
		// The reloaded page's catalog.js marks the form once its submit handler is on.
		chromedp.WaitReady(chromedp.CSS(`#catalog-filters.js`)),
		chromedp.SendKeys(chromedp.CSS(`#catalog-filters input[name="q"]`), "pay\n"),
		chromedp.WaitVisible(chromedp.CSS(`#catalog-filters input[name="q"][value="pay"]`)),
		chromedp.WaitVisible(chromedp.CSS(paymentsRow)),
	)
	if err != nil {
		t.Fatalf("filter and submit: %v", err)
	}
	if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/catalog?q=pay&kind=Component") {
		t.Errorf("location after submitting = %q, want it to end in /catalog?q=pay&kind=Component", loc)
	}
}

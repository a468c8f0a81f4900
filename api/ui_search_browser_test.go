package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUISearchBrowser drives the search page in headless Chromium: results appear as the
// user types, with the matches marked; a facet adds a chip and narrows the results in
// place; removing the chip widens them again; "did you mean" runs the suggested search.
func TestUISearchBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	env := newSearchEnv(t)
	srv := httptest.NewServer(env.demo)
	t.Cleanup(srv.Close)
	ctx := newTestBrowser(t, 30*time.Second)

	const (
		box         = `#search-form input[name="q"]`
		serviceHit  = `#results a.result-title[href="/catalog/default/component/payments-api"]`
		runbookHit  = `#results a.result-title[href^="/docs/default/component/payments-api/docs/runbook.md"]`
		techdocsTab = `#search-facets section[data-field="source"] a.facet-value[href*="source%3Atechdocs"]`
		chip        = `#search-chips .chip`
	)
	// Typing searches in place: the matches come back marked, and the URL follows.
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/search"),
		chromedp.WaitVisible(chromedp.CSS(`#search-form.js`)),
		chromedp.SendKeys(chromedp.CSS(box), "refunds"),
		chromedp.WaitVisible(chromedp.CSS(`#results mark`)),
		chromedp.WaitVisible(chromedp.CSS(serviceHit)),
		chromedp.WaitVisible(chromedp.CSS(runbookHit)),
	)
	if err != nil {
		t.Fatalf("search as you type: %v", err)
	}
	mark, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#results mark`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.ToLower(mark), "refund") {
		t.Errorf("first mark = %q, want a form of refunds", mark)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/search?q=refunds") {
		t.Errorf("location after typing = %q, want it to end in /search?q=refunds", loc)
	}

	// A facet becomes a chip and narrows the results to docs.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(techdocsTab)),
		chromedp.WaitVisible(chromedp.CSS(chip)),
		chromedp.WaitNotPresent(chromedp.CSS(serviceHit)),
		chromedp.WaitVisible(chromedp.CSS(runbookHit)),
	)
	if err != nil {
		t.Fatalf("click a facet: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(chip)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "source: techdocs") {
		t.Errorf("chip = %q, want source: techdocs", text)
	}
	if loc, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/search?filter=source%3Atechdocs&q=refunds") {
		t.Errorf("location after the facet = %q", loc)
	}

	// A reload shows the same search, rendered by the server.
	err = chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(chip)),
		chromedp.WaitVisible(chromedp.CSS(runbookHit)),
	)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(box))); err != nil || v != "refunds" {
		t.Errorf("search box after reload = %q, %v; want refunds", v, err)
	}

	// Removing the chip widens the results again.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(chip+` .chip-remove`)),
		chromedp.WaitNotPresent(chromedp.CSS(chip)),
		chromedp.WaitVisible(chromedp.CSS(serviceHit)),
	)
	if err != nil {
		t.Fatalf("remove the chip: %v", err)
	}

	// "Did you mean" runs the suggested search.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+box+`').value = ''`),
		chromedp.SendKeys(chromedp.CSS(box), "ledgr"),
		chromedp.WaitVisible(chromedp.CSS(`#results .did-you-mean a`)),
		chromedp.Click(chromedp.CSS(`#results .did-you-mean a`)),
		chromedp.WaitVisible(chromedp.CSS(`#results a.result-title[href="/catalog/default/component/ledger"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#results .did-you-mean`)),
	)
	if err != nil {
		t.Fatalf("did you mean: %v", err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(box))); err != nil || v != "ledger" {
		t.Errorf("search box after did-you-mean = %q, %v; want ledger", v, err)
	}
}

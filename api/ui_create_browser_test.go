package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nextportal/portal/api"
)

// TestCreateBrowser fills the form of Backstage's create-app template in a headless
// Chromium (page by page, with a validation message on the way), submits it, and watches
// the task page stream the log to completion and show the output links.
func TestCreateBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	env, svc := newScaffolderEnv(t)
	demo := api.NewServer(api.Deps{Catalog: env.svc, Auth: env.auth, Scaffolder: svc, Demo: true, Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(demo)
	t.Cleanup(srv.Close)
	workCtx, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { svc.Work(workCtx) })
	t.Cleanup(func() { stopWork(); wg.Wait() })

	ctx := newTestBrowser(t, 30*time.Second)
	card := `a[href="/create/templates/default/example-nodejs-template"]`
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/create"),
		chromedp.WaitVisible(chromedp.CSS(card)),
		chromedp.Click(chromedp.CSS(card)),
		chromedp.WaitVisible(chromedp.CSS(`#field-name`)),
		// Next with the required name empty shows a message and stays on the page.
		chromedp.Click(chromedp.CSS(`#create-next`)),
		chromedp.WaitVisible(chromedp.CSS(`#field-name-error`)),
	)
	if err != nil {
		t.Fatalf("open the form: %v", err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text("#field-name-error"))
	if err != nil || !strings.Contains(msg, "required") {
		t.Errorf("validation message = %q, %v", msg, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#field-name`), "browser-made"),
		chromedp.Click(chromedp.CSS(`#create-next`)),
		chromedp.WaitVisible(chromedp.CSS(`#field-repoUrl`)),
		chromedp.SendKeys(chromedp.CSS(`#field-repoUrl`), "acme"),
		chromedp.SendKeys(chromedp.CSS(`#field-repoUrl-repo`), "browser-made"),
		chromedp.Click(chromedp.CSS(`#create-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#task-log li`)),
		chromedp.WaitVisible(chromedp.CSS(`#task[data-status="completed"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#task-links a`)),
	)
	if err != nil {
		log, _ := chromedp.Run(ctx, chromedp.Text("#main"))
		t.Fatalf("submit and watch the task: %v\npage: %s", err, log)
	}
	log, err := chromedp.Run(ctx, chromedp.Text("#task-log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Beginning step Fetch Base", "Published to file://", "Finished step Register", "Run completed with status: completed"} {
		if !strings.Contains(log, want) {
			t.Errorf("task log lacks %q:\n%s", want, log)
		}
	}
	links, err := chromedp.Run(ctx, chromedp.Text("#task-links"))
	if err != nil || !strings.Contains(links, "component:default/browser-made") {
		t.Errorf("output links = %q, %v", links, err)
	}
}

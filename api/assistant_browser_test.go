package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nextportal/portal/auth"
)

// TestChatPanelBrowser signs in with a password (a session, so requests carry the CSRF
// token), opens the chat panel from the catalog page with Alt+A, asks, watches the answer
// arrive in pieces, follows a citation to the owner's page, where the panel comes back
// with the conversation, follows up there, rates the answer, starts a new chat whose answer
// shows nothing of a restricted entity, and closes the panel with Escape.
func TestChatPanelBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	env, db := newAssistantEnv(t)
	if _, err := env.auth.AddUser(t.Context(), auth.NewUser{Name: "pw-user", Role: auth.RoleViewer, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(env.srv)
	t.Cleanup(srv.Close)
	ctx := newTestBrowser(t, 120*time.Second)

	const (
		opener    = `#chat-open`
		input     = `#chat-input`
		ownerCite = `#chat-log .chat-turn:nth-of-type(1) .chat-text a.chat-cite[href="/catalog/default/group/team-payments"]`
	)
	// Start the browser on ctx, so that a step's own deadline does not close it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	step, cancelStep := context.WithTimeout(ctx, 60*time.Second)
	defer cancelStep()
	err := chromedp.Do(step,
		chromedp.Navigate(srv.URL+"/login?next=/catalog"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "pw-user"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword+"\n"),
		chromedp.WaitVisible(chromedp.CSS(opener)),
		chromedp.WaitReady(chromedp.CSS(`#chat-panel[data-ready="true"]`)), // chat.js listens for Alt+A
		// Count the pieces of answer text as they arrive, to see that the answer streams.
		chromedp.Evaluate[chromedp.Void](`(() => {
			window.pieces = 0;
			new MutationObserver((ms) => {
				for (const m of ms) if (m.target.classList && m.target.classList.contains('chat-text') &&
					m.target.closest('.chat-a[aria-busy="true"]')) window.pieces += m.addedNodes.length;
			}).observe(document.getElementById('chat-log'), {childList: true, subtree: true});
		})()`),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierAlt)),
		chromedp.WaitVisible(chromedp.CSS(input)),
		chromedp.SendKeys(chromedp.CSS(input), "who owns payments-api?\n"),
		chromedp.WaitVisible(chromedp.CSS(ownerCite)),
	)
	if err != nil {
		t.Fatalf("ask in the panel: %v; the page shows: %s", err, pageText(ctx))
	}
	pieces, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.pieces`))
	if err != nil {
		t.Fatal(err)
	}
	if pieces < 2 {
		t.Errorf("the answer arrived in %d piece(s), want it streamed in several", pieces)
	}
	answer, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#chat-log .chat-turn:nth-of-type(1) .chat-text`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answer, "Payments Team") || !strings.Contains(answer, "[1]") {
		t.Errorf("answer in the panel = %q, want it to name Payments Team with markers", answer)
	}

	// The citation opens the owner's page; the panel is open there with the conversation.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(ownerCite)),
		chromedp.WaitVisible(chromedp.CSS(`#overview`)),
		chromedp.WaitVisible(chromedp.CSS(`#chat-log .chat-turn:nth-of-type(1) .chat-feedback`)),
	)
	if err != nil {
		t.Fatalf("follow the citation: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/catalog/default/group/team-payments") {
		t.Errorf("the citation opened %q, want the team-payments page", loc)
	}

	// A follow-up there continues the conversation: "that team" is team-payments.
	const second = `#chat-log .chat-turn:nth-of-type(2) .chat-a[aria-busy="false"]`
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(input), "and who is on that team?\n"),
		chromedp.WaitVisible(chromedp.CSS(second+` .chat-feedback`)),
	)
	if err != nil {
		t.Fatalf("follow up: %v", err)
	}
	followUp, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(second+` .chat-text`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(followUp, "Paula Payne") {
		t.Errorf("follow-up answer = %q, want it to name Paula Payne", followUp)
	}

	// Rate the follow-up down with a comment, by keyboard: type, then press the button.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(second+` .chat-feedback input`), "missing the on-call"),
		chromedp.Click(chromedp.CSS(second+` .chat-rate[data-rating="down"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('`+second+` .chat-feedback-status').textContent.startsWith('Thanks')`),
	)
	if err != nil {
		t.Fatalf("rate the answer: %v", err)
	}
	conv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.parse(sessionStorage.getItem('portal.chat')).conversation`))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := db.FeedbackOf(t.Context(), conv)
	if err != nil {
		t.Fatal(err)
	}
	if len(fb) != 1 || fb[0].Turn != 1 || fb[0].Rating != -1 || fb[0].Comment != "missing the on-call" {
		t.Errorf("stored feedback = %+v, want the follow-up rated down with the comment", fb)
	}

	// A new chat about payments-api's dependencies shows nothing of the restricted
	// zebracrypt it depends on: pw-user, a viewer outside team-secret, may not see it.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#chat-new`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#chat-log .chat-turn`)),
		chromedp.SendKeys(chromedp.CSS(input), "what does payments-api depend on?\n"),
		chromedp.WaitVisible(chromedp.CSS(`#chat-log .chat-turn:nth-of-type(1) .chat-a[aria-busy="false"]`)),
	)
	if err != nil {
		t.Fatalf("ask about dependencies: %v", err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const a = document.querySelector('#chat-log .chat-a');
		return a.innerText + ' ' + [...a.querySelectorAll('a')].map((l) => l.href + ' ' + l.title).join(' ');
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shown, "payments-api") || hasSecret(shown) {
		t.Errorf("the panel's answer about payments-api's dependencies = %q, want it about payments-api and without zebracrypt", shown)
	}

	// Escape closes the panel and gives focus back to the Ask button.
	err = chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(input)),
		chromedp.KeyEvent("\x1b"),
		chromedp.WaitNotVisible(chromedp.CSS(`#chat-panel`)),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === 'chat-open'`),
	)
	if err != nil {
		t.Fatalf("close with Escape: %v", err)
	}
}

// pageText is the text of the page in the browser, for failure messages.
func pageText(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return text
}

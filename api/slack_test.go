package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant/slack"
)

// TestSlackRefusesUnsigned sends requests whose signature is wrong, stale, missing or
// replayed to each Slack route: every one is 401 and nothing is queued or answered.
func TestSlackRefusesUnsigned(t *testing.T) {
	env := newSlackEnv(t)
	body := `{"type":"url_verification","challenge":"c"}`
	good := slack.SignHeader(slackSecret, env.clock.Now(), []byte(body))
	stale := slack.SignHeader(slackSecret, env.clock.Now().Add(-6*time.Minute), []byte(body))
	wrong := slack.SignHeader("another-secret", env.clock.Now(), []byte(body))
	for _, path := range []string{"/slack/events", "/slack/commands", "/slack/interactions"} {
		for name, h := range map[string]http.Header{
			"wrong signature":   wrong,
			"stale timestamp":   stale,
			"missing headers":   {},
			"missing signature": {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]},
		} {
			r, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(body))
			for k, v := range h {
				r.Header[k] = v
			}
			w := env.serve(r)
			if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"message"`) {
				t.Errorf("%s with %s = %d %s, want 401 with a problem body", path, name, w.Code, w.Body)
			}
			if strings.Contains(w.Body.String(), slackSecret) {
				t.Errorf("%s with %s: the answer names the secret", path, name)
			}
		}
	}
	// The same signed request twice: the first is answered, the replay refused.
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized} {
		r, _ := http.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(body))
		for k, v := range good {
			r.Header[k] = v
		}
		if w := env.serve(r); w.Code != want {
			t.Errorf("signed request, send %d = %d %s, want %d", i+1, w.Code, w.Body, want)
		}
	}
	env.drain(env.bot, 1)
	if p := env.slack.Posts(); len(p) != 0 {
		t.Errorf("refused requests were answered: %+v", p)
	}
}

// TestSlackURLVerificationAndHelp checks the Events API handshake and /portal help.
func TestSlackURLVerificationAndHelp(t *testing.T) {
	env := newSlackEnv(t)
	w := env.signed("/slack/events", "application/json", `{"token":"x","type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`, nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`) {
		t.Errorf("url_verification = %d %s", w.Code, w.Body)
	}
	for _, text := range []string{"help", ""} {
		w := env.command(slackViewer, text)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "/portal ask") || !strings.Contains(w.Body.String(), `"ephemeral"`) {
			t.Errorf("/portal %q = %d %s, want the help text", text, w.Code, w.Body)
		}
	}
	env.drain(env.bot, 1)
	if p := env.slack.Posts(); len(p) != 0 {
		t.Errorf("help queued answers: %+v", p)
	}
}

// TestSlackCommandAndMentionAnswered is the end to end path: a slash command and an
// app_mention are acknowledged before anything is answered (the ack never waits for the
// assistant), then answered once each — the command at its response_url, the mention in
// its thread — with the answer, its sources linked to the portal, and feedback buttons.
// A follow-up in the thread continues the conversation, and a feedback click is stored.
func TestSlackCommandAndMentionAnswered(t *testing.T) {
	env := newSlackEnv(t)
	start := time.Now()
	w := env.command(slackViewer, "ask who owns payments-api?")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Looking that up") {
		t.Fatalf("/portal ask = %d %s", w.Code, w.Body)
	}
	env.mention("Ev100", slackViewer, "who owns payments-api?", "1700000000.000100", "", nil)
	t.Logf("both acknowledged in %v (the benchmark measures ack latency)", time.Since(start))
	if p := env.slack.Posts(); len(p) != 0 {
		t.Fatalf("answered before the worker ran: the ack must not wait for the answer: %+v", p)
	}
	env.drain(env.bot, 2)
	posts := env.slack.Posts()
	if len(posts) != 2 {
		t.Fatalf("got %d posts, want 2 (one per question): %+v", len(posts), posts)
	}
	cmd, mention := posts[0], posts[1]
	if cmd.Via != "response" || cmd.Channel != "1" {
		t.Errorf("the command's answer went to %s %s, want its response_url", cmd.Via, cmd.Channel)
	}
	if mention.Via != "chat" || mention.Channel != "C1" || mention.ThreadTS != "1700000000.000100" {
		t.Errorf("the mention's answer went to %s %s thread %q, want chat.postMessage in C1 thread 1700000000.000100",
			mention.Via, mention.Channel, mention.ThreadTS)
	}
	for _, p := range posts {
		for _, want := range []string{"team-payments", "<" + portalBase + "/catalog/default/component/payments-api|", "feedback_up", "feedback_down"} {
			if !strings.Contains(unescapeJSON(p.Blocks), want) {
				t.Errorf("%s answer lacks %q: %s", p.Via, want, p.Blocks)
			}
		}
		if strings.Contains(p.Blocks, "not linked to a portal account") {
			t.Errorf("a linked user was told to link their account: %s", p.Blocks)
		}
	}
	// A follow-up in the thread is the same conversation.
	env.mention("Ev101", slackViewer, "and who owns it?", "1700000000.000200", "1700000000.000100", nil)
	env.drain(env.bot, 1)
	posts = env.slack.Posts()
	if len(posts) != 3 || posts[2].ThreadTS != "1700000000.000100" || !strings.Contains(posts[2].Blocks, "team-payments") {
		t.Fatalf("follow-up answer = %+v, want one more post in the thread naming team-payments", posts[2:])
	}
	conv, turn := feedbackValue(t, posts[2].Blocks)
	if turn != "1" {
		t.Errorf("follow-up is turn %s of its conversation, want 1 (the thread's second)", turn)
	}
	// The feedback button stores the viewer's rating of that turn.
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": slackViewer},
		"team": map[string]any{"id": "T1"}, "actions": []map[string]any{{"block_id": "feedback", "action_id": "feedback_up", "value": conv + ":" + turn}}})
	if w := env.signed("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), nil); w.Code != http.StatusOK {
		t.Fatalf("feedback click = %d %s", w.Code, w.Body)
	}
	fb, err := env.db.FeedbackOf(t.Context(), conv)
	if err != nil || len(fb) != 1 || fb[0].Rating != 1 || fb[0].Turn != 1 {
		t.Errorf("stored feedback = %+v, %v; want one +1 on turn 1", fb, err)
	}
}

// unescapeJSON undoes the HTML escapes of encoding/json, so a test can look for links.
func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// feedbackValue returns the conversation and turn of an answer's feedback buttons.
func feedbackValue(t *testing.T, blocks string) (conv, turn string) {
	t.Helper()
	var bs []struct {
		Type     string `json:"type"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.ActionID == "feedback_up" {
				conv, turn, _ = strings.Cut(e.Value, ":")
				return conv, turn
			}
		}
	}
	t.Fatalf("no feedback button in %s", blocks)
	return "", ""
}

// TestSlackRetriedEventAnsweredOnce sends an event, then Slack's retries of it (same
// event_id, X-Slack-Retry-Num set, signed anew): one answer.
func TestSlackRetriedEventAnsweredOnce(t *testing.T) {
	env := newSlackEnv(t)
	env.mention("Ev200", slackViewer, "who owns payments-api?", "1700000001.000100", "", nil)
	for n := 1; n <= 2; n++ {
		env.clock.Advance(time.Second) // a retry is a new request, with a new signature
		env.mention("Ev200", slackViewer, "who owns payments-api?", "1700000001.000100", "", http.Header{"X-Slack-Retry-Num": {string(rune('0' + n))}})
	}
	env.drain(env.bot, 3)
	if p := env.slack.Posts(); len(p) != 1 {
		t.Errorf("a retried event was answered %d times, want once: %+v", len(p), p)
	}
}

// TestSlackIgnoresBots checks the bot answers neither itself nor other bots.
func TestSlackIgnoresBots(t *testing.T) {
	env := newSlackEnv(t)
	env.mention("Ev300", slackBotUser, "who owns payments-api?", "1700000002.000100", "", nil)
	bot, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev301",
		"event": map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "UOTHER", "bot_id": "B9",
			"text": "who owns payments-api?", "ts": "1700000002.000200"}})
	if w := env.signed("/slack/events", "application/json", string(bot), nil); w.Code != http.StatusOK {
		t.Fatalf("bot message: %d %s", w.Code, w.Body)
	}
	env.drain(env.bot, 1)
	if p := env.slack.Posts(); len(p) != 0 {
		t.Errorf("answered a bot: %+v", p)
	}
	// A person's direct message is answered, in its thread.
	dm, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev302",
		"event": map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": slackViewer,
			"text": "who owns payments-api?", "ts": "1700000002.000300"}})
	if w := env.signed("/slack/events", "application/json", string(dm), nil); w.Code != http.StatusOK {
		t.Fatalf("dm: %d %s", w.Code, w.Body)
	}
	env.drain(env.bot, 1)
	if p := env.slack.Posts(); len(p) != 1 || p[0].Channel != "D1" || p[0].ThreadTS != "1700000002.000300" {
		t.Errorf("dm answer = %+v, want one post in D1's thread", p)
	}
}

// TestSlackAPIFailsTwiceThenSucceeds makes Slack answer 500 to the first two posts: the
// job is retried with backoff and the answer arrives once, asked of the assistant once.
func TestSlackAPIFailsTwiceThenSucceeds(t *testing.T) {
	env := newSlackEnv(t)
	env.slack.failPosts = 2
	env.mention("Ev400", slackViewer, "who owns payments-api?", "1700000003.000100", "", nil)
	if _, err := env.bot.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Not due again until its backoff has passed.
	if n, err := env.bot.RunOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("RunOnce during the backoff claimed %d jobs (%v), want 0", n, err)
	}
	env.drain(env.bot, 4)
	posts := env.slack.Posts()
	if env.slack.failed != 2 || len(posts) != 1 || !strings.Contains(posts[0].Blocks, "team-payments") {
		t.Fatalf("after 2 failures: %d failed, posts %+v; want the answer posted once", env.slack.failed, posts)
	}
	conv, _ := feedbackValue(t, posts[0].Blocks)
	c, err := env.db.Conversation(t.Context(), conv)
	if err != nil || len(c.Turns) != 1 {
		t.Errorf("conversation has %d turns (%v), want 1: a retry posts the saved answer, it does not ask again", len(c.Turns), err)
	}
}

// TestSlackAnswersAfterRestart acknowledges a mention and a command, then "kills" the
// portal before its worker ran: a new bot over the same database answers both. A job a
// dead worker had claimed is answered once its lease runs out.
func TestSlackAnswersAfterRestart(t *testing.T) {
	env := newSlackEnv(t)
	env.mention("Ev500", slackViewer, "who owns payments-api?", "1700000004.000100", "", nil)
	if w := env.command(slackViewer, "ask what does payments-api depend on?"); w.Code != http.StatusOK {
		t.Fatalf("command: %d %s", w.Code, w.Body)
	}
	// The first portal dies here, its worker never having run; one job was even claimed
	// by a worker that died mid-answer.
	claimed, err := env.db.ClaimSlackJobs(t.Context(), env.clock.Now(), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim as the dying worker: %v, %v", claimed, err)
	}
	restarted := env.newBot(t)
	if _, err := restarted.RunOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	if p := env.slack.Posts(); len(p) != 1 {
		t.Fatalf("after restart: %d posts, want 1 (the other job is leased to the dead worker)", len(p))
	}
	env.drain(restarted, 2)
	posts := env.slack.Posts()
	if len(posts) != 2 {
		t.Fatalf("after the lease ran out: %d posts, want 2: %+v", len(posts), posts)
	}
	vias := posts[0].Via + "," + posts[1].Via
	if vias != "chat,response" && vias != "response,chat" {
		t.Errorf("answers went via %s, want one in the thread and one to the response_url", vias)
	}
}

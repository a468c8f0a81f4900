package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// Slack test identities: the signing secret, the bot's own user, and Slack users mapped
// (by email) to the portal's viewer and owner, and one with no portal account.
const (
	slackSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	slackBotUser  = "UBOT"
	slackViewer   = "UVIEWER"
	slackOwner    = "UOWNER"
	slackStranger = "USTRANGER"
	portalBase    = "https://portal.test"
)

// slackSlot is the server's SlackBot, filled in once the env (whose auth service the bot
// maps Slack users with) exists.
type slackSlot struct{ bot *slack.Bot }

func (s *slackSlot) Command(ctx context.Context, h http.Header, b []byte) (slack.Reply, error) {
	return s.bot.Command(ctx, h, b)
}
func (s *slackSlot) Event(ctx context.Context, h http.Header, b []byte) (slack.Reply, error) {
	return s.bot.Event(ctx, h, b)
}
func (s *slackSlot) Interaction(ctx context.Context, h http.Header, b []byte) (slack.Reply, error) {
	return s.bot.Interaction(ctx, h, b)
}

// slackPost is one message the fake Slack received: through chat.postMessage or a
// response_url.
type slackPost struct {
	Via      string // "chat" or "response"
	Channel  string
	ThreadTS string
	Text     string
	Blocks   string // the Block Kit JSON
}

// fakeSlack plays Slack's Web API (users.info, chat.postMessage) and response_urls.
type fakeSlack struct {
	srv *httptest.Server
	mu  sync.Mutex
	// emails of the Slack users; a user not here has no email.
	emails map[string]string
	// failPosts is how many posts (of either kind) still answer 500 before one succeeds.
	failPosts int
	posts     []slackPost
	failed    int
	userInfos int
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{emails: map[string]string{
		slackViewer: "viewer@fernway.example", slackOwner: "owner@fernway.example", slackStranger: "stranger@elsewhere.example"}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/users.info", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.userInfos++
		id := r.FormValue("user")
		writeSlackJSON(w, map[string]any{"ok": true, "user": map[string]any{"id": id, "name": strings.ToLower(id),
			"profile": map[string]any{"email": f.emails[id]}}})
	})
	post := func(via string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.failPosts > 0 {
				f.failPosts--
				f.failed++
				http.Error(w, "slack is having a bad day", http.StatusInternalServerError)
				return
			}
			p := slackPost{Via: via}
			if via == "chat" {
				p.Channel, p.ThreadTS, p.Text, p.Blocks = r.FormValue("channel"), r.FormValue("thread_ts"), r.FormValue("text"), r.FormValue("blocks")
			} else {
				var m struct {
					Text         string          `json:"text"`
					ResponseType string          `json:"response_type"`
					Blocks       json.RawMessage `json:"blocks"`
				}
				b, _ := io.ReadAll(r.Body)
				if err := json.Unmarshal(b, &m); err != nil {
					t.Errorf("response_url body: %v", err)
				}
				p.Channel, p.Text, p.Blocks = strings.TrimPrefix(r.URL.Path, "/response/"), m.Text, string(m.Blocks)
			}
			f.posts = append(f.posts, p)
			writeSlackJSON(w, map[string]any{"ok": true, "channel": p.Channel, "ts": fmt.Sprintf("1700000999.%06d", len(f.posts))})
		}
	}
	mux.HandleFunc("POST /api/chat.postMessage", post("chat"))
	mux.HandleFunc("POST /response/{id}", post("response"))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func writeSlackJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Posts returns a copy of what was posted so far.
func (f *fakeSlack) Posts() []slackPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]slackPost(nil), f.posts...)
}

// slackEnv is the assistant env with the Slack bot in front, and the fake Slack.
type slackEnv struct {
	*testEnv
	db    *store.DB
	bot   *slack.Bot
	slack *fakeSlack
	asker *assistantSlot
	clock *testClock
	n     int
}

// newSlackEnv is newAssistantEnv (plus testdata/slack's public status-page) with the
// Slack routes served by a real bot whose Web API is the fake Slack. The portal's viewer
// and owner have the emails of slackViewer and slackOwner.
func newSlackEnv(t *testing.T) *slackEnv {
	t.Helper()
	db := storetest.New(t)
	idx := newTestIndex(t, db)
	slot, bots := &assistantSlot{}, &slackSlot{}
	env := newTestEnvOn(t, db, api.Deps{Search: idx, Assistant: slot, Slack: bots})
	sys := auth.NewContext(t.Context(), auth.System())
	for _, tree := range []string{"assistant", "slack"} {
		if _, _, err := env.svc.Import(sys, env.copyTree("testdata/"+tree, tree)); err != nil {
			t.Fatalf("import testdata/%s: %v", tree, err)
		}
	}
	sources := []indexer.Source{indexer.NewCatalogSource(env.svc), indexer.NewTechDocsSource(env.svc, []string{env.root})}
	if _, err := idx.Index(sys, sources, nil); err != nil {
		t.Fatalf("index: %v", err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: env.svc, Search: idx, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	slot.svc = svc
	for name, email := range map[string]string{asViewer: "viewer@fernway.example", asOwner: "owner@fernway.example"} {
		u, err := db.UserByName(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		u.Email = email
		if err := db.UpdateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	se := &slackEnv{testEnv: env, db: db, slack: newFakeSlack(t), asker: slot, clock: &testClock{}}
	se.bot = se.newBot(t)
	bots.bot = se.bot
	return se
}

// newBot is a bot over the env's store and fake Slack, as a freshly started portal has.
func (e *slackEnv) newBot(t *testing.T) *slack.Bot {
	t.Helper()
	bot, err := slack.New(slack.Config{SigningSecret: slackSecret, BotToken: "xoxb-test", APIURL: e.slack.srv.URL + "/api/",
		BaseURL: portalBase, Now: e.clock.Now, Backoff: time.Second, Lease: time.Minute, MaxAttempts: 5},
		e.asker, e.auth, e.db)
	if err != nil {
		t.Fatal(err)
	}
	return bot
}

// signed sends a request signed now, as Slack does, and returns the response.
func (e *slackEnv) signed(path, contentType, body string, extra http.Header) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	for k, v := range slack.SignHeader(slackSecret, e.clock.Now(), []byte(body)) {
		r.Header[k] = v
	}
	for k, v := range extra {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

// mention sends an app_mention event by user (in thread, when set) and requires a 200.
func (e *slackEnv) mention(eventID, user, text, ts, thread string, extra http.Header) {
	e.t.Helper()
	ev := map[string]any{"type": "app_mention", "user": user, "text": "<@" + slackBotUser + "> " + text, "ts": ts,
		"channel": "C1", "event_ts": ts}
	if thread != "" {
		ev["thread_ts"] = thread
	}
	body, _ := json.Marshal(map[string]any{"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": e.clock.Now().Unix(), "event": ev,
		"authorizations": []map[string]any{{"team_id": "T1", "user_id": slackBotUser, "is_bot": true}}})
	if w := e.signed("/slack/events", "application/json", string(body), extra); w.Code != http.StatusOK {
		e.t.Fatalf("event %s: %d %s", eventID, w.Code, w.Body)
	}
}

// command sends /portal <text> by user and returns the immediate reply.
func (e *slackEnv) command(user, text string) *httptest.ResponseRecorder {
	e.t.Helper()
	e.n++
	form := url.Values{"token": {"unused"}, "team_id": {"T1"}, "channel_id": {"C9"}, "user_id": {user}, "command": {"/portal"},
		"text": {text}, "response_url": {fmt.Sprintf("%s/response/%d", e.slack.srv.URL, e.n)},
		"trigger_id": {fmt.Sprintf("trigger-%d", e.n)}}
	return e.signed("/slack/commands", "application/x-www-form-urlencoded", form.Encode(), nil)
}

// drain runs the worker until no job is due, moving the clock past any backoff, at most
// rounds times.
func (e *slackEnv) drain(bot *slack.Bot, rounds int) {
	e.t.Helper()
	for range rounds {
		if _, err := bot.RunOnce(e.t.Context()); err != nil {
			e.t.Fatalf("RunOnce: %v", err)
		}
		e.clock.Advance(10 * time.Minute)
	}
}

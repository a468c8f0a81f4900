package slack_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/store/storetest"
)

const secret = "test-signing-secret"

// newTestBot is a bot over a real (empty) catalog, assistant and store, whose Slack API
// is unreachable: these tests never get as far as answering.
func newTestBot(t testing.TB) (*slack.Bot, time.Time) {
	t.Helper()
	db := storetest.SQLite(t)
	cat := catalog.NewService(db, nil)
	svc, err := assistant.New(assistant.Deps{Catalog: cat, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	bot, err := slack.New(slack.Config{SigningSecret: secret, BotToken: "xoxb-x", APIURL: "http://127.0.0.1:1/api/",
		BaseURL: "https://portal.test", Now: func() time.Time { return now }},
		svc, auth.NewService(auth.Options{Store: db, Directory: cat}), db)
	if err != nil {
		t.Fatal(err)
	}
	return bot, now
}

// TestHandlersRefuseMalformed sends signed bodies that are not what Slack sends: each is a
// 400 kind of error that says what is wrong.
func TestHandlersRefuseMalformed(t *testing.T) {
	bot, now := newTestBot(t)
	tests := []struct {
		name string
		call func(context.Context, http.Header, []byte) (slack.Reply, error)
		body string
	}{
		{"event not json", bot.Event, "not json"},
		{"event callback without id", bot.Event, `{"type":"event_callback","event":{"type":"app_mention","user":"U1","text":"hi","channel":"C1","ts":"1.2"}}`},
		{"command without user", bot.Command, url.Values{"text": {"ask who owns x"}, "trigger_id": {"t1"}}.Encode()},
		{"command without response_url", bot.Command, url.Values{"text": {"ask who owns x"}, "user_id": {"U1"}, "trigger_id": {"t2"}}.Encode()},
		{"interaction without payload", bot.Interaction, "x=1"},
		{"interaction payload not json", bot.Interaction, url.Values{"payload": {"{"}}.Encode()},
		{"feedback value malformed", bot.Interaction, url.Values{"payload": {`{"type":"block_actions","user":{"id":"U1"},"actions":[{"block_id":"feedback","action_id":"feedback_up","value":"nope"}]}`}}.Encode()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.call(t.Context(), slack.SignHeader(secret, now, []byte(tt.body)), []byte(tt.body))
			if !errors.Is(err, slack.ErrInvalid) || errkind.Message(err) == "" {
				t.Errorf("err = %v, want ErrInvalid with a message", err)
			}
		})
	}
	// An event type the bot does not handle is acknowledged and dropped.
	body := `{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","user":"U1"}}`
	if r, err := bot.Event(t.Context(), slack.SignHeader(secret, now, []byte(body)), []byte(body)); err != nil || r.Status != http.StatusOK {
		t.Errorf("unhandled event = %+v, %v; want 200", r, err)
	}
	if n, err := bot.RunOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("RunOnce = %d, %v; want nothing queued", n, err)
	}
}

// FuzzEvent feeds signed arbitrary bodies to the Events API handler: it never panics, and
// fails only with a client error.
func FuzzEvent(f *testing.F) {
	for _, s := range []string{
		`{"type":"url_verification","challenge":"c"}`,
		`{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> who owns x?","channel":"C1","ts":"1.2"}}`,
		`{"type":"event_callback","event_id":"Ev2","event":{"type":"message","channel_type":"im","user":"U1","text":"hi","channel":"D1","ts":"1.3"}}`,
		`{"type":"event_callback","event_id":"Ev3","event":{"type":"message","subtype":"bot_message","bot_id":"B1"}}`,
		`{"type":"app_rate_limited"}`, `{}`, `[]`, `null`,
	} {
		f.Add(s)
	}
	bot, now := newTestBot(f)
	f.Fuzz(func(t *testing.T, body string) {
		_, err := bot.Event(t.Context(), slack.SignHeader(secret, now, []byte(body)), []byte(body))
		if err != nil && !errors.Is(err, slack.ErrInvalid) && !errors.Is(err, slack.ErrUnsigned) {
			t.Errorf("Event(%q) = %v, want nil or a client error", body, err)
		}
	})
}

// FuzzCommand feeds signed arbitrary form bodies to the slash command handler.
func FuzzCommand(f *testing.F) {
	for _, s := range []string{
		url.Values{"text": {"help"}, "user_id": {"U1"}, "trigger_id": {"t"}}.Encode(),
		url.Values{"text": {"ask who owns x"}, "user_id": {"U1"}, "trigger_id": {"t2"}, "response_url": {"https://hooks.slack.com/x"}}.Encode(),
		"text=%zz", "", "&&&",
	} {
		f.Add(s)
	}
	bot, now := newTestBot(f)
	f.Fuzz(func(t *testing.T, body string) {
		_, err := bot.Command(t.Context(), slack.SignHeader(secret, now, []byte(body)), []byte(body))
		if err != nil && !errors.Is(err, slack.ErrInvalid) && !errors.Is(err, slack.ErrUnsigned) {
			t.Errorf("Command(%q) = %v, want nil or a client error", body, err)
		}
	})
}

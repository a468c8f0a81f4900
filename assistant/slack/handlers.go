package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// Feedback button action ids; a button's value is "<conversation id>:<turn>".
const (
	actionUp   = "feedback_up"
	actionDown = "feedback_down"
)

// ephemeral is a slash command's immediate reply, seen only by the asker.
type ephemeral struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// helpText answers /portal help (and /portal with nothing after it).
const helpText = "*/portal ask <question>* asks the portal's assistant, e.g. `/portal ask who owns payments-api?`\n" +
	"Mention @portal in a channel or thread, or send it a direct message, to ask in a conversation: " +
	"follow-ups in the same thread continue it.\n" +
	"Answers show only what your portal account may see; Slack users without one get public answers only."

// Command handles a POST of a slash command (/portal ask …, /portal help): it verifies it,
// answers help at once, and records a question as a job answered through its response_url.
func (b *Bot) Command(ctx context.Context, header http.Header, body []byte) (Reply, error) {
	if err := b.check(header, body); err != nil {
		return Reply{}, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return Reply{}, err
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slackgo.SlashCommandParse(r)
	if err != nil || cmd.UserID == "" || cmd.TriggerID == "" {
		return Reply{}, errkind.Errorf(ErrInvalid, "a slash command needs a form body with user_id and trigger_id")
	}
	verb, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	question := strings.TrimSpace(rest)
	switch strings.ToLower(verb) {
	case "", "help":
		return Reply{Status: http.StatusOK, Body: ephemeral{"ephemeral", helpText}}, nil
	case "ask":
	default:
		// "/portal who owns payments-api?" asks too.
		question = strings.TrimSpace(cmd.Text)
	}
	if question == "" {
		return Reply{Status: http.StatusOK, Body: ephemeral{"ephemeral", "Ask a question: `/portal ask who owns payments-api?`"}}, nil
	}
	if _, err := url.ParseRequestURI(cmd.ResponseURL); err != nil {
		return Reply{}, errkind.Errorf(ErrInvalid, "a slash command needs a response_url")
	}
	req := Request{Kind: KindCommand, Team: cmd.TeamID, Channel: cmd.ChannelID, User: cmd.UserID,
		Text: bounded(question), ResponseURL: cmd.ResponseURL}
	if _, err := b.enqueue(ctx, "command:"+cmd.TriggerID, req); err != nil {
		return Reply{}, err
	}
	return Reply{Status: http.StatusOK, Body: ephemeral{"ephemeral", "Looking that up…"}}, nil
}

// mentionRE matches a user mention, <@U123> or <@U123|name>, removed from questions.
var mentionRE = regexp.MustCompile(`<@[A-Z0-9]+(\|[^>]*)?>`)

// bounded trims a question to what the assistant accepts; the assistant checks again.
func bounded(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > assistant.MaxMessage {
		s = string(r[:assistant.MaxMessage])
	}
	return s
}

// Event handles a POST of the Events API: url_verification is answered with its
// challenge; app_mention and direct messages (message.im) become jobs answered in their
// thread, once per event id however often Slack retries. Messages of bots (this one
// included) and edits are ignored.
func (b *Bot) Event(ctx context.Context, header http.Header, body []byte) (Reply, error) {
	if err := b.check(header, body); err != nil {
		return Reply{}, err
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		return Reply{}, errkind.Errorf(ErrInvalid, "the body is not a Slack event")
	}
	switch ev.Type {
	case slackevents.URLVerification:
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			return Reply{}, errkind.Errorf(ErrInvalid, "url_verification without a challenge")
		}
		return Reply{Status: http.StatusOK, Body: map[string]string{"challenge": v.Challenge}}, nil
	case slackevents.CallbackEvent:
	default:
		return Reply{Status: http.StatusOK}, nil
	}
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || cb.EventID == "" {
		return Reply{}, errkind.Errorf(ErrInvalid, "an event callback needs an event_id")
	}
	req, ok := b.requestOf(ev, cb)
	if !ok {
		return Reply{Status: http.StatusOK}, nil
	}
	if _, err := b.enqueue(ctx, "event:"+cb.EventID, req); err != nil {
		return Reply{}, err
	}
	return Reply{Status: http.StatusOK}, nil
}

// requestOf returns the question an event asks, and false for events the bot ignores.
func (b *Bot) requestOf(ev slackevents.EventsAPIEvent, cb *slackevents.EventsAPICallbackEvent) (Request, bool) {
	self := map[string]bool{}
	for _, a := range cb.Authorizations {
		if a.IsBot {
			self[a.UserID] = true
		}
	}
	var r Request
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || self[e.User] || e.Edited != nil {
			return r, false
		}
		r = Request{Kind: KindMention, Channel: e.Channel, User: e.User, Text: e.Text, ThreadTS: e.ThreadTimeStamp}
		if r.ThreadTS == "" {
			r.ThreadTS = e.TimeStamp
		}
	case *slackevents.MessageEvent:
		if e.ChannelType != "im" || e.BotID != "" || e.SubType != "" || self[e.User] {
			return r, false
		}
		r = Request{Kind: KindDM, Channel: e.Channel, User: e.User, Text: e.Text, ThreadTS: e.ThreadTimeStamp}
		if r.ThreadTS == "" {
			r.ThreadTS = e.TimeStamp
		}
	default:
		return r, false
	}
	r.Team = cb.TeamID
	r.Text = bounded(mentionRE.ReplaceAllString(r.Text, ""))
	return r, r.User != "" && r.Channel != "" && r.Text != ""
}

// Interaction handles a POST of an interactive component: a feedback button on an
// answer, stored as the clicking user's rating of that turn (their own conversations
// only, as the assistant checks).
func (b *Bot) Interaction(ctx context.Context, header http.Header, body []byte) (Reply, error) {
	if err := b.check(header, body); err != nil {
		return Reply{}, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		return Reply{}, errkind.Errorf(ErrInvalid, "an interaction needs a payload form field")
	}
	var cb slackgo.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil || cb.User.ID == "" {
		return Reply{}, errkind.Errorf(ErrInvalid, "the interaction payload is not Slack's")
	}
	for _, a := range cb.ActionCallback.BlockActions {
		rating := map[string]int{actionUp: 1, actionDown: -1}[a.ActionID]
		if rating == 0 {
			continue
		}
		conv, turnText, _ := strings.Cut(a.Value, ":")
		turn, err := strconv.Atoi(turnText)
		if conv == "" || err != nil {
			return Reply{}, errkind.Errorf(ErrInvalid, "a feedback button's value is <conversation>:<turn>")
		}
		who, err := b.identity(ctx, cb.Team.ID, cb.User.ID)
		if err != nil {
			return Reply{}, err
		}
		err = b.asker.Feedback(auth.NewContext(ctx, who.principal), assistant.Feedback{ConversationID: conv, Turn: turn, Rating: rating})
		if err != nil {
			return Reply{}, err
		}
	}
	return Reply{Status: http.StatusOK}, nil
}

package assistant_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
)

func TestServiceOwnerChecksAndBounds(t *testing.T) {
	o := newPipelineOrg(t)
	mine := o.ask(t, viewer, "", "who owns the cart service?")
	if mine.ConversationID == "" {
		t.Fatal("no conversation id")
	}
	other := as(admin)
	if _, err := o.svc.Conversation(other, mine.ConversationID); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("someone else's Conversation: err %v, want ErrNotFound", err)
	}
	if _, err := o.svc.Conversation(other, "no-such-id"); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("missing Conversation: err %v, want ErrNotFound", err)
	}
	if _, err := o.svc.Ask(other, assistant.Question{Message: "and who is on that team?", ConversationID: mine.ConversationID}, nil); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("Ask in someone else's conversation: err %v, want ErrNotFound", err)
	}
	if err := o.svc.Feedback(other, assistant.Feedback{ConversationID: mine.ConversationID, Turn: 0, Rating: 1}); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("Feedback on someone else's conversation: err %v, want ErrNotFound", err)
	}
	list, _, err := o.svc.Conversations(other, 10, "")
	if err != nil || len(list) != 0 {
		t.Errorf("admin's Conversations = %d, %v; want none of the viewer's", len(list), err)
	}
	list, _, err = o.svc.Conversations(as(viewer), 10, "")
	if err != nil || len(list) != 1 || list[0].ID != mine.ConversationID {
		t.Errorf("viewer's Conversations = %+v, %v; want the one", list, err)
	}

	for _, tc := range []struct {
		name string
		q    assistant.Question
		who  auth.Principal
	}{
		{"empty", assistant.Question{Message: "   "}, viewer},
		{"too long", assistant.Question{Message: strings.Repeat("a", assistant.MaxMessage+1)}, viewer},
		{"anonymous", assistant.Question{Message: "who owns cart service"}, auth.Anonymous()},
	} {
		_, err := o.svc.Ask(as(tc.who), tc.q, nil)
		if !errors.Is(err, assistant.ErrInvalid) || err.Error() == assistant.ErrInvalid.Error() {
			t.Errorf("%s: err %v, want ErrInvalid with a message", tc.name, err)
		}
	}
	for _, f := range []assistant.Feedback{
		{ConversationID: mine.ConversationID, Turn: 0, Rating: 0},
		{ConversationID: mine.ConversationID, Turn: 0, Rating: 2},
		{ConversationID: mine.ConversationID, Turn: 1, Rating: 1},
		{ConversationID: mine.ConversationID, Turn: -1, Rating: -1},
	} {
		if err := o.svc.Feedback(as(viewer), f); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("Feedback %+v: err %v, want ErrInvalid", f, err)
		}
	}
	if err := o.svc.Feedback(as(viewer), assistant.Feedback{ConversationID: mine.ConversationID, Turn: 0, Rating: -1, Comment: "wrong team"}); err != nil {
		t.Errorf("Feedback: %v", err)
	}
}

// TestAskStreams checks the events of a streamed answer: the tokens add up to the answer,
// each citation is announced once before done, and done carries the answer.
func TestAskStreams(t *testing.T) {
	o := newPipelineOrg(t)
	var tokens strings.Builder
	var cites []assistant.Citation
	var done *assistant.Answer
	ans, err := o.svc.Ask(as(viewer), assistant.Question{Message: "What does the orders service depend on?"}, func(e assistant.Event) error {
		if done != nil {
			t.Errorf("event %s after done", e.Kind)
		}
		switch e.Kind {
		case assistant.EventToken:
			tokens.WriteString(e.Token)
		case assistant.EventCitation:
			cites = append(cites, *e.Citation)
		case assistant.EventDone:
			done = e.Answer
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if done == nil || done.Answer != ans.Answer {
		t.Fatalf("done event %+v, want the answer", done)
	}
	if strings.TrimSpace(tokens.String()) != ans.Answer {
		t.Errorf("tokens %q\nadd up to something else than the answer %q", tokens.String(), ans.Answer)
	}
	if len(cites) != len(ans.Citations) || len(cites) < 2 {
		t.Errorf("streamed %d citations, answer has %d; want the same, at least 2", len(cites), len(ans.Citations))
	}
	if !mentions(ans, "orders-db") || ans.Abstained {
		t.Errorf("answer %q does not name orders-db", ans.Answer)
	}
}

// TestAskFollowUps resolves "that team" and "its" against the earlier turns.
func TestAskFollowUps(t *testing.T) {
	o := newPipelineOrg(t)
	first := o.ask(t, viewer, "", "who owns payments-api?")
	if !mentions(first, "payments-team") {
		t.Fatalf("first answer %q does not name payments-team", first.Answer)
	}
	second := o.ask(t, viewer, first.ConversationID, "and who is on that team?")
	if !mentions(second, "elena-petrova") || !mentions(second, "mei-chen") {
		t.Errorf("follow-up %q does not name the team's members", second.Answer)
	}
	third := o.ask(t, viewer, first.ConversationID, "what about the orders service?")
	if !mentions(third, "fulfilment-team") {
		t.Errorf("\"what about the orders service?\" after an owner question: %q, want its owner", third.Answer)
	}
	c, err := o.svc.Conversation(as(viewer), first.ConversationID)
	if err != nil || len(c.Turns) != 3 {
		t.Fatalf("conversation has %d turns (%v), want 3", len(c.Turns), err)
	}
}

package assistant_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/nextportal/portal/assistant"
)

// historySkill is a capability the way incidents or costs plug in: it records what the
// pipeline handed it and answers with one cited fact about the subject.
type historySkill struct {
	mu    sync.Mutex
	calls []string // subject | question
}

func (*historySkill) Name() string { return "outage_history" }
func (*historySkill) Description() string {
	return "Past outages of an entity and how they were fixed."
}
func (*historySkill) Parameters() json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"entity":{"type":"string"}},"required":["entity"]}`)
}
func (h *historySkill) Call(ctx context.Context, args json.RawMessage) (assistant.ToolResult, error) {
	var a struct{ Entity string }
	if err := json.Unmarshal(args, &a); err != nil {
		return assistant.ToolResult{}, err
	}
	ans, err := h.Answer(ctx, a.Entity, "")
	if err != nil {
		return assistant.ToolResult{}, err
	}
	return assistant.ToolResult{Text: ans.Facts[0].Text, Sources: ans.Sources}, nil
}
func (*historySkill) Phrasings() []string {
	return []string{"has x had outages before", "has x had an outage like this before",
		"past outages of x", "what fixed x outage last time"}
}
func (h *historySkill) Answer(_ context.Context, subject, question string) (assistant.SkillAnswer, error) {
	h.mu.Lock()
	h.calls = append(h.calls, subject+" | "+question)
	h.mu.Unlock()
	src := assistant.Source{Kind: "outage", Ref: "outage:42", Title: "Outage 42", URL: "/outages/42",
		Text: "Outage 42 hit " + subject + "; a restart fixed it."}
	return assistant.SkillAnswer{
		Facts:   []assistant.Fact{{Text: "Outage 42 hit " + subject + " and a restart fixed it.", Sources: []int{1}}},
		Sources: []assistant.Source{src},
	}, nil
}

func (h *historySkill) called() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
}

// TestSkillsAnswerTheirQuestions: a registered skill takes the questions that read like its
// phrasings, with the named entity as subject, and its fact is cited; the built-in
// questions stay with the built-in intents.
func TestSkillsAnswerTheirQuestions(t *testing.T) {
	o := newPipelineOrg(t)
	sk := &historySkill{}
	o.svc.Registry().Register(sk)

	for _, tc := range []struct {
		q       string
		subject string // "" when the skill must not be called
		want    string // in the answer or its citations
	}{
		{"has payments-api had outages like this before?", "component:default/payments-api", "outage 42"},
		{"what fixed the ledger-db outage last time?", "resource:default/ledger-db", "restart"},
		{"who owns payments-api?", "", "payments-team"},
		{"what does checkout-service depend on?", "", "cart-cache"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			before := len(sk.called())
			a := o.ask(t, admin, "", tc.q)
			calls := sk.called()[before:]
			if tc.subject == "" {
				if len(calls) != 0 {
					t.Fatalf("skill called for a built-in question: %q", calls)
				}
			} else {
				if len(calls) != 1 || !strings.HasPrefix(calls[0], tc.subject+" | ") {
					t.Fatalf("skill calls = %q, want one about %s", calls, tc.subject)
				}
				if len(a.Citations) == 0 || a.Citations[0].Ref != "outage:42" {
					t.Fatalf("citations = %+v, want the skill's source", a.Citations)
				}
			}
			if !mentions(a, tc.want) {
				t.Fatalf("answer %q (citations %+v) does not mention %q", a.Answer, a.Citations, tc.want)
			}
		})
	}
}

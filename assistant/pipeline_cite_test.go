package assistant_test

import (
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/nextportal/portal/assistant"
)

// TestAskDropsInventedCitations asks through the pipeline with the OpenAI-compatible
// composer and a model that cites a source it was never shown: the marker is gone from the
// stream and the answer, and the others are renumbered 1..n in order of use.
func TestAskDropsInventedCitations(t *testing.T) {
	o := newPipelineOrg(t)
	chat := newFakeChat(t, func(call int, req openai.ChatCompletionRequest) chatReply {
		return chatReply{deltas: []string{"The payments team [", "2] owns payments-api [1]", ", per the ledger [9", "]."}}
	})
	comp := newTestComposer(t, chat.baseURL(), func(c *assistant.OpenAIComposerConfig) { c.MaxToolRounds = -1 })
	svc, err := assistant.New(assistant.Deps{Catalog: o.cat, Search: o.ix, Store: o.db, Composer: comp})
	if err != nil {
		t.Fatal(err)
	}
	var streamed strings.Builder
	ans, err := svc.Ask(as(viewer), assistant.Question{Message: "who owns payments-api?"}, func(e assistant.Event) error {
		if e.Kind == assistant.EventToken {
			streamed.WriteString(e.Token)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ans.Answer, "[9]") || strings.Contains(streamed.String(), "[9") || strings.Contains(ans.Answer, "[3]") {
		t.Errorf("the invented marker survived: answer %q, stream %q", ans.Answer, streamed.String())
	}
	if len(ans.Citations) != 2 || ans.Citations[0].Ref != "group:default/payments-team" || ans.Citations[1].Ref != "component:default/payments-api" {
		t.Errorf("citations %+v: want payments-team as [1], payments-api as [2]", ans.Citations)
	}
	if !strings.Contains(ans.Answer, "team [1] owns payments-api [2]") || ans.Composer != "openai:test-model" {
		t.Errorf("answer %q by %s", ans.Answer, ans.Composer)
	}
}

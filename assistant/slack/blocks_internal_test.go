package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nextportal/portal/assistant"
)

func TestSplitText(t *testing.T) {
	para := strings.Repeat("word ", 500) // 2,500 characters
	tests := []struct {
		name      string
		in        string
		max       int
		wantParts int
	}{
		{"short", "payments-api is owned by team-payments [1].", 3000, 1},
		{"empty", "  ", 3000, 1},
		{"two paragraphs past the limit", para + "\n\n" + para, 3000, 2},
		{"one long word", strings.Repeat("x", 7000), 3000, 3},
		{"multibyte", strings.Repeat("ü", 6001), 3000, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitText(tt.in, tt.max)
			if len(parts) != tt.wantParts {
				t.Fatalf("splitText gave %d parts, want %d", len(parts), tt.wantParts)
			}
			var got strings.Builder
			for _, p := range parts {
				if n := utf8.RuneCountInString(p); n > tt.max || n == 0 || !utf8.ValidString(p) {
					t.Errorf("part of %d runes (valid %v), want 1..%d", n, utf8.ValidString(p), tt.max)
				}
				got.WriteString(strings.Join(strings.Fields(p), ""))
			}
			if want := strings.Join(strings.Fields(tt.in), ""); strings.TrimSpace(tt.in) != "" && got.String() != want {
				t.Errorf("the parts hold %d non-space bytes, the text %d: nothing may be lost", got.Len(), len(want))
			}
		})
	}
}

// TestMessagesWithinSlackLimits lays out a very long answer: every message keeps within
// 50 blocks and every section within 3,000 characters, and only the last message carries
// the sources, the link notice and the feedback buttons.
func TestMessagesWithinSlackLimits(t *testing.T) {
	b := &Bot{cfg: Config{BaseURL: "https://portal.test"}}
	long := strings.Repeat(strings.Repeat("lorem ipsum ", 200)+"\n\n", 80) // ~190,000 characters
	msgs := b.messages(Answered{Answer: assistant.Answer{ConversationID: "c1", Answer: long,
		Citations: []assistant.Citation{{N: 1, Ref: "component:default/a", Title: "A <b>|c", URL: "/catalog/default/component/a"}}}, Turn: 3})
	if len(msgs) < 2 {
		t.Fatalf("a 190,000-character answer fit in %d message", len(msgs))
	}
	for i, m := range msgs {
		if len(m.blocks) > 50 {
			t.Errorf("message %d has %d blocks, Slack allows 50", i, len(m.blocks))
		}
		raw, _ := json.Marshal(m.blocks)
		last := i == len(msgs)-1
		if strings.Contains(string(raw), "feedback_up") != last || strings.Contains(string(raw), "Sources") != last {
			t.Errorf("message %d (last %v): sources and buttons belong on the last message only", i, last)
		}
		if last && (!strings.Contains(string(raw), `c1:3`) || !strings.Contains(string(raw), "not linked") ||
			!strings.Contains(string(raw), `https://portal.test/catalog/default/component/a|A \u0026lt;b\u0026gt;¦c`)) {
			t.Errorf("last message lacks the turn's buttons, the link notice or the escaped source link: %s", raw)
		}
		var sections []struct {
			Text *struct{ Text string } `json:"text"`
		}
		_ = json.Unmarshal(raw, &sections)
		for _, s := range sections {
			if s.Text != nil && utf8.RuneCountInString(s.Text.Text) > maxSectionText {
				t.Errorf("message %d has a section of %d characters", i, utf8.RuneCountInString(s.Text.Text))
			}
		}
	}
}

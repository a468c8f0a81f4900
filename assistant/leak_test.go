package assistant_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nextportal/portal/assistant"
)

// secretWords name the restricted fixture's entities, people and doc: a viewer must see
// none of them in any answer or citation.
var secretWords = []string{"zephyr", "treasury", "quillfeather", "tess"}

func leaked(a assistant.Answer) []string {
	all := strings.ToLower(a.Answer)
	for _, c := range a.Citations {
		all += " " + strings.ToLower(c.Ref+" "+c.Title+" "+c.URL)
	}
	var out []string
	for _, w := range secretWords {
		if strings.Contains(all, w) {
			out = append(out, w)
		}
	}
	return out
}

// TestViewerLearnsNothingRestricted asks about restricted entities by name, through
// relations of visible ones, through their docs and through follow-ups. The viewer's
// answers name none of them; the treasurer, who may see them, is told (so the questions do
// reach the data).
func TestViewerLearnsNothingRestricted(t *testing.T) {
	o := newPipelineOrg(t)
	tests := []struct {
		q string
		// shown is what the treasurer's answer must hold; "" when the question is only
		// about visible entities.
		shown string
	}{
		{"who owns the zephyr vault?", "treasury"},
		{"what does zephyr-vault depend on", "payments-db"},
		{"zephyr vault", "zephyr"},
		{"who is on the treasury team", "tess"},
		{"which team is Tess Quillfeather on", "treasury"},
		{"what APIs does the zephyr vault provide", "zephyr-transfer-api"},
		{"who consumes the zephyr transfer api", ""},
		{"what is in the fernway pay system", "zephyr"},
		{"what depends on the payments database", "zephyr"},
		{"which apis are part of payments", ""},
		{"how do I rotate the zephyr signing keys", "zephyr rotate"},
		{"what is the quillfeather console", "quillfeather"},
		{"who holds the signing keys for treasury wire transfers", "zephyr"},
	}
	for _, tc := range tests {
		a := o.ask(t, viewer, "", tc.q)
		if l := leaked(a); len(l) > 0 {
			t.Errorf("viewer asked %q and learned %v: %s %+v", tc.q, l, a.Answer, a.Citations)
		}
		if tc.shown != "" {
			b := o.ask(t, treasurer, "", tc.q)
			if !mentions(b, tc.shown) {
				t.Errorf("treasurer asked %q: %q does not mention %q", tc.q, b.Answer, tc.shown)
			}
		}
	}
	// Follow-ups from a visible entity do not reach restricted ones either.
	first := o.ask(t, viewer, "", "what does the payments database have depending on it?")
	for _, q := range []string{"and who owns them?", "what about their apis?", "tell me more about it"} {
		a := o.ask(t, viewer, first.ConversationID, q)
		if l := leaked(a); len(l) > 0 {
			t.Errorf("viewer follow-up %q learned %v: %s", q, l, a.Answer)
		}
	}
}

// TestHiddenLooksMissing: asking about a restricted entity reads exactly like asking about
// one that does not exist.
func TestHiddenLooksMissing(t *testing.T) {
	o := newPipelineOrg(t)
	pairs := [][2]string{
		{"who owns the zephyr vault?", "who owns the zorblax vault?"},
		{"what does zephyr-vault depend on", "what does krypton-vault depend on"},
		{"which team is Tess Quillfeather on", "which team is Bart Wigglesworth on"},
	}
	for _, p := range pairs {
		hidden, missing := o.ask(t, viewer, "", p[0]), o.ask(t, viewer, "", p[1])
		if !hidden.Abstained || !missing.Abstained {
			t.Errorf("%q abstained %v, %q abstained %v; want both", p[0], hidden.Abstained, p[1], missing.Abstained)
		}
		if head(hidden.Answer) != head(missing.Answer) {
			t.Errorf("hidden and missing read differently:\n%q\n%q", hidden.Answer, missing.Answer)
		}
	}
}

// head is an abstention without the closest sources it lists.
func head(s string) string {
	h, _, _ := strings.Cut(s, " The closest sources")
	return h
}

// TestToolsSeeOnlyWhatTheAskerMay calls the registered tools directly, as a planning model
// would.
func TestToolsSeeOnlyWhatTheAskerMay(t *testing.T) {
	o := newPipelineOrg(t)
	reg := o.svc.Registry()
	call := func(ctx context.Context, name, args string) assistant.ToolResult {
		t.Helper()
		tool, ok := reg.Tool(name)
		if !ok {
			t.Fatalf("no tool %s", name)
		}
		var v map[string]any
		if err := json.Unmarshal(tool.Parameters(), &v); err != nil || v["type"] != "object" {
			t.Errorf("%s parameters are no JSON Schema object: %v", name, err)
		}
		res, err := tool.Call(ctx, json.RawMessage(args))
		if err != nil {
			t.Fatalf("%s(%s): %v", name, args, err)
		}
		return res
	}
	res := call(as(viewer), "catalog_lookup", `{"query":"payment svc"}`)
	if len(res.Sources) == 0 || res.Sources[0].Ref != "component:default/payments-api" {
		t.Errorf("lookup \"payment svc\" = %+v, want payments-api first", res.Sources)
	}
	res = call(as(viewer), "catalog_lookup", `{"query":"elena petrova"}`)
	if len(res.Sources) == 0 || res.Sources[0].Ref != "user:default/elena-petrova" {
		t.Errorf("lookup \"elena petrova\" = %+v, want her User", res.Sources)
	}
	for _, c := range []struct{ name, args string }{
		{"catalog_lookup", `{"query":"zephyr vault"}`},
		{"catalog_relation", `{"ref":"component:default/zephyr-vault","relation":"owner"}`},
		{"catalog_relation", `{"ref":"system:default/payments","relation":"parts"}`},
		{"catalog_relation", `{"ref":"resource:default/payments-db","relation":"dependents"}`},
		{"doc_search", `{"query":"zephyr signing keys quillfeather"}`},
	} {
		res := call(as(viewer), c.name, c.args)
		text := strings.ToLower(res.Text)
		for _, s := range res.Sources {
			text += " " + strings.ToLower(s.Ref+" "+s.Title+" "+s.Text)
		}
		for _, w := range secretWords {
			if strings.Contains(text, w) {
				t.Errorf("viewer %s(%s) shows %q: %s", c.name, c.args, w, res.Text)
			}
		}
	}
	res = call(as(treasurer), "catalog_relation", `{"ref":"component:default/zephyr-vault","relation":"owner"}`)
	if !strings.Contains(res.Text, "treasury-team") {
		t.Errorf("treasurer's owner of zephyr-vault: %q", res.Text)
	}
	tool, _ := reg.Tool("catalog_relation")
	if _, err := tool.Call(as(viewer), json.RawMessage(`{"ref":"component:default/x","relation":"salary"}`)); err == nil {
		t.Error("an unknown relation was accepted")
	}
}

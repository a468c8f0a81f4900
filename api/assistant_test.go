package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/assistant"
)

func TestChatJSONAndFollowUp(t *testing.T) {
	env, _ := newAssistantEnv(t)
	first := env.chat(asViewer, "who owns payments-api?", "")
	if first.ConversationID == "" || first.Abstained || first.Composer != "local" {
		t.Fatalf("first answer = %+v, want a local answer in a new conversation", first)
	}
	if !strings.Contains(first.Answer, "Payments Team") {
		t.Errorf("answer %q does not name the owner, Payments Team", first.Answer)
	}
	assertCitations(t, first, "group:default/team-payments")
	// The follow-up resolves "that team" against the first turn.
	next := env.chat(asViewer, "and who is on that team?", first.ConversationID)
	if next.ConversationID != first.ConversationID {
		t.Errorf("follow-up went to conversation %q, want %q", next.ConversationID, first.ConversationID)
	}
	if !strings.Contains(next.Answer, "Paula Payne") {
		t.Errorf("follow-up answer %q does not name Paula Payne, the team's member", next.Answer)
	}
	var conv assistant.Conversation
	decode(t, env.doAs(asViewer, http.MethodGet, "/api/v1/assistant/conversations/"+first.ConversationID, ""), &conv)
	if len(conv.Turns) != 2 || conv.Turns[1].Question != "and who is on that team?" || conv.Turns[0].Answer.Answer != first.Answer {
		t.Errorf("stored conversation = %+v, want the two turns", conv)
	}
}

// assertCitations checks that every citation is numbered from 1, has a portal URL and is
// marked in the answer, and that one cites ref.
func assertCitations(t *testing.T, a chatAnswer, ref string) {
	t.Helper()
	found := false
	for i, c := range a.Citations {
		if c.N != i+1 || !strings.HasPrefix(c.URL, "/") || c.Title == "" {
			t.Errorf("citation %d = %+v, want n=%d with a title and a portal URL", i, c, i+1)
		}
		if !strings.Contains(a.Answer, "["+itoa(c.N)+"]") {
			t.Errorf("citation [%d] is not marked in the answer %q", c.N, a.Answer)
		}
		found = found || c.Ref == ref
	}
	if !found {
		t.Errorf("citations %+v do not cite %s", a.Citations, ref)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestChatStream(t *testing.T) {
	env, _ := newAssistantEnv(t)
	w, events := env.chatStream(asViewer, "who owns payments-api?", "")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream = %d %q, want 200 text/event-stream; body %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	var text strings.Builder
	var cited []assistant.Citation
	var done *chatAnswer
	for i, ev := range events {
		if done != nil {
			t.Fatalf("event %d (%s) after done", i, ev.Name)
		}
		switch ev.Name {
		case "token":
			var tok struct{ Text string }
			mustUnmarshal(t, ev.Data, &tok)
			text.WriteString(tok.Text)
		case "citation":
			var c assistant.Citation
			mustUnmarshal(t, ev.Data, &c)
			cited = append(cited, c)
		case "done":
			done = &chatAnswer{}
			mustUnmarshal(t, ev.Data, done)
		default:
			t.Fatalf("event %d = %q %s, want token, citation or done", i, ev.Name, ev.Data)
		}
	}
	if done == nil {
		t.Fatalf("no done event in %v", events)
	}
	if text.Len() == 0 || !strings.Contains(text.String(), "Payments Team") {
		t.Errorf("streamed text %q does not name Payments Team", text.String())
	}
	if done.ConversationID == "" || !strings.Contains(done.Answer, "Payments Team") {
		t.Errorf("done = %+v, want the final answer in a conversation", done)
	}
	assertCitations(t, *done, "group:default/team-payments")
	if len(cited) == 0 {
		t.Error("no citation events")
	}
	for _, c := range cited {
		if c.N < 1 || c.N > len(done.Citations) || done.Citations[c.N-1] != c {
			t.Errorf("citation event %+v is not among the final citations %+v", c, done.Citations)
		}
	}
	// A follow-up streams in the same conversation.
	_, events = env.chatStream(asViewer, "and who is on that team?", done.ConversationID)
	if len(events) == 0 || events[len(events)-1].Name != "done" || !strings.Contains(events[len(events)-1].Data, done.ConversationID) {
		t.Errorf("follow-up stream = %v, want it to end with done in conversation %s", events, done.ConversationID)
	}
}

func mustUnmarshal(t *testing.T, data string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(data), v); err != nil {
		t.Fatalf("decode %q: %v", data, err)
	}
}

func TestChatBadInput(t *testing.T) {
	env, _ := newAssistantEnv(t)
	mine := env.chat(asViewer, "who owns payments-api?", "")
	long := strings.Repeat("é", assistant.MaxMessage+1)
	for _, tt := range []struct {
		name, body string
		status     int
		says       string
	}{
		{"empty message", `{"message":""}`, 400, "empty"},
		{"blank message", `{"message":"  \n\t "}`, 400, "empty"},
		{"no message", `{}`, 400, "empty"},
		{"over-long message", chatBody(long, ""), 400, "more than"},
		{"message not a string", `{"message":42}`, 400, "message"},
		{"unknown field", `{"message":"hi","model":"gpt"}`, 400, "model"},
		{"not JSON", `who owns payments?`, 400, "JSON"},
		{"no body", ``, 400, "body"},
		{"unknown conversation", chatBody("and its APIs?", "no-such-conversation"), 404, "no-such-conversation"},
		{"another user's conversation", chatBody("and its APIs?", mine.ConversationID), 404, mine.ConversationID},
	} {
		for _, accept := range []string{"application/json", "text/event-stream"} {
			who := asDeveloper
			w := env.doAsWith(who, http.MethodPost, "/api/v1/assistant/chat", tt.body, map[string]string{"Accept": accept})
			assertProblem(t, tt.name+" ("+accept+")", w.Code, w.Header().Get("Content-Type"), w.Body.Bytes(), tt.status, tt.says)
		}
	}
	// The same unknown-conversation answer for someone else's conversation and a missing one.
	a := env.doAs(asDeveloper, http.MethodPost, "/api/v1/assistant/chat", chatBody("and its APIs?", mine.ConversationID))
	b := env.doAs(asDeveloper, http.MethodPost, "/api/v1/assistant/chat", chatBody("and its APIs?", "f"+mine.ConversationID[1:]))
	if problemMessage(a.Body.Bytes()) != strings.Replace(problemMessage(b.Body.Bytes()), "f"+mine.ConversationID[1:], mine.ConversationID, 1) {
		t.Errorf("someone else's conversation answers %s, a missing one %s: they must look the same", a.Body, b.Body)
	}
}

// assertProblem checks a native-API problem answer: status, JSON, a message saying says.
func assertProblem(t *testing.T, name string, code int, ctype string, body []byte, status int, says string) {
	t.Helper()
	if code != status || !strings.HasPrefix(ctype, "application/json") {
		t.Errorf("%s: %d %s, want %d application/json; body %s", name, code, ctype, status, body)
		return
	}
	if msg := problemMessage(body); !strings.Contains(strings.ToLower(msg), strings.ToLower(says)) {
		t.Errorf("%s: message %q does not say %q", name, msg, says)
	}
}

func problemMessage(body []byte) string {
	var p struct {
		Error struct{ Name, Message string }
	}
	_ = json.Unmarshal(body, &p)
	return p.Error.Message
}

func TestConversationsList(t *testing.T) {
	env, _ := newAssistantEnv(t)
	var ids []string
	for _, q := range []string{"who owns payments-api?", "what is payments?", "who is paula?"} {
		ids = append(ids, env.chat(asViewer, q, "").ConversationID)
	}
	env.chat(asDeveloper, "who owns payments-api?", "")
	var got []string
	cursor := ""
	for range 5 {
		var page struct {
			Conversations []assistant.Conversation
			NextCursor    string `json:"next_cursor"`
		}
		decode(t, env.doAs(asViewer, http.MethodGet, "/api/v1/assistant/conversations?limit=2&cursor="+cursor, ""), &page)
		for _, c := range page.Conversations {
			if len(c.Turns) != 0 || c.Title == "" {
				t.Errorf("listed conversation %+v, want a title and no turns", c)
			}
			got = append(got, c.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if want := []string{ids[2], ids[1], ids[0]}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("viewer's conversations = %v, want theirs newest first %v", got, want)
	}
	for _, tt := range []struct {
		url    string
		status int
		says   string
	}{
		{"/api/v1/assistant/conversations?limit=0", 400, "limit"},
		{"/api/v1/assistant/conversations?limit=x", 400, "limit"},
		{"/api/v1/assistant/conversations?limit=101", 400, "limit"},
		{"/api/v1/assistant/conversations?cursor=!!", 400, "cursor"},
		{"/api/v1/assistant/conversations/" + ids[0] + "x", 404, "not found"},
		{"/api/v1/assistant/conversations/" + ids[0], 404, "not found"}, // the viewer's, asked by the developer
	} {
		w := env.doAs(asDeveloper, http.MethodGet, tt.url, "")
		assertProblem(t, tt.url, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes(), tt.status, tt.says)
	}
}

func TestChatFeedback(t *testing.T) {
	env, db := newAssistantEnv(t)
	a := env.chat(asViewer, "who owns payments-api?", "")
	url := "/api/v1/assistant/conversations/" + a.ConversationID + "/feedback"
	for _, tt := range []struct {
		name, who, url, body string
		status               int
		says                 string
	}{
		{"rating 0", asViewer, url, `{"turn":0,"rating":0}`, 400, "rating"},
		{"rating meh", asViewer, url, `{"turn":0,"rating":"meh"}`, 400, "rating"},
		{"no rating", asViewer, url, `{"turn":0}`, 400, "rating"},
		{"no turn", asViewer, url, `{"rating":1}`, 400, "turn"},
		{"turn out of range", asViewer, url, `{"turn":3,"rating":1}`, 400, "turn"},
		{"comment too long", asViewer, url, `{"turn":0,"rating":1,"comment":"` + strings.Repeat("x", 2001) + `"}`, 400, "comment"},
		{"unknown field", asViewer, url, `{"turn":0,"rating":1,"stars":5}`, 400, "stars"},
		{"unknown conversation", asViewer, "/api/v1/assistant/conversations/nope/feedback", `{"turn":0,"rating":1}`, 404, "not found"},
		{"another user's conversation", asDeveloper, url, `{"turn":0,"rating":1}`, 404, "not found"},
	} {
		w := env.doAs(tt.who, http.MethodPost, tt.url, tt.body)
		assertProblem(t, tt.name, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes(), tt.status, tt.says)
	}
	if w := env.doAs(asViewer, http.MethodPost, url, `{"turn":0,"rating":"up"}`); w.Code != http.StatusNoContent {
		t.Fatalf("feedback up = %d %s, want 204", w.Code, w.Body)
	}
	if w := env.doAs(asViewer, http.MethodPost, url, `{"turn":0,"rating":-1,"comment":"  wrong team "}`); w.Code != http.StatusNoContent {
		t.Fatalf("feedback down = %d %s, want 204", w.Code, w.Body)
	}
	got, err := db.FeedbackOf(t.Context(), a.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Rating != -1 || got[0].Comment != "wrong team" || got[0].Turn != 0 {
		t.Errorf("stored feedback = %+v, want the one down rating with its comment", got)
	}
}

func TestChatWithoutAssistant(t *testing.T) {
	env := newTestEnv(t, api.Deps{})
	for _, r := range []struct{ method, url, body string }{
		{http.MethodPost, "/api/v1/assistant/chat", `{"message":"hi"}`},
		{http.MethodGet, "/api/v1/assistant/conversations", ""},
		{http.MethodGet, "/api/v1/assistant/conversations/x", ""},
		{http.MethodPost, "/api/v1/assistant/conversations/x/feedback", `{"turn":0,"rating":1}`},
	} {
		w := env.doAs(asViewer, r.method, r.url, r.body)
		assertProblem(t, r.url, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes(), 503, "not available")
	}
}

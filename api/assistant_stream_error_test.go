package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant"
)

// cutOffModel is an OpenAI-compatible chat server whose streamed answers break off: it
// sends two pieces of text, then ends the stream without a finish reason.
func cutOffModel(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Stream bool }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		if !req.Stream {
			fmt.Fprint(w, `{"id":"p","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, piece := range []string{"Payments Team ", "owns payments-api "} {
			fmt.Fprintf(w, "data: {\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\n\n", piece)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestChatStreamErrorEvent asks through the real OpenAI-compatible composer whose model
// breaks off mid-answer: streamed, the client gets the text so far and then an error
// event with a message, and nothing after it; as JSON, a 5xx problem. Neither hangs.
func TestChatStreamErrorEvent(t *testing.T) {
	model := cutOffModel(t)
	composer, err := assistant.NewOpenAIComposer(assistant.OpenAIComposerConfig{
		OpenAIConfig: assistant.OpenAIConfig{BaseURL: model.URL + "/v1", APIKey: "test", MaxRetries: -1, Timeout: 10 * time.Second},
		ChatModel:    "m", MaxToolRounds: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	env, _ := newAssistantEnvWith(t, composer)
	w, events := env.chatStream(asViewer, "who owns payments-api?", "")
	if w.Code != http.StatusOK || len(events) < 2 {
		t.Fatalf("stream = %d with events %v; body %s", w.Code, events, w.Body)
	}
	last := events[len(events)-1]
	var msg struct{ Message string }
	mustUnmarshal(t, last.Data, &msg)
	if last.Name != "error" || !strings.Contains(msg.Message, "ask again") {
		t.Errorf("last event = %s %s, want an error event telling the user to ask again", last.Name, last.Data)
	}
	if events[0].Name != "token" || !strings.Contains(events[0].Data, "Payments Team") {
		t.Errorf("first event = %s %s, want the model's first piece of text", events[0].Name, events[0].Data)
	}
	for _, ev := range events {
		if ev.Name == "done" {
			t.Errorf("a done event in a failed stream: %s", ev.Data)
		}
	}
	j := env.doAs(asViewer, http.MethodPost, "/api/v1/assistant/chat", chatBody("who owns payments-api?", ""))
	if j.Code < 500 || problemMessage(j.Body.Bytes()) == "" {
		t.Errorf("JSON answer = %d %s, want a 5xx problem with a message", j.Code, j.Body)
	}
}

package assistant_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"
)

// chatReply is how the fake chat server answers one request.
type chatReply struct {
	status    int               // an HTTP error status with an OpenAI error body
	message   string            // the error's message; "" means the status text
	delay     time.Duration     // wait before answering (ends early when the client goes)
	toolCalls []openai.ToolCall // a JSON reply calling tools
	content   string            // a JSON reply's text
	deltas    []string          // a streamed reply's content pieces
	gap       time.Duration     // wait between streamed pieces
	tail      string            // written after the pieces instead of the finish chunk and [DONE]
}

// fakeChat is an httptest.Server speaking OpenAI's chat completions wire format: JSON for
// plain requests, Server-Sent Events ("data: {chunk}" lines, then "data: [DONE]") for
// streamed ones. The script gives the reply to each call (counted from 0) and its request.
type fakeChat struct {
	srv    *httptest.Server
	script func(call int, req openai.ChatCompletionRequest) chatReply

	mu       sync.Mutex
	requests []openai.ChatCompletionRequest
}

// newFakeChat starts a fake chat server.
func newFakeChat(t *testing.T, script func(call int, req openai.ChatCompletionRequest) chatReply) *fakeChat {
	t.Helper()
	f := &fakeChat{script: script}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.handle)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// baseURL is the API root to configure a client with.
func (f *fakeChat) baseURL() string { return f.srv.URL + "/v1" }

// calls returns the requests received so far.
func (f *fakeChat) calls() []openai.ChatCompletionRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func (f *fakeChat) handle(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	call := len(f.requests)
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	reply := f.script(call, req)
	if !waitOrGone(r, reply.delay) {
		return
	}
	if reply.status != 0 {
		w.Header().Set("Content-Type", "application/json")
		if reply.message == "" {
			reply.message = http.StatusText(reply.status)
		}
		w.WriteHeader(reply.status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": reply.message, "type": "server_error"}})
		return
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": req.Model,
			"choices": []map[string]any{{"index": 0, "finish_reason": finishOf(reply), "message": map[string]any{
				"role": "assistant", "content": reply.content, "tool_calls": reply.toolCalls}}},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	chunk := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": req.Model,
			"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		fmt.Fprintf(w, "data: %s\n\n", b)
		w.(http.Flusher).Flush()
	}
	chunk(map[string]any{"role": "assistant"}, nil)
	for _, d := range reply.deltas {
		if !waitOrGone(r, reply.gap) {
			return
		}
		chunk(map[string]any{"content": d}, nil)
	}
	if reply.tail != "" {
		fmt.Fprint(w, reply.tail)
		return
	}
	chunk(map[string]any{}, "stop")
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// finishOf is the finish_reason of a JSON reply.
func finishOf(r chatReply) string {
	if len(r.toolCalls) > 0 {
		return "tool_calls"
	}
	return "stop"
}

// sleep waits d unless the client goes first; it reports whether to go on.
func waitOrGone(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

// toolCall is a call of the named tool with args as its JSON arguments.
func callOf(id, name string, args any) openai.ToolCall {
	b, _ := json.Marshal(args)
	return openai.ToolCall{ID: id, Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: name, Arguments: string(b)}}
}

// closedURL is the base URL of a port where nothing listens any more.
func closedBaseURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1"
}

// messageText is every message of req, one per line, with its role.
func promptText(req openai.ChatCompletionRequest) string {
	var b strings.Builder
	for _, m := range req.Messages {
		fmt.Fprintf(&b, "%s: %s\n", m.Role, m.Content)
	}
	return b.String()
}

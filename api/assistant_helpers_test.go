package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nextportal/portal/api"
	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/indexer"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// assistantSlot is the server's Assistant, filled in once the test env (whose catalog the
// assistant reads) exists; it forwards every call to the real assistant.Service.
type assistantSlot struct{ svc *assistant.Service }

func (a *assistantSlot) Ask(ctx context.Context, q assistant.Question, emit assistant.Emit) (assistant.Answer, error) {
	return a.svc.Ask(ctx, q, emit)
}

func (a *assistantSlot) Conversations(ctx context.Context, limit int, cursor string) ([]assistant.Conversation, string, error) {
	return a.svc.Conversations(ctx, limit, cursor)
}

func (a *assistantSlot) Conversation(ctx context.Context, id string) (assistant.Conversation, error) {
	return a.svc.Conversation(ctx, id)
}

func (a *assistantSlot) Feedback(ctx context.Context, f assistant.Feedback) error {
	return a.svc.Feedback(ctx, f)
}

var _ api.Assistant = (*assistantSlot)(nil)

// newAssistantEnv is a test server with the real assistant over testdata/assistant (a
// restricted zebracrypt with docs, and payments-api, visible, depending on it), indexed for
// search by the real indexer, with conversations kept in the same store.
func newAssistantEnv(t *testing.T) (*testEnv, *store.DB) {
	t.Helper()
	return newAssistantEnvWith(t, nil)
}

// newAssistantEnvWith is newAssistantEnv with the assistant answering through composer
// (nil: the local one).
func newAssistantEnvWith(t *testing.T, composer assistant.Composer) (*testEnv, *store.DB) {
	t.Helper()
	db := storetest.New(t)
	idx := newTestIndex(t, db)
	slot := &assistantSlot{}
	env := newTestEnvOn(t, db, api.Deps{Search: idx, Assistant: slot})
	sys := auth.NewContext(t.Context(), auth.System())
	if _, _, err := env.svc.Import(sys, env.copyTree("testdata/assistant", "assistant")); err != nil {
		t.Fatalf("import testdata/assistant: %v", err)
	}
	sources := []indexer.Source{indexer.NewCatalogSource(env.svc), indexer.NewTechDocsSource(env.svc, []string{env.root})}
	if _, err := idx.Index(sys, sources, nil); err != nil {
		t.Fatalf("index testdata/assistant: %v", err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: env.svc, Search: idx, Store: db, Composer: composer})
	if err != nil {
		t.Fatalf("assistant.New: %v", err)
	}
	slot.svc = svc
	return env, db
}

// chatAnswer is POST /api/v1/assistant/chat's JSON answer.
type chatAnswer struct {
	ConversationID string               `json:"conversation_id"`
	Answer         string               `json:"answer"`
	Abstained      bool                 `json:"abstained"`
	Citations      []assistant.Citation `json:"citations"`
	Composer       string               `json:"composer"`
}

// chat asks message (in conversation, when set) as who and requires a 200 JSON answer.
func (e *testEnv) chat(who, message, conversation string) chatAnswer {
	e.t.Helper()
	w := e.doAs(who, http.MethodPost, "/api/v1/assistant/chat", chatBody(message, conversation))
	var a chatAnswer
	decode(e.t, w, &a)
	return a
}

// chatBody is a chat request body.
func chatBody(message, conversation string) string {
	b, _ := json.Marshal(map[string]string{"message": message, "conversation_id": conversation})
	return string(b)
}

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	Name string
	Data string
}

// parseSSE reads an event stream: "event:" and "data:" lines, events ended by a blank
// line, comment lines (":") skipped.
func parseSSE(t testing.TB, r io.Reader) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	var data []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.Name != "" || len(data) > 0 {
				cur.Data = strings.Join(data, "\n")
				out = append(out, cur)
			}
			cur, data = sseEvent{}, nil
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "event:"):
			cur.Name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		default:
			t.Errorf("unexpected event stream line %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read event stream: %v", err)
	}
	return out
}

// chatStream asks message as who with Accept: text/event-stream and returns the response
// and its parsed events.
func (e *testEnv) chatStream(who, message, conversation string) (*httptest.ResponseRecorder, []sseEvent) {
	e.t.Helper()
	w := e.doAsWith(who, http.MethodPost, "/api/v1/assistant/chat", chatBody(message, conversation),
		map[string]string{"Accept": "text/event-stream"})
	if w.Code != http.StatusOK {
		return w, nil
	}
	return w, parseSSE(e.t, strings.NewReader(w.Body.String()))
}

// doAsWith is doAs with extra request headers.
func (e *testEnv) doAsWith(who, method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	h := http.Handler(e.srv)
	switch who {
	case asAnonymous:
	case asGuest:
		h = e.demo
	default:
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// addAssistant fills slot, which env's server was built with, with a real assistant over
// env's catalog, keeping conversations in a store of its own.
func addAssistant(t *testing.T, env *testEnv, slot *assistantSlot) {
	t.Helper()
	svc, err := assistant.New(assistant.Deps{Catalog: env.svc, Store: storetest.New(t)})
	if err != nil {
		t.Fatalf("assistant.New: %v", err)
	}
	slot.svc = svc
}

// conversationOf starts a conversation as who and returns its URL under
// /api/v1/assistant/conversations/ plus suffix; for callers who cannot ask, the URL of a
// conversation that does not exist.
func (e *testEnv) conversationOf(who, suffix string) string {
	e.t.Helper()
	id := "none"
	if w := e.doAs(who, http.MethodPost, "/api/v1/assistant/chat", `{"message":"who owns open-svc?"}`); w.Code == http.StatusOK {
		var a chatAnswer
		decode(e.t, w, &a)
		id = a.ConversationID
	}
	return "/api/v1/assistant/conversations/" + id + suffix
}

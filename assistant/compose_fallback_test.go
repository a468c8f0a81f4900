package assistant_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/nextportal/portal/assistant"
)

// TestFallback puts the OpenAI-compatible composer in front of the local one: whenever the
// model fails before it showed any text, the local composer answers with the notice; after
// text was shown, the user gets an error instead of a second answer.
func TestFallback(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name       string
		script     func(call int) chatReply // nil means nothing listens
		wantLocal  bool
		wantErr    error
		wantShown  string // for an error: what was shown before it
		wantAnswer string // for an answer: a part of it
	}{
		{name: "the model answers", script: func(int) chatReply { return chatReply{deltas: []string{"It is team-payments [2]."}} },
			wantAnswer: "It is team-payments [2]."},
		{name: "the endpoint is down", wantLocal: true},
		{name: "500", script: func(int) chatReply { return chatReply{status: http.StatusInternalServerError} }, wantLocal: true},
		{name: "no answer in time", script: func(int) chatReply { return chatReply{delay: 10 * timeout} }, wantLocal: true},
		{name: "a malformed stream", script: func(int) chatReply { return chatReply{tail: "data: {oops\n\n"} }, wantLocal: true},
		{name: "the model fails mid-answer",
			script:  func(int) chatReply { return chatReply{deltas: []string{"It is"}, tail: "data: {oops\n\n"} },
			wantErr: assistant.ErrUnavailable, wantShown: "It is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := closedBaseURL(t)
			if tt.script != nil {
				base = newFakeChat(t, func(call int, _ openai.ChatCompletionRequest) chatReply { return tt.script(call) }).baseURL()
			}
			primary := newTestComposer(t, base, func(c *assistant.OpenAIComposerConfig) { c.Timeout = timeout })
			local := assistant.NewLocalComposer()
			fb := assistant.NewFallback(primary, local, chatTestLogger())
			if fb.Name() != primary.Name() {
				t.Errorf("Name() = %q, want the configured composer's %q", fb.Name(), primary.Name())
			}
			var got []string
			c, err := fb.Compose(t.Context(), paymentsInput(), tokensInto(&got))
			shown := strings.Join(got, "")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || shown != tt.wantShown {
					t.Fatalf("error %v after showing %q, want %v after %q", err, shown, tt.wantErr, tt.wantShown)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compose: %v", err)
			}
			if shown != c.Text || c.Text == "" {
				t.Errorf("emitted %q, composition text %q: want the same, non-empty", shown, c.Text)
			}
			if !tt.wantLocal {
				if c.Notice != "" || c.Composer != "" || !strings.Contains(c.Text, tt.wantAnswer) {
					t.Errorf("model's answer came back as %+v", c)
				}
				return
			}
			if c.Notice != assistant.FallbackNotice || c.Composer != local.Name() {
				t.Errorf("notice %q and composer %q, want %q by %q", c.Notice, c.Composer, assistant.FallbackNotice, local.Name())
			}
			if !strings.Contains(c.Text, "team-payments") || !strings.Contains(c.Text, "[1]") {
				t.Errorf("local answer %q does not state the fact with its citation", c.Text)
			}
		})
	}
}

// TestFallbackSkipsAFailedModel checks that after the model was down the next questions go
// straight to the local composer instead of waiting for the same failure, while a failure
// of one question's request does not keep the model from the next.
func TestFallbackSkipsAFailedModel(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		wantCalls int
	}{
		{"down: one try and its retry, then none", http.StatusBadGateway, 2},
		{"a bad request: every question tries", http.StatusBadRequest, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{status: tt.status} })
			fb := assistant.NewFallback(newTestComposer(t, f.baseURL(), nil), assistant.NewLocalComposer(), chatTestLogger())
			for i := range 3 {
				c, err := fb.Compose(t.Context(), paymentsInput(), tokensInto(new([]string)))
				if err != nil || c.Notice != assistant.FallbackNotice {
					t.Fatalf("question %d: %+v, %v; want the local answer with the notice", i, c, err)
				}
			}
			if n := len(f.calls()); n != tt.wantCalls {
				t.Errorf("the model got %d requests, want %d", n, tt.wantCalls)
			}
		})
	}
}

// TestFallbackBothFail uses a second OpenAI-compatible composer, also unreachable, as the
// fallback: the error says the assistant is unavailable and names both failures.
func TestFallbackBothFail(t *testing.T) {
	primary := newTestComposer(t, closedBaseURL(t), nil)
	second := newTestComposer(t, closedBaseURL(t), nil)
	_, err := assistant.NewFallback(primary, second, chatTestLogger()).Compose(t.Context(), paymentsInput(), tokensInto(new([]string)))
	if !errors.Is(err, assistant.ErrUnavailable) || strings.Count(err.Error(), "unreachable") != 2 {
		t.Errorf("error %v, want ErrUnavailable naming both unreachable endpoints", err)
	}
}

// TestFallbackClientGone checks that when the client goes away mid-answer nothing else
// answers: the emit error comes back and the second composer is never asked.
func TestFallbackClientGone(t *testing.T) {
	f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{deltas: []string{"one", " two"}} })
	spare := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{deltas: []string{"spare"}} })
	gone := errors.New("client went away")
	fb := assistant.NewFallback(newTestComposer(t, f.baseURL(), nil), newTestComposer(t, spare.baseURL(), nil), chatTestLogger())
	_, err := fb.Compose(t.Context(), paymentsInput(), func(string) error { return gone })
	if !errors.Is(err, gone) || len(spare.calls()) != 0 {
		t.Errorf("error %v with %d requests to the spare composer, want the emit error and none", err, len(spare.calls()))
	}
}

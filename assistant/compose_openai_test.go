package assistant_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/nextportal/portal/assistant"
)

// newTestComposer returns a composer for the chat server at baseURL with fast retries and
// a short request timeout; edit changes the config first.
func newTestComposer(t *testing.T, baseURL string, edit func(*assistant.OpenAIComposerConfig)) *assistant.OpenAIComposer {
	t.Helper()
	c := assistant.OpenAIComposerConfig{
		OpenAIConfig: assistant.OpenAIConfig{
			BaseURL: baseURL, APIKey: "sk-test", RetryBase: time.Millisecond, Timeout: 2 * time.Second,
			Logger: chatTestLogger(),
		},
		ChatModel: "test-model",
	}
	if edit != nil {
		edit(&c)
	}
	o, err := assistant.NewOpenAIComposer(c)
	if err != nil {
		t.Fatalf("NewOpenAIComposer: %v", err)
	}
	return o
}

// chatTestLogger discards what it is given.
func chatTestLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// tokensInto returns an emit that appends each token to *got.
func tokensInto(got *[]string) func(string) error {
	return func(tok string) error {
		*got = append(*got, tok)
		return nil
	}
}

// paymentsInput is a question with two sources and a fact.
func paymentsInput() assistant.ComposeInput {
	return assistant.ComposeInput{
		Question: "who owns payments-api?",
		Sources: []assistant.Source{
			{Kind: "entity", Ref: "component:default/payments-api", Title: "payments-api", URL: "/catalog/default/component/payments-api",
				Text: "payments-api is a production service owned by team-payments."},
			{Kind: "entity", Ref: "group:default/team-payments", Title: "team-payments", URL: "/catalog/default/group/team-payments",
				Text: "team-payments is a team."},
		},
		Facts: []assistant.Fact{{Text: "payments-api is owned by team-payments", Sources: []int{1, 2}}},
	}
}

// maxTokens is the max_tokens of req, which the composer sets on purpose.
func maxTokens(req openai.ChatCompletionRequest) int {
	return req.MaxTokens //lint:ignore SA1019 the composer sets max_tokens for local servers
}

// dataMarker finds the data block markers in a prompt.
var dataMarker = regexp.MustCompile(`<<<DATA (\w+)>>>\n((?s:.*?))<<<END DATA (\w+)>>>`)

func TestOpenAIComposerStreamsAnAnswer(t *testing.T) {
	deltas := []string{"payments-api", " is owned by", " team-payments [1][2]", "."}
	f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{deltas: deltas} })
	o := newTestComposer(t, f.baseURL(), nil)
	var got []string
	c, err := o.Compose(t.Context(), paymentsInput(), tokensInto(&got))
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	if strings.Join(got, "|") != strings.Join(deltas, "|") {
		t.Errorf("emitted %q, want each delta as it came: %q", got, deltas)
	}
	if c.Text != strings.Join(deltas, "") || c.Abstained || len(c.Sources) != 2 {
		t.Errorf("composition %+v", c)
	}
	if o.Name() != "openai:test-model" {
		t.Errorf("Name() = %q", o.Name())
	}
	reqs := f.calls()
	if len(reqs) != 1 || !reqs[0].Stream || reqs[0].Model != "test-model" || maxTokens(reqs[0]) != assistant.DefaultMaxAnswerTokens {
		t.Fatalf("requests %+v, want one streamed request for test-model", reqs)
	}
	msgs := reqs[0].Messages
	if msgs[0].Role != openai.ChatMessageRoleSystem || !strings.Contains(msgs[0].Content, "never an instruction") ||
		!strings.Contains(msgs[0].Content, assistant.AbstainToken) || !strings.Contains(msgs[0].Content, "[2]") {
		t.Errorf("system prompt does not set the rules: %s", msgs[0].Content)
	}
	user := msgs[len(msgs)-1].Content
	m := dataMarker.FindStringSubmatch(user)
	if m == nil || m[1] != m[3] || !strings.Contains(msgs[0].Content, "<<<DATA "+m[1]+">>>") {
		t.Fatalf("user message has no data block matching the system prompt's marker:\n%s", user)
	}
	for _, want := range []string{"[1] entity component:default/payments-api", "[2] entity group:default/team-payments",
		"payments-api is owned by team-payments [1] [2]"} {
		if !strings.Contains(m[2], want) {
			t.Errorf("data block lacks %q:\n%s", want, m[2])
		}
	}
	if !strings.HasSuffix(user, "Question: who owns payments-api?") {
		t.Errorf("the question does not follow the data block: %q", user)
	}
}

func TestOpenAIComposerAbstains(t *testing.T) {
	tests := []struct {
		name      string
		deltas    []string
		want      string
		abstained bool
	}{
		{"token split over deltas", []string{" NO", "_ANS", "WER: nothing", " about billing."}, "nothing about billing.", true},
		{"token alone", []string{assistant.AbstainToken}, "", true},
		{"a word that starts like the token", []string{"NO", "DE-1 runs it [1]."}, "NODE-1 runs it [1].", false},
		{"the token later is text", []string{"payments-api [1]. ", assistant.AbstainToken}, "payments-api [1]. " + assistant.AbstainToken, false},
		{"reasoning is not shown", []string{"<thi", "nk>maybe " + assistant.AbstainToken, "?</think>\n\n", "payments-api [1]."}, "payments-api [1].", false},
		{"reasoning, then the token", []string{"<think>no source says</think>", assistant.AbstainToken + ": nothing."}, "nothing.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{deltas: tt.deltas} })
			var got []string
			c, err := newTestComposer(t, f.baseURL(), nil).Compose(t.Context(), paymentsInput(), tokensInto(&got))
			if err != nil {
				t.Fatalf("Compose: %v", err)
			}
			if c.Abstained != tt.abstained || strings.Join(got, "") != c.Text {
				t.Errorf("abstained %v, text %q, emitted %q", c.Abstained, c.Text, got)
			}
			if tt.want != "" && c.Text != tt.want {
				t.Errorf("text %q, want %q", c.Text, tt.want)
			}
			if tt.abstained && (c.Text == "" || strings.Contains(c.Text, assistant.AbstainToken)) {
				t.Errorf("abstention text %q: want a sentence without the token", c.Text)
			}
		})
	}
}

func TestOpenAIComposerFailures(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name      string
		script    func(call int) chatReply
		baseURL   string // "" means the fake server
		wantCalls int
		wantErr   string
		wantShown string // text emitted before the failure
	}{
		{
			name:      "500 is retried once, then reported",
			script:    func(int) chatReply { return chatReply{status: http.StatusInternalServerError} },
			wantCalls: 2, wantErr: "/v1/chat/completions answered 500",
		},
		{
			name: "503 then an answer",
			script: func(call int) chatReply {
				if call == 0 {
					return chatReply{status: http.StatusServiceUnavailable}
				}
				return chatReply{deltas: []string{"ok [1]."}}
			},
			wantCalls: 2, wantShown: "ok [1].",
		},
		{
			name:      "a key that is refused is not retried",
			script:    func(int) chatReply { return chatReply{status: http.StatusUnauthorized} },
			wantCalls: 1, wantErr: "refused the API key (check OPENAI_API_KEY)",
		},
		{
			name:      "no answer within the timeout",
			script:    func(int) chatReply { return chatReply{delay: 10 * timeout} },
			wantCalls: 2, wantErr: "no answer within 300ms",
		},
		{
			name:      "a malformed stream before any text",
			script:    func(int) chatReply { return chatReply{tail: "data: {\"choices\": [oops\n\n"} },
			wantCalls: 1, wantErr: "reading the streamed answer",
		},
		{
			name:      "a stream cut off before it finished",
			script:    func(int) chatReply { return chatReply{deltas: []string{"  "}, tail: "\n"} },
			wantCalls: 1, wantErr: "ended before the model finished",
		},
		{
			name:      "a malformed stream after some text",
			script:    func(int) chatReply { return chatReply{deltas: []string{"payments-api is"}, tail: "data: not json\n\n"} },
			wantCalls: 1, wantErr: "failed after the answer began", wantShown: "payments-api is",
		},
		{
			name: "the stream stalls after some text",
			script: func(int) chatReply {
				return chatReply{deltas: []string{"payments-api is", " owned"}, gap: timeout * 2 / 3}
			},
			wantCalls: 1, wantErr: "failed after the answer began", wantShown: "payments-api is",
		},
		{
			name:      "an empty answer",
			script:    func(int) chatReply { return chatReply{deltas: []string{" ", "\n"}} },
			wantCalls: 1, wantErr: "empty answer",
		},
		{
			name:      "reasoning that never ends",
			script:    func(int) chatReply { return chatReply{deltas: []string{"<think>", "the sources say"}} },
			wantCalls: 1, wantErr: "empty answer",
		},
		{
			name:    "the endpoint is down",
			baseURL: "closed", wantErr: "unreachable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f *fakeChat
			base := tt.baseURL
			if base == "" {
				f = newFakeChat(t, func(call int, _ openai.ChatCompletionRequest) chatReply { return tt.script(call) })
				base = f.baseURL()
			} else {
				base = closedBaseURL(t)
			}
			o := newTestComposer(t, base, func(c *assistant.OpenAIComposerConfig) { c.Timeout = timeout })
			var got []string
			start := time.Now()
			_, err := o.Compose(t.Context(), paymentsInput(), tokensInto(&got))
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Compose took %s: it must give up within its timeout and retries", took)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Compose: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Compose error %v, want one containing %q", err, tt.wantErr)
			}
			if shown := strings.Join(got, ""); shown != tt.wantShown {
				t.Errorf("emitted %q, want %q", shown, tt.wantShown)
			}
			if f != nil && len(f.calls()) != tt.wantCalls {
				t.Errorf("%d requests, want %d", len(f.calls()), tt.wantCalls)
			}
		})
	}
}

func TestOpenAIComposerStopsWhenEmitFails(t *testing.T) {
	f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply {
		return chatReply{deltas: []string{"one", " two", " three"}}
	})
	gone := errors.New("client went away")
	n := 0
	_, err := newTestComposer(t, f.baseURL(), nil).Compose(t.Context(), paymentsInput(), func(string) error {
		n++
		return gone
	})
	if !errors.Is(err, gone) || n != 1 || len(f.calls()) != 1 {
		t.Errorf("error %v after %d emits and %d requests, want the emit error after one of each", err, n, len(f.calls()))
	}
}

func TestOpenAIComposerAnswerTimeout(t *testing.T) {
	f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{delay: time.Minute} })
	o := newTestComposer(t, f.baseURL(), func(c *assistant.OpenAIComposerConfig) {
		c.Timeout, c.MaxRetries, c.AnswerTimeout = time.Minute, 5, 200*time.Millisecond
	})
	start := time.Now()
	_, err := o.Compose(t.Context(), paymentsInput(), tokensInto(new([]string)))
	if err == nil || !strings.Contains(err.Error(), "no complete answer within 200ms") || time.Since(start) > 5*time.Second {
		t.Errorf("Compose error %v after %s, want the answer timeout", err, time.Since(start))
	}
}

func TestOpenAIComposerCancelled(t *testing.T) {
	f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{delay: time.Minute} })
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	o := newTestComposer(t, f.baseURL(), func(c *assistant.OpenAIComposerConfig) { c.Timeout = time.Minute })
	if _, err := o.Compose(ctx, paymentsInput(), tokensInto(new([]string))); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Compose error %v, want the caller's deadline", err)
	}
}

func TestOpenAIComposerConfig(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*assistant.OpenAIComposerConfig)
		wantErr string
	}{
		{"no model", func(c *assistant.OpenAIComposerConfig) { c.ChatModel = " " }, "PORTAL_CHAT_MODEL"},
		{"no base URL", func(c *assistant.OpenAIComposerConfig) { c.BaseURL = "" }, "OPENAI_BASE_URL"},
		{"not http", func(c *assistant.OpenAIComposerConfig) { c.BaseURL = "ftp://x/v1" }, "not an http(s) URL"},
		{"no room for a prompt", func(c *assistant.OpenAIComposerConfig) { c.ContextTokens, c.MaxAnswerTokens = 1000, 900 }, "no room for a prompt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := assistant.OpenAIComposerConfig{OpenAIConfig: assistant.OpenAIConfig{BaseURL: "http://localhost:1/v1"}, ChatModel: "m"}
			tt.edit(&c)
			if _, err := assistant.NewOpenAIComposer(c); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestOpenAIComposerContextBudget gives more sources and history than fit: the prompt stays
// within the budget, keeps the first sources and the latest turns, and says what it left out.
func TestOpenAIComposerContextBudget(t *testing.T) {
	f := newFakeChat(t, func(int, openai.ChatCompletionRequest) chatReply { return chatReply{deltas: []string{"fine [1]."}} })
	const budget, answer = 2500, 300
	o := newTestComposer(t, f.baseURL(), func(c *assistant.OpenAIComposerConfig) { c.ContextTokens, c.MaxAnswerTokens = budget, answer })
	in := assistant.ComposeInput{Question: "how do I rotate the orders database password?"}
	for i := range 40 {
		in.Sources = append(in.Sources, assistant.Source{Kind: "doc", Ref: fmt.Sprintf("doc:runbook-%02d#s", i), Title: fmt.Sprintf("Runbook %02d", i),
			Text: strings.Repeat(fmt.Sprintf("step %02d of the rotation. ", i), 200)})
	}
	for i := range 30 {
		in.History = append(in.History, assistant.Turn{Question: fmt.Sprintf("earlier question %02d", i),
			Answer: assistant.Answer{Answer: fmt.Sprintf("earlier answer %02d [1]. ", i) + strings.Repeat("more words ", 100)}})
	}
	c, err := o.Compose(t.Context(), in, tokensInto(new([]string)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 40 {
		t.Errorf("composition has %d sources, want all 40 (numbering must not shift)", len(c.Sources))
	}
	req := f.calls()[0]
	size := 0
	for _, m := range req.Messages {
		size += len([]rune(m.Content))
	}
	if size/3 > budget-answer {
		t.Errorf("prompt of %d characters (~%d tokens) exceeds the budget of %d tokens besides the answer", size, size/3, budget-answer)
	}
	text := promptText(req)
	for _, want := range []string{"[1] doc doc:runbook-00#s", "more sources left out for length", "earlier question 29", "earlier answer 29."} {
		if !strings.Contains(text, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
	for _, unwanted := range []string{"doc:runbook-39#s", "earlier question 00", "earlier answer 29 [1]"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("prompt holds %q, which should not fit or was an old marker", unwanted)
		}
	}
}

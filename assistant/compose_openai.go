package assistant

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sashabaranov/go-openai"
)

// Defaults of OpenAIComposerConfig's zero fields.
const (
	DefaultChatRetries     = 1
	DefaultMaxToolRounds   = 3
	DefaultMaxToolCalls    = 6
	DefaultContextTokens   = 6000
	DefaultMaxAnswerTokens = 700
	DefaultAnswerTimeout   = 2 * time.Minute
)

// OpenAIComposerConfig says how the OpenAI-compatible composer reaches its chat model and how
// much one answer may cost.
type OpenAIComposerConfig struct {
	// OpenAIConfig gives the endpoint (BaseURL, APIKey), the per-request Timeout, which
	// bounds each planning request and the whole streamed answer of each attempt, and
	// the retries. Its embedding fields are not used. A zero MaxRetries means
	// DefaultChatRetries here: a person is waiting.
	OpenAIConfig
	// ChatModel names the chat model, e.g. gpt-4o-mini or llama3.1 (PORTAL_CHAT_MODEL).
	ChatModel string
	// MaxToolRounds bounds the planning requests in which the model may call tools;
	// negative means no planning (the model answers from the given sources only).
	MaxToolRounds int
	// MaxToolCalls bounds the tool calls run for one answer, over all rounds.
	MaxToolCalls int
	// ContextTokens is the estimated size the prompt may reach (system prompt, history,
	// facts, sources, tool results); what does not fit is cut, oldest history first.
	ContextTokens int
	// MaxAnswerTokens bounds the answer the model writes.
	MaxAnswerTokens int
	// AnswerTimeout bounds one whole answer: every planning round, tool call, retry and
	// the stream (default 2 minutes).
	AnswerTimeout time.Duration
}

// withDefaults returns c with its zero fields set to the defaults.
func (c OpenAIComposerConfig) withDefaults() OpenAIComposerConfig {
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultChatRetries
	}
	c.OpenAIConfig = c.OpenAIConfig.withDefaults()
	if c.MaxToolRounds == 0 {
		c.MaxToolRounds = DefaultMaxToolRounds
	}
	if c.MaxToolCalls == 0 {
		c.MaxToolCalls = DefaultMaxToolCalls
	}
	if c.ContextTokens == 0 {
		c.ContextTokens = DefaultContextTokens
	}
	if c.MaxAnswerTokens == 0 {
		c.MaxAnswerTokens = DefaultMaxAnswerTokens
	}
	if c.AnswerTimeout == 0 {
		c.AnswerTimeout = DefaultAnswerTimeout
	}
	return c
}

// validate reports every problem of c (after withDefaults) at once.
func (c OpenAIComposerConfig) validate() error {
	errs := c.endpointProblems()
	if strings.TrimSpace(c.ChatModel) == "" {
		errs = append(errs, errors.New("no chat model (set PORTAL_CHAT_MODEL)"))
	}
	if c.MaxToolCalls < 0 || c.MaxAnswerTokens < 0 || c.AnswerTimeout < 0 {
		errs = append(errs, errors.New("tool calls, answer tokens and the answer timeout must not be negative"))
	}
	if c.ContextTokens < c.MaxAnswerTokens+minPromptTokens {
		errs = append(errs, fmt.Errorf("context of %d tokens leaves no room for a prompt beside a %d-token answer", c.ContextTokens, c.MaxAnswerTokens))
	}
	return errors.Join(errs...)
}

// OpenAIComposer is a Composer that asks a chat model at an OpenAI-compatible server. It
// offers the Registry's tools for planning, runs the calls the model makes as the asker
// (the principal in ctx) within caps, then streams the answer. Retrieved text reaches the
// model inside marked data blocks that the system prompt says are never instructions.
// The model signals that the sources do not answer by starting with AbstainToken.
// It is safe for concurrent use.
type OpenAIComposer struct {
	cfg    OpenAIComposerConfig
	client *openai.Client
	// noTools is set once the server said it cannot call tools (a model without tool
	// support, a server started without it); from then on the model answers from the
	// sources it is given.
	noTools atomic.Bool
}

var _ Composer = (*OpenAIComposer)(nil)

// NewOpenAIComposer checks c and returns a composer for it. It makes no request.
func NewOpenAIComposer(c OpenAIComposerConfig) (*OpenAIComposer, error) {
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("openai composer: %w", err)
	}
	return &OpenAIComposer{cfg: c, client: newOpenAIClient(c.OpenAIConfig)}, nil
}

// Name is "openai:<model>".
func (o *OpenAIComposer) Name() string { return "openai:" + o.cfg.ChatModel }

// Compose plans with the model (tool calls, when in.Tools has any), then streams its
// answer to emit. Before the first token is emitted, failures are retried and then
// returned; after it, an error is returned at once, since the text already shown cannot
// be taken back. An error from emit stops the answer and is returned as it is.
func (o *OpenAIComposer) Compose(ctx context.Context, in ComposeInput, emit func(token string) error) (Composition, error) {
	actx, cancel := context.WithTimeout(ctx, o.cfg.AnswerTimeout)
	defer cancel()
	c, err := o.compose(actx, in, emit)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return Composition{}, fmt.Errorf("chat endpoint %s: no complete answer within %s: %w", o.endpoint(), o.cfg.AnswerTimeout, err)
	}
	return c, err
}

// compose is Compose within the answer's timeout.
func (o *OpenAIComposer) compose(ctx context.Context, in ComposeInput, emit func(token string) error) (Composition, error) {
	p := newPrompt(o.cfg, in)
	if err := o.plan(ctx, p, in.Tools); err != nil {
		return Composition{}, err
	}
	text, abstained, err := o.stream(ctx, p, emit)
	if err != nil {
		return Composition{}, err
	}
	return Composition{Text: text, Sources: p.sources, Abstained: abstained}, nil
}

// endpoint is the URL chat requests go to.
func (o *OpenAIComposer) endpoint() string {
	return strings.TrimSuffix(o.cfg.BaseURL, "/") + "/chat/completions"
}

// describe turns the final error of a request into a message that says what to check.
func (o *OpenAIComposer) describe(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return describeFailure("chat endpoint "+o.endpoint(), o.cfg.Timeout, err)
}

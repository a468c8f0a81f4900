package assistant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/sashabaranov/go-openai"
)

// silentAbstainText is said when the model abstains without saying what it could not find.
const silentAbstainText = "I found nothing in the portal that answers this."

// errUnfinished means a stream ended without a finish_reason: cut off, not complete.
var errUnfinished = errors.New("the stream ended before the model finished its answer")

// stream asks for the answer to p's messages and streams it to emit through a gate that
// holds back the start until it is clear whether it is AbstainToken. It returns the text
// shown and whether the model abstained. Failures before anything was emitted are retried
// like any request; after that, the error is returned at once.
func (o *OpenAIComposer) stream(ctx context.Context, p *prompt, emit func(string) error) (string, bool, error) {
	req := openai.ChatCompletionRequest{Model: o.cfg.ChatModel, Messages: p.messages, Stream: true}
	setMaxTokens(&req, o.cfg.MaxAnswerTokens)
	if p.tools != nil { // the messages hold tool calls; some servers need the tools to read them
		req.Tools, req.ToolChoice = p.tools, "none"
	}
	var g *gate
	var late error // a failure after text was emitted: never retried
	err := withRetry(ctx, o.cfg.OpenAIConfig, "chat answer", func(ctx context.Context) error {
		g = &gate{emit: emit}
		s, err := o.client.CreateChatCompletionStream(ctx, req)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := g.read(s); err != nil {
			if g.emitted {
				late = err
				return nil
			}
			return err
		}
		return nil
	})
	switch {
	case g != nil && g.emitErr != nil:
		return "", false, g.emitErr
	case late != nil && ctx.Err() != nil:
		return "", false, ctx.Err()
	case late != nil:
		return "", false, fmt.Errorf("chat endpoint %s failed after the answer began: %w", o.endpoint(), late)
	case err != nil:
		return "", false, o.describe(ctx, err)
	}
	if g.abstained && g.text.Len() == 0 {
		if err := g.send(silentAbstainText); err != nil {
			return "", false, err
		}
	}
	return g.text.String(), g.abstained, nil
}

// Reasoning models served through OpenAI-compatible servers (Qwen3, DeepSeek-R1 on Ollama
// or llama.cpp) may begin their content with their reasoning between these tags.
const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

// gate passes the streamed text to emit, except that it holds back the start until it
// knows whether the reply begins with AbstainToken, which it strips. Reasoning in a
// leading <think> block is dropped, never shown.
type gate struct {
	emit      func(string) error
	held      strings.Builder // the start, while it may still be AbstainToken
	decided   bool
	abstained bool
	emitted   bool
	emitErr   error           // what emit returned: the caller went away
	text      strings.Builder // everything emitted
}

// read passes every content delta of s through the gate, and requires a finish_reason.
func (g *gate) read(s *openai.ChatCompletionStream) error {
	finished := false
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the streamed answer: %w", err)
		}
		for _, c := range chunk.Choices {
			if c.Index != 0 {
				continue
			}
			if err := g.write(c.Delta.Content); err != nil {
				return err
			}
			if c.FinishReason != "" {
				finished = true
			}
		}
	}
	if !finished {
		return errUnfinished
	}
	if err := g.decide(); err != nil {
		return err
	}
	if !g.abstained && strings.TrimSpace(g.text.String()) == "" {
		return errors.New("the model returned an empty answer")
	}
	return nil
}

// write takes one delta of the reply.
func (g *gate) write(s string) error {
	if g.decided {
		return g.send(s)
	}
	g.held.WriteString(s)
	head := strings.TrimLeftFunc(g.held.String(), unicode.IsSpace)
	if strings.HasPrefix(head, thinkOpen) {
		_, after, closed := strings.Cut(head, thinkClose)
		if !closed {
			return nil // still reasoning
		}
		g.held.Reset()
		g.held.WriteString(after)
		head = strings.TrimLeftFunc(after, unicode.IsSpace)
	}
	if maybe := func(tok string) bool { return len(head) < len(tok) && strings.HasPrefix(tok, head) }; maybe(AbstainToken) || maybe(thinkOpen) {
		return nil // it may still become the token or a reasoning block
	}
	return g.decide()
}

// decide looks at the held start once: it is the abstain token or the answer's beginning.
func (g *gate) decide() error {
	if g.decided {
		return nil
	}
	g.decided = true
	head := strings.TrimLeftFunc(g.held.String(), unicode.IsSpace)
	g.held.Reset()
	if strings.HasPrefix(head, thinkOpen) { // the reasoning never ended: there is no answer
		head = ""
	}
	if rest, ok := strings.CutPrefix(head, AbstainToken); ok {
		g.abstained = true
		head = rest
	}
	return g.send(head)
}

// send emits s, dropping what may not begin an answer: space, and after the abstain
// token its punctuation.
func (g *gate) send(s string) error {
	if g.text.Len() == 0 {
		s = strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || g.abstained && unicode.IsPunct(r) })
	}
	if s == "" {
		return nil
	}
	g.text.WriteString(s)
	g.emitted = true
	if err := g.emit(s); err != nil {
		g.emitErr = err
		return err
	}
	return nil
}

// setMaxTokens bounds the reply. It sets max_tokens, which OpenAI deprecates for
// max_completion_tokens, because the local servers (Ollama, llama.cpp, older vLLM) read
// only max_tokens, and OpenAI's chat models other than the reasoning ones still accept it.
func setMaxTokens(req *openai.ChatCompletionRequest, n int) {
	req.MaxTokens = n //lint:ignore SA1019 see the comment above
}

package assistant

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/sashabaranov/go-openai"
)

// Bounds of planning.
const (
	planTokens  = 400 // a planning reply is tool calls, or an answer that is thrown away
	minToolRoom = 150 // estimated tokens a tool result needs to be worth running
)

// plan offers reg's tools to the model for up to MaxToolRounds requests. Each round runs
// the calls the model asks for, as the principal in ctx, and appends their results (in
// data blocks) and sources to p; planning ends when the model asks for none, or when the
// rounds or MaxToolCalls are used up. A reply without tool calls is not kept: the answer
// is streamed afterwards. Nothing happens without tools.
func (o *OpenAIComposer) plan(ctx context.Context, p *prompt, reg *Registry) error {
	if reg == nil || o.cfg.MaxToolRounds < 0 || o.cfg.MaxToolCalls == 0 || o.noTools.Load() {
		return nil
	}
	tools := reg.Tools()
	if len(tools) == 0 {
		return nil
	}
	p.tools = toolDefs(tools)
	defsCost := 0
	if defs, err := json.Marshal(p.tools); err == nil {
		defsCost = tokens(string(defs))
	}
	p.left -= defsCost
	calls := 0
	for round := 0; round < o.cfg.MaxToolRounds && calls < o.cfg.MaxToolCalls; round++ {
		req := openai.ChatCompletionRequest{Model: o.cfg.ChatModel, Messages: p.messages, Tools: p.tools, ToolChoice: "auto"}
		setMaxTokens(&req, planTokens)
		var resp openai.ChatCompletionResponse
		err := withRetry(ctx, o.cfg.OpenAIConfig, "chat planning", func(ctx context.Context) error {
			var err error
			resp, err = o.client.CreateChatCompletion(ctx, req)
			return err
		})
		if err != nil && round == 0 && o.toolsRefused(ctx, err) {
			p.tools, p.left = nil, p.left+defsCost
			return nil
		}
		if err != nil {
			return o.describe(ctx, err)
		}
		if len(resp.Choices) == 0 {
			return fmt.Errorf("chat endpoint %s returned no choices", o.endpoint())
		}
		msg := resp.Choices[0].Message
		if len(msg.ToolCalls) == 0 {
			return nil
		}
		for i := range msg.ToolCalls {
			if msg.ToolCalls[i].ID == "" { // some servers leave it out; the reply must name it
				msg.ToolCalls[i].ID = "call_" + strconv.Itoa(round) + "_" + strconv.Itoa(i)
			}
			msg.ToolCalls[i].Type = openai.ToolTypeFunction
		}
		p.messages = append(p.messages, openai.ChatCompletionMessage{
			Role: openai.ChatMessageRoleAssistant, Content: msg.Content, ToolCalls: msg.ToolCalls,
		})
		for _, call := range msg.ToolCalls {
			content, err := o.runTool(ctx, p, reg, call, &calls)
			if err != nil {
				return err
			}
			p.messages = append(p.messages, openai.ChatCompletionMessage{
				Role: openai.ChatMessageRoleTool, ToolCallID: call.ID, Name: call.Function.Name, Content: content,
			})
		}
	}
	return nil
}

// toolsRefused reports whether err is the server refusing the first planning request for
// its tools (400 or 422 with a message about tools, as Ollama, vLLM and llama.cpp say it),
// and if so remembers to plan no more: the answer is streamed without tools.
func (o *OpenAIComposer) toolsRefused(ctx context.Context, err error) bool {
	status, _ := classify(err)
	if (status != http.StatusBadRequest && status != http.StatusUnprocessableEntity) ||
		!strings.Contains(strings.ToLower(err.Error()), "tool") {
		return false
	}
	o.noTools.Store(true)
	o.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "the chat model cannot call tools; it answers from the sources it is given",
		slog.String("model", o.cfg.ChatModel), slog.Any("error", err))
	return true
}

// toolDefs offers tools to the model as functions.
func toolDefs(tools []Tool) []openai.Tool {
	defs := make([]openai.Tool, len(tools))
	for i, t := range tools {
		params := t.Parameters()
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		defs[i] = openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: t.Name(), Description: t.Description(), Parameters: params,
		}}
	}
	return defs
}

// runTool runs one call the model asked for, as the principal in ctx, and returns what the
// model reads back: the result in a data block, or why it was not run. calls counts the
// calls run for this answer. Only ctx's end is returned as an error; a tool's own error
// goes back to the model.
func (o *OpenAIComposer) runTool(ctx context.Context, p *prompt, reg *Registry, call openai.ToolCall, calls *int) (string, error) {
	name := call.Function.Name
	t, ok := reg.Tool(name)
	switch {
	case *calls >= o.cfg.MaxToolCalls:
		return fmt.Sprintf("not run: the limit of %d tool calls per answer is reached; answer with what you have", o.cfg.MaxToolCalls), nil
	case p.left < minToolRoom:
		return "not run: there is no room left for more results; answer with what you have", nil
	case !ok:
		return fmt.Sprintf("error: there is no tool named %q", name), nil
	}
	args := strings.TrimSpace(call.Function.Arguments)
	if args == "" {
		args = "{}"
	}
	if !json.Valid([]byte(args)) {
		return "error: the arguments are not valid JSON", nil
	}
	*calls++
	res, err := t.Call(ctx, json.RawMessage(args))
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err != nil {
		o.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "assistant tool failed",
			slog.String("tool", name), slog.String("args", args), slog.Any("error", err))
		return p.dataBlock("error: "+oneLine(err.Error())+"\n", "the result of the tool "+name), nil
	}
	content := p.toolResult(name, res)
	p.left -= tokens(content) + messageTokens
	return content, nil
}

// toolResult renders a tool's text and its sources, numbered after the sources so far,
// in a data block, within maxToolTokens and the room left. Every source is numbered, shown
// or not, the way the pipeline numbers what tools return (first appearance, sourceKey).
func (p *prompt) toolResult(name string, res ToolResult) string {
	budget := min(2*maxToolTokens, p.left)
	var b strings.Builder
	text := cut(res.Text, min(maxToolTokens, budget/2))
	b.WriteString(text + "\n")
	if len(res.Sources) > 0 {
		b.WriteString("\nSources of this result:\n")
	}
	left := 0
	for _, s := range res.Sources {
		entry := sourceEntry(p.add(s), s, text)
		if left > 0 || tokens(b.String()+entry) > budget {
			left++
			continue
		}
		b.WriteString(entry)
	}
	if left > 0 {
		fmt.Fprintf(&b, "(%d more sources left out for length)\n", left)
	}
	return p.dataBlock(b.String(), "the result of the tool "+name)
}

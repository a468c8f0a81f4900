package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// tools holds what the tool handlers need.
type tools struct{ d Deps }

// toolDef is one tool and the function that runs it as the caller in ctx. run returns
// the structured result; its text form is the JSON of it unless run gives a text.
type toolDef struct {
	tool *sdk.Tool
	run  func(ctx context.Context, args json.RawMessage) (result any, text string, err error)
}

// Annotations of read-only and changing tools.
var (
	readOnly    = &sdk.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, DestructiveHint: ptr(false)}
	changes     = &sdk.ToolAnnotations{DestructiveHint: ptr(false)}
	destructive = &sdk.ToolAnnotations{DestructiveHint: ptr(true), IdempotentHint: true}
)

func ptr[T any](v T) *T { return &v }

// all lists every tool: the native ones, Backstage's well-known actions, then the
// assistant registry's tools (a registry tool never replaces one of ours).
func (t *tools) all() []toolDef {
	defs := append(t.native(), t.backstage()...)
	have := map[string]bool{}
	for _, d := range defs {
		have[d.tool.Name] = true
	}
	if t.d.Tools != nil {
		for _, rt := range t.d.Tools.Tools() {
			if have[rt.Name()] {
				continue
			}
			defs = append(defs, toolDef{
				tool: &sdk.Tool{Name: rt.Name(), Description: rt.Description(), InputSchema: rt.Parameters(), Annotations: readOnly},
				run: func(ctx context.Context, args json.RawMessage) (any, string, error) {
					res, err := rt.Call(ctx, args)
					if err != nil {
						return nil, "", err
					}
					return map[string]any{"text": res.Text, "sources": t.sources(res.Sources)}, res.Text, nil
				},
			})
		}
	}
	return defs
}

// wrap adapts run to the SDK: it puts the caller's principal in ctx, bounds the
// arguments, and reports failures as tool errors with a client-readable message.
func (t *tools) wrap(name string, run func(context.Context, json.RawMessage) (any, string, error)) sdk.ToolHandler {
	return func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		p, err := principalOf(req)
		if err != nil {
			return errorResult(err), nil
		}
		ctx = auth.NewContext(ctx, p)
		args := json.RawMessage(`{}`)
		if req.Params != nil && len(req.Params.Arguments) > 0 {
			args = req.Params.Arguments
		}
		if len(args) > maxArgs {
			return errorResult(errkind.Errorf(errkind.Invalid, "%s: arguments are longer than %d bytes", name, maxArgs)), nil
		}
		res, text, err := run(ctx, args)
		if err != nil {
			t.d.Logger.DebugContext(ctx, "mcp tool failed", "tool", name, "actor", p.Actor(), "error", err)
			return errorResult(err), nil
		}
		if text == "" {
			b, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				return errorResult(fmt.Errorf("%s: encode result: %w", name, err)), nil
			}
			text = string(b)
		}
		return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: text}}, StructuredContent: res}, nil
	}
}

// maxArgs bounds a tool call's arguments (a template or entity YAML fits easily).
const maxArgs = 256 << 10

// decode reads a tool's arguments into v, refusing unknown fields' types and bad JSON.
func decode(name string, args json.RawMessage, v any) error {
	if err := json.Unmarshal(args, v); err != nil {
		return errkind.Errorf(errkind.Invalid, "%s: the arguments do not match the input schema", name)
	}
	return nil
}

// schema builds an object JSON Schema from properties and the required names.
func schema(props map[string]any, required ...string) json.RawMessage {
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	b, _ := json.Marshal(s)
	return b
}

// str is a string property with a description.
func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

// link makes a portal path absolute with the base URL.
func (t *tools) link(path string) string {
	if strings.HasPrefix(path, "/") && t.d.BaseURL != "" {
		return strings.TrimRight(t.d.BaseURL, "/") + path
	}
	return path
}

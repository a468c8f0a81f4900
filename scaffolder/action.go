package scaffolder

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Action is a built-in step action, listed by GET /v2/actions in Backstage's shape.
type Action struct {
	ID          string       `json:"id"`
	Description string       `json:"description,omitempty"`
	Schema      ActionSchema `json:"schema"`
	// SupportsDryRun actions run in a dry run; the others are skipped and their outputs
	// filled from the output schema.
	SupportsDryRun bool `json:"-"`
	// Handler does the work.
	Handler func(ctx context.Context, ac *ActionContext) error `json:"-"`

	once     sync.Once
	compiled *jsonschema.Schema
	cerr     error
}

// ActionSchema is an action's input and output JSON Schemas.
type ActionSchema struct {
	Input  map[string]any `json:"input,omitempty"`
	Output map[string]any `json:"output,omitempty"`
}

// ActionContext is what an action gets for one run.
type ActionContext struct {
	Input     map[string]any
	Workspace *Workspace
	Template  TemplateInfo
	User      TaskUser
	DryRun    bool
	StepID    string

	svc    *Service
	log    func(msg string)
	output map[string]any
}

// Log adds a line to the step's log.
func (ac *ActionContext) Log(format string, args ...any) { ac.log(fmt.Sprintf(format, args...)) }

// Output sets one of the step's outputs.
func (ac *ActionContext) Output(name string, v any) { ac.output[name] = v }

// str returns a string input, or def when unset.
func (ac *ActionContext) str(name, def string) string {
	if s, ok := ac.Input[name].(string); ok && s != "" {
		return s
	}
	return def
}

// validateInput checks input against the action's input schema.
func (a *Action) validateInput(input map[string]any) error {
	if a.Schema.Input == nil {
		return nil
	}
	a.once.Do(func() { a.compiled, a.cerr = compilePage(a.Schema.Input, 0) })
	if a.cerr != nil {
		return a.cerr
	}
	inst, err := jsonValue(input)
	if err != nil {
		return errkindf("action %s: input is not JSON", a.ID)
	}
	verr, ok := a.compiled.Validate(inst).(*jsonschema.ValidationError)
	if !ok || verr == nil {
		return nil
	}
	var fes []FieldError
	collect(verr, &fes)
	msgs := make([]string, len(fes))
	for i, fe := range fes {
		msgs[i] = fe.Stack
	}
	return errkindf("invalid input passed to action %s, %s", a.ID, strings.Join(msgs, "; "))
}

// registry holds the actions by id.
type registry map[string]*Action

func (r registry) list() []*Action {
	out := make([]*Action, 0, len(r))
	for _, a := range r {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Action) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// exampleOutput fills an output schema's properties with placeholders, for skipped steps of
// a dry run (Backstage does the same).
func exampleOutput(schema map[string]any) map[string]any {
	out := map[string]any{}
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		ps, _ := p.(map[string]any)
		switch ps["type"] {
		case "array":
			out[name] = []any{}
		case "object":
			out[name] = map[string]any{}
		case "boolean":
			out[name] = false
		case "number", "integer":
			out[name] = 0
		default:
			out[name] = "example"
		}
	}
	return out
}

func obj(props map[string]any, required ...string) map[string]any {
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		r := make([]any, len(required))
		for i, v := range required {
			r[i] = v
		}
		s["required"] = r
	}
	return s
}

func prop(typ, title string) map[string]any {
	return map[string]any{"type": typ, "title": title}
}

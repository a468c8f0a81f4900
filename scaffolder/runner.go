package scaffolder

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// run is one execution of a task spec, in a workspace.
type run struct {
	svc     *Service
	spec    TaskSpec
	secrets map[string]string
	ws      *Workspace
	dryRun  bool
	emit    func(typ EventType, body map[string]any)
}

// principal is the task's user as a principal: actions act as the user who ran the task.
func (u TaskUser) principal() auth.Principal {
	return auth.Principal{Kind: auth.Kind(u.Kind), Subject: u.Subject, Name: u.Name, UserRef: u.Ref, Groups: u.Groups, Role: auth.Role(u.Role)}
}

// execute runs every step and renders the output. The error is the step failure, with a
// message fit for the task log.
func (r *run) execute(ctx context.Context) (map[string]any, error) {
	ctx = auth.NewContext(ctx, r.spec.User.principal())
	steps := map[string]any{}
	user := map[string]any{"ref": r.spec.User.Ref}
	if r.spec.User.Ref != "" {
		user["entity"] = map[string]any{"metadata": map[string]any{"name": r.spec.User.Name}}
	}
	secrets := map[string]any{}
	for k, v := range r.secrets {
		secrets[k] = v
	}
	vars := map[string]any{"parameters": r.spec.Parameters, "steps": steps, "secrets": secrets, "user": user,
		"templateInfo": map[string]any{"entityRef": r.spec.TemplateInfo.EntityRef, "baseUrl": r.spec.TemplateInfo.BaseURL}}
	for _, step := range r.spec.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, err := r.step(ctx, step, vars)
		if err != nil {
			r.emit(EventLog, map[string]any{"message": publicError(err), "stepId": step.ID, "status": string(StatusFailed)})
			return nil, err
		}
		steps[step.ID] = map[string]any{"output": out}
	}
	out, err := r.svc.renderer.RenderValue(r.spec.Output, vars)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	m, _ := out.(map[string]any)
	return m, nil
}

// step runs one step (once per item of its each:) and returns its output.
func (r *run) step(ctx context.Context, step Step, vars map[string]any) (map[string]any, error) {
	r.emit(EventLog, map[string]any{"message": "Beginning step " + step.Name, "stepId": step.ID, "status": string(StatusProcessing)})
	if step.If != nil {
		cond, err := r.svc.renderer.RenderValue(step.If, vars)
		if err != nil {
			return nil, err
		}
		if !truthy(cond) {
			r.emit(EventLog, map[string]any{"message": "Skipping step " + step.ID + " because its if condition was false", "stepId": step.ID, "status": "skipped"})
			return map[string]any{}, nil
		}
	}
	action, ok := r.svc.action(step.Action)
	if !ok {
		return nil, &stepError{action: step.Action, err: errkindf("Template action with ID '%s' is not registered. This portal cannot run it; map it to publish:git in PORTAL_SCAFFOLDER_ACTION_MAP if it publishes a repository.", step.Action)}
	}
	items := []map[string]any{nil}
	if step.Each != nil {
		var err error
		if items, err = r.eachItems(step, vars); err != nil {
			return nil, err
		}
	}
	output := map[string]any{}
	for _, item := range items {
		iv := vars
		if item != nil {
			iv = maps.Clone(vars)
			iv["each"] = item
			r.emit(EventLog, map[string]any{"message": fmt.Sprintf("Running step each: %v", item["key"]), "stepId": step.ID})
		}
		rendered, err := r.svc.renderer.RenderValue(step.Input, iv)
		if err != nil {
			return nil, &stepError{action: step.Action, err: err}
		}
		input, _ := rendered.(map[string]any)
		if input == nil {
			input = map[string]any{}
		}
		if err := action.validateInput(input); err != nil {
			return nil, &stepError{action: step.Action, err: err}
		}
		if r.dryRun && !action.SupportsDryRun {
			r.emit(EventLog, map[string]any{"message": "Skipping because " + action.ID + " does not support dry-run", "stepId": step.ID})
			maps.Copy(output, exampleOutput(action.Schema.Output))
			continue
		}
		ac := &ActionContext{Input: input, Workspace: r.ws, Template: r.spec.TemplateInfo, User: r.spec.User, DryRun: r.dryRun, StepID: step.ID,
			svc: r.svc, output: map[string]any{},
			log: func(msg string) { r.emit(EventLog, map[string]any{"message": msg, "stepId": step.ID}) }}
		if err := action.Handler(ctx, ac); err != nil {
			return nil, &stepError{action: step.Action, err: err}
		}
		for k, v := range ac.output {
			if item != nil {
				prev, _ := output[k].([]any)
				output[k] = append(prev, v)
			} else {
				output[k] = v
			}
		}
	}
	r.emit(EventLog, map[string]any{"message": "Finished step " + step.Name, "stepId": step.ID, "status": string(StatusCompleted)})
	return output, nil
}

// eachItems renders a step's each: into {key, value} items, bounded by MaxEach.
func (r *run) eachItems(step Step, vars map[string]any) ([]map[string]any, error) {
	v, err := r.svc.renderer.RenderValue(step.Each, vars)
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	add := func(k, val any) error {
		if len(items) >= r.svc.cfg.MaxEach {
			return errkindf("step %s: each: has more than %d items", step.ID, r.svc.cfg.MaxEach)
		}
		items = append(items, map[string]any{"key": k, "value": val})
		return nil
	}
	switch t := v.(type) {
	case []any:
		if len(t) > r.svc.cfg.MaxEach {
			return nil, errkindf("step %s: each: has more than %d items", step.ID, r.svc.cfg.MaxEach)
		}
		for i, e := range t {
			if err := add(fmt.Sprint(i), e); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		keys := slices.Sorted(maps.Keys(t))
		for _, k := range keys {
			if err := add(k, t[k]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, errkindf("step %s: each: must be a list or an object", step.ID)
	}
	return items, nil
}

// truthy is JavaScript truthiness, which Backstage applies to if:.
func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != "" && t != "false"
	case float64:
		return t != 0
	case int:
		return t != 0
	}
	return true
}

// publicError is the message a task log shows for err: the message written for clients,
// or the error's text for failures of our own making.
func publicError(err error) string {
	var se *stepError
	if errors.As(err, &se) {
		return se.action + ": " + publicError(se.err)
	}
	if errors.Is(err, context.Canceled) {
		return "the run was cancelled"
	}
	if msg := errkind.Message(err); msg != "" {
		return msg
	}
	return err.Error()
}

// stepError is a step's failure, named by the action that failed.
type stepError struct {
	action string
	err    error
}

func (e *stepError) Error() string { return e.action + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

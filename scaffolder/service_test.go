package scaffolder_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/scaffolder"
)

const logSteps = `    - id: hello
      name: Say hello
      action: debug:log
      input:
        message: Hello ${{ parameters.name }}
    - id: each
      action: debug:log
      each: ${{ ['a', 'b'] }}
      input:
        message: item ${{ each.value }}
    - id: skipped
      if: ${{ parameters.name === 'nobody' }}
      action: debug:log
      input: {message: never}
`

func TestValuesValidation(t *testing.T) {
	env := newTestEnv(t)
	env.writeTemplate(t, "v", map[string]string{"template.yaml": templateYAML("v", logSteps)})
	ctx := developer(t.Context())
	tests := []struct {
		name      string
		values    map[string]any
		wantProps []string // the property of each error, in order
	}{
		{"missing required", map[string]any{}, []string{"instance"}},
		{"wrong type and bound", map[string]any{"name": 7, "count": 9}, []string{"instance.count", "instance.name"}},
		{"too short", map[string]any{"name": "x"}, []string{"instance.name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.svc.Create(ctx, "template:default/v", tt.values, nil)
			var verr *scaffolder.ValuesError
			if !errors.As(err, &verr) || !errors.Is(err, scaffolder.ErrInvalid) {
				t.Fatalf("Create = %v, want a ValuesError", err)
			}
			var props []string
			for _, fe := range verr.Errors {
				props = append(props, fe.Property)
				if fe.Message == "" || fe.Name == "" || fe.Stack == "" {
					t.Errorf("error %+v lacks a field", fe)
				}
			}
			if len(props) != len(tt.wantProps) {
				t.Fatalf("errors %+v, want properties %v", verr.Errors, tt.wantProps)
			}
			for i := range props {
				if props[i] != tt.wantProps[i] {
					t.Errorf("error %d property = %q, want %q", i, props[i], tt.wantProps[i])
				}
			}
		})
	}
	_, err := env.svc.Create(ctx, "template:default/v", map[string]any{}, nil)
	var verr *scaffolder.ValuesError
	if errors.As(err, &verr) && (verr.Errors[0].Argument != "name" || verr.Errors[0].Message != `requires property "name"`) {
		t.Errorf("required error = %+v, want Backstage's shape naming name", verr.Errors[0])
	}
}

func TestRunLogsStepsAndOutputs(t *testing.T) {
	env := newTestEnv(t)
	env.writeTemplate(t, "l", map[string]string{"template.yaml": templateYAML("l", logSteps)})
	ctx := developer(t.Context())
	id, err := env.svc.Create(ctx, "template:default/l", map[string]any{"name": "world"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.runAll(t)
	var msgs []string
	for _, e := range eventsOf(t, env, id) {
		m, _ := e.Body["message"].(string)
		msgs = append(msgs, m)
	}
	env.mu.Lock()
	audits := append([]string{}, env.audits...)
	env.mu.Unlock()
	if len(audits) != 2 || !strings.HasPrefix(audits[0], "scaffolder.task.create ") || !strings.HasPrefix(audits[1], "scaffolder.task.completed ") ||
		!strings.Contains(audits[1], "task:"+id+" template:default/l") {
		t.Errorf("audit events = %q, want the creation and the completion of task %s", audits, id)
	}
	want := []string{"Hello world", "item a", "item b", "Skipping step skipped because its if condition was false", "Run completed with status: completed"}
	for _, w := range want {
		found := false
		for _, m := range msgs {
			found = found || m == w
		}
		if !found {
			t.Errorf("log lacks %q: %q", w, msgs)
		}
	}
}

func TestPermissionsAndVisibility(t *testing.T) {
	env := newTestEnv(t)
	env.writeTemplate(t, "p", map[string]string{"template.yaml": templateYAML("p", logSteps)})
	restricted := templateYAML("secret-template", logSteps)
	restricted = restricted[:len("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n")] +
		"  annotations:\n    nextportal.io/visibility: restricted\n" + restricted[len("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n"):]
	env.writeTemplate(t, "r", map[string]string{"template.yaml": restricted})
	values := map[string]any{"name": "ok-name"}
	if _, err := env.svc.Create(viewer(t.Context()), "template:default/p", values, nil); !errors.Is(err, scaffolder.ErrForbidden) {
		t.Errorf("viewer Create = %v, want ErrForbidden", err)
	}
	if _, err := env.svc.Create(t.Context(), "template:default/p", values, nil); !errors.Is(err, scaffolder.ErrForbidden) {
		t.Errorf("anonymous Create = %v, want ErrForbidden", err)
	}
	if _, err := env.svc.Create(developer(t.Context()), "template:default/secret-template", values, nil); !errors.Is(err, scaffolder.ErrNotFound) {
		t.Errorf("Create of a restricted template = %v, want ErrNotFound", err)
	}
	id, err := env.svc.Create(developer(t.Context()), "template:default/p", values, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := auth.NewContext(t.Context(), auth.Principal{Kind: auth.KindUser, Subject: "u3", UserRef: "user:default/other", Role: auth.RoleDeveloper})
	if _, err := env.svc.Task(other, id); !errors.Is(err, scaffolder.ErrNotFound) {
		t.Errorf("another user's Task = %v, want ErrNotFound", err)
	}
	if tasks, total, _ := env.svc.Tasks(other, scaffolder.TaskFilter{}); len(tasks) != 0 || total != 0 {
		t.Errorf("another user lists %d tasks", total)
	}
	if tasks, _, _ := env.svc.Tasks(developer(t.Context()), scaffolder.TaskFilter{}); len(tasks) != 1 {
		t.Errorf("creator lists %d tasks, want 1", len(tasks))
	}
}

func TestCancelOpenAndRunningTasks(t *testing.T) {
	env := newTestEnv(t)
	env.writeTemplate(t, "w", map[string]string{"template.yaml": templateYAML("w", `    - id: wait
      action: debug:wait
      input: {minutes: 5}
`)})
	ctx := developer(t.Context())
	values := map[string]any{"name": "ok-name"}
	open, err := env.svc.Create(ctx, "template:default/w", values, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.svc.Cancel(ctx, open); err != nil {
		t.Fatalf("Cancel(open): %v", err)
	}
	if task, _ := env.svc.Task(ctx, open); task.Status != scaffolder.StatusCancelled {
		t.Errorf("cancelled open task status = %s", task.Status)
	}
	running, err := env.svc.Create(ctx, "template:default/w", values, nil)
	if err != nil {
		t.Fatal(err)
	}
	events, stop := env.svc.Subscribe(running)
	defer stop()
	done := make(chan struct{})
	go func() { defer close(done); env.runAll(t) }()
	// Wait until the step has begun, then cancel it.
	for {
		<-events
		task, _ := env.svc.Task(ctx, running)
		if task.Status == scaffolder.StatusProcessing && len(eventsOf(t, env, running)) >= 2 {
			break
		}
	}
	if err := env.svc.Cancel(ctx, running); err != nil {
		t.Fatalf("Cancel(running): %v", err)
	}
	<-done
	if task, _ := env.svc.Task(ctx, running); task.Status != scaffolder.StatusCancelled {
		t.Errorf("cancelled running task status = %s", task.Status)
	}
	evs := eventsOf(t, env, running)
	if last := evs[len(evs)-1]; last.Type != scaffolder.EventCancelled {
		t.Errorf("last event = %+v, want cancelled", last)
	}
	if err := env.svc.Cancel(ctx, running); !errors.Is(err, scaffolder.ErrConflict) {
		t.Errorf("Cancel(cancelled) = %v, want ErrConflict", err)
	}
	assertWorkspacesRemoved(t, env)
}

// TestRecoverFailsTasksOfADeadPortal leaves a task processing with a stale heartbeat (a
// portal that died mid-run) and starts recovery: the task is failed, never left processing.
func TestRecoverFailsTasksOfADeadPortal(t *testing.T) {
	env := newTestEnv(t)
	env.writeTemplate(t, "d", map[string]string{"template.yaml": templateYAML("d", logSteps)})
	ctx := developer(t.Context())
	id, err := env.svc.Create(ctx, "template:default/d", map[string]any{"name": "ok-name"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The dead portal claimed it long ago and never finished.
	if _, ok, err := env.db.ClaimTask(t.Context(), time.Now().Add(-time.Hour)); !ok || err != nil {
		t.Fatalf("ClaimTask = %v, %v", ok, err)
	}
	if err := env.svc.Recover(t.Context()); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	task, _ := env.svc.Task(ctx, id)
	if task.Status != scaffolder.StatusFailed {
		t.Errorf("status after recovery = %s, want failed", task.Status)
	}
	evs := eventsOf(t, env, id)
	if last := evs[len(evs)-1]; last.Type != scaffolder.EventCompletion || last.Body["status"] != "failed" {
		t.Errorf("last event = %+v, want a failed completion", last)
	}
}

package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nextportal/portal/scaffolder"
)

// Scaffolder runs the scaffolder.Store contract against stores from newStore, which must
// return an empty, migrated store for each call.
func Scaffolder(t *testing.T, newStore func(t *testing.T) scaffolder.Store) {
	t.Run("CreateAndRead", func(t *testing.T) { testTaskCreate(t, newStore(t)) })
	t.Run("List", func(t *testing.T) { testTaskList(t, newStore(t)) })
	t.Run("ClaimOnce", func(t *testing.T) { testTaskClaimOnce(t, newStore(t)) })
	t.Run("FinishAndCancel", func(t *testing.T) { testTaskFinishCancel(t, newStore(t)) })
	t.Run("Stale", func(t *testing.T) { testTaskStale(t, newStore(t)) })
	t.Run("Events", func(t *testing.T) { testTaskEvents(t, newStore(t)) })
}

var taskT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func mustTask(t *testing.T, s scaffolder.Store, id, by string, at time.Time) scaffolder.Task {
	t.Helper()
	task := scaffolder.Task{ID: id, Status: scaffolder.StatusOpen, CreatedBy: by, CreatedAt: at,
		Spec: scaffolder.TaskSpec{APIVersion: "scaffolder.backstage.io/v1beta3", Parameters: map[string]any{"name": id},
			Steps:        []scaffolder.Step{{ID: "log", Name: "Log", Action: "debug:log", Input: map[string]any{"message": "hi"}}},
			TemplateInfo: scaffolder.TemplateInfo{EntityRef: "template:default/t"}}}
	if err := s.CreateTask(t.Context(), task); err != nil {
		t.Fatalf("CreateTask(%s): %v", id, err)
	}
	return task
}

func testTaskCreate(t *testing.T, s scaffolder.Store) {
	ctx := t.Context()
	mustTask(t, s, "t1", "user:default/jane", taskT0)
	got, err := s.Task(ctx, "t1")
	if err != nil {
		t.Fatalf("Task: %v", err)
	}
	if got.Status != scaffolder.StatusOpen || got.CreatedBy != "user:default/jane" || !got.CreatedAt.Equal(taskT0) ||
		got.Spec.Parameters["name"] != "t1" || len(got.Spec.Steps) != 1 || got.Spec.Steps[0].Action != "debug:log" || got.LastHeartbeatAt != nil {
		t.Errorf("Task = %+v", got)
	}
	if err := s.CreateTask(ctx, scaffolder.Task{ID: "t1", Status: scaffolder.StatusOpen}); !errors.Is(err, scaffolder.ErrConflict) {
		t.Errorf("CreateTask(taken id) = %v, want ErrConflict", err)
	}
	if _, err := s.Task(ctx, "nope"); !errors.Is(err, scaffolder.ErrNotFound) {
		t.Errorf("Task(missing) = %v, want ErrNotFound", err)
	}
}

func testTaskList(t *testing.T, s scaffolder.Store) {
	ctx := t.Context()
	mustTask(t, s, "a", "user:default/jane", taskT0)
	mustTask(t, s, "b", "user:default/joe", taskT0.Add(time.Minute))
	mustTask(t, s, "c", "user:default/jane", taskT0.Add(2*time.Minute))
	tests := []struct {
		name      string
		f         scaffolder.TaskFilter
		want      []string
		wantTotal int
	}{
		{"all newest first", scaffolder.TaskFilter{}, []string{"c", "b", "a"}, 3},
		{"by creator", scaffolder.TaskFilter{CreatedBy: "user:default/jane"}, []string{"c", "a"}, 2},
		{"paged", scaffolder.TaskFilter{Limit: 1, Offset: 1}, []string{"b"}, 3},
		{"nobody", scaffolder.TaskFilter{CreatedBy: "user:default/none"}, []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tasks, total, err := s.Tasks(ctx, tt.f)
			if err != nil {
				t.Fatalf("Tasks: %v", err)
			}
			ids := []string{}
			for _, task := range tasks {
				ids = append(ids, task.ID)
			}
			if !slices.Equal(ids, tt.want) || total != tt.wantTotal {
				t.Errorf("Tasks(%+v) = %v (total %d), want %v (total %d)", tt.f, ids, total, tt.want, tt.wantTotal)
			}
		})
	}
}

func testTaskClaimOnce(t *testing.T, s scaffolder.Store) {
	ctx := t.Context()
	for i, id := range []string{"x1", "x2", "x3", "x4"} {
		mustTask(t, s, id, "u", taskT0.Add(time.Duration(i)*time.Second))
	}
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				task, ok, err := s.ClaimTask(ctx, taskT0)
				if err != nil {
					t.Errorf("ClaimTask: %v", err)
					return
				}
				if !ok {
					return
				}
				if task.Status != scaffolder.StatusProcessing || task.LastHeartbeatAt == nil {
					t.Errorf("claimed task = %+v, want processing with a heartbeat", task)
				}
				mu.Lock()
				claimed[task.ID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != 4 {
		t.Errorf("claimed %v, want each of 4 tasks", claimed)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("task %s claimed %d times", id, n)
		}
	}
	if _, ok, err := s.ClaimTask(ctx, taskT0); ok || err != nil {
		t.Errorf("ClaimTask(none open) = %v, %v", ok, err)
	}
}

func testTaskFinishCancel(t *testing.T, s scaffolder.Store) {
	ctx := t.Context()
	mustTask(t, s, "f", "u", taskT0)
	if ok, err := s.FinishTask(ctx, "f", scaffolder.StatusCompleted, nil); ok || err != nil {
		t.Errorf("FinishTask(open) = %v, %v; want false (only processing tasks finish)", ok, err)
	}
	if _, ok, err := s.ClaimTask(ctx, taskT0); !ok || err != nil {
		t.Fatalf("ClaimTask = %v, %v", ok, err)
	}
	if ok, err := s.FinishTask(ctx, "f", scaffolder.StatusCompleted, map[string]any{"links": []any{"x"}}); !ok || err != nil {
		t.Fatalf("FinishTask = %v, %v", ok, err)
	}
	got, err := s.Task(ctx, "f")
	if err != nil || got.Status != scaffolder.StatusCompleted || got.Output["links"] == nil {
		t.Errorf("finished task = %+v, %v", got, err)
	}
	if _, err := s.CancelTask(ctx, "f"); !errors.Is(err, scaffolder.ErrConflict) {
		t.Errorf("CancelTask(completed) = %v, want ErrConflict", err)
	}
	if _, err := s.CancelTask(ctx, "nope"); !errors.Is(err, scaffolder.ErrNotFound) {
		t.Errorf("CancelTask(missing) = %v, want ErrNotFound", err)
	}
	mustTask(t, s, "c", "u", taskT0)
	if _, ok, err := s.ClaimTask(ctx, taskT0); !ok || err != nil {
		t.Fatalf("ClaimTask = %v, %v", ok, err)
	}
	before, err := s.CancelTask(ctx, "c")
	if err != nil || before != scaffolder.StatusProcessing {
		t.Errorf("CancelTask(processing) = %q, %v", before, err)
	}
	if ok, err := s.FinishTask(ctx, "c", scaffolder.StatusCompleted, nil); ok || err != nil {
		t.Errorf("FinishTask(cancelled) = %v, %v; want false", ok, err)
	}
	if got, _ := s.Task(ctx, "c"); got.Status != scaffolder.StatusCancelled {
		t.Errorf("status after cancel and finish = %q, want cancelled", got.Status)
	}
}

func testTaskStale(t *testing.T, s scaffolder.Store) {
	ctx := t.Context()
	mustTask(t, s, "old", "u", taskT0)
	mustTask(t, s, "new", "u", taskT0.Add(time.Second))
	mustTask(t, s, "open", "u", taskT0.Add(2*time.Second))
	if _, _, err := s.ClaimTask(ctx, taskT0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimTask(ctx, taskT0); err != nil {
		t.Fatal(err)
	}
	if err := s.Heartbeat(ctx, "new", taskT0.Add(time.Hour)); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	ids, err := s.FailStaleTasks(ctx, taskT0.Add(time.Minute))
	if err != nil || !slices.Equal(ids, []string{"old"}) {
		t.Errorf("FailStaleTasks = %v, %v; want [old]", ids, err)
	}
	for id, want := range map[string]scaffolder.TaskStatus{"old": scaffolder.StatusFailed, "new": scaffolder.StatusProcessing, "open": scaffolder.StatusOpen} {
		if got, _ := s.Task(ctx, id); got.Status != want {
			t.Errorf("task %s status = %q, want %q", id, got.Status, want)
		}
	}
}

func testTaskEvents(t *testing.T, s scaffolder.Store) {
	ctx := t.Context()
	mustTask(t, s, "e", "u", taskT0)
	var ids []int64
	for i, msg := range []string{"one", "two", "three"} {
		id, err := s.AppendEvent(ctx, scaffolder.Event{TaskID: "e", Type: scaffolder.EventLog, Body: map[string]any{"message": msg, "stepId": "s"}, CreatedAt: taskT0.Add(time.Duration(i) * time.Second)})
		if err != nil {
			t.Fatalf("AppendEvent: %v", err)
		}
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) || ids[0] == ids[1] {
		t.Errorf("event ids %v do not grow", ids)
	}
	all, err := s.Events(ctx, "e", 0, 0)
	if err != nil || len(all) != 3 || all[0].Body["message"] != "one" || all[2].Type != scaffolder.EventLog || all[0].TaskID != "e" {
		t.Fatalf("Events = %+v, %v", all, err)
	}
	after, err := s.Events(ctx, "e", ids[0], 1)
	if err != nil || len(after) != 1 || after[0].Body["message"] != "two" {
		t.Errorf("Events(after first, limit 1) = %+v, %v", after, err)
	}
	if _, err := s.AppendEvent(ctx, scaffolder.Event{TaskID: "missing", Type: scaffolder.EventLog, Body: map[string]any{}}); err == nil {
		t.Errorf("AppendEvent(missing task) succeeded")
	}
}

package scaffolder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// pollEvery is how often an idle worker looks for open tasks it was not woken for (tasks
// created by another replica) and sweeps stale ones.
const pollEvery = 2 * time.Second

// Recover fails every processing task whose heartbeat is older than StaleAfter: the tasks
// of a portal that died. Call it at start; Work also sweeps as it goes.
func (s *Service) Recover(ctx context.Context) error {
	ids, err := s.store.FailStaleTasks(ctx, time.Now().UTC().Add(-s.cfg.StaleAfter))
	if err != nil {
		return fmt.Errorf("recover tasks: %w", err)
	}
	for _, id := range ids {
		s.logger.WarnContext(ctx, "task failed on recovery", slog.String("task_id", id))
		s.audit(ctx, "system:scaffolder", "scaffolder.task.recovered", Task{ID: id}, "failed: the portal stopped while it ran")
		s.appendEvent(ctx, id, EventRecovered, map[string]any{"message": "The portal stopped while this task ran; it was failed on recovery"})
		s.appendEvent(ctx, id, EventCompletion, map[string]any{"message": "Run completed with status: failed", "status": string(StatusFailed),
			"error": map[string]any{"name": "RecoveredError", "message": "the portal stopped while the task ran"}})
	}
	return nil
}

// Work is one worker of the pool: it claims open tasks and runs them until ctx ends. The
// caller starts Workers() of them and waits for them at shutdown.
func (s *Service) Work(ctx context.Context) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			ran, err := s.RunNext(ctx)
			if err != nil {
				s.logger.ErrorContext(ctx, "claim task", slog.Any("error", err))
			}
			if !ran {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
			if err := s.Recover(ctx); err != nil && ctx.Err() == nil {
				s.logger.ErrorContext(ctx, "sweep stale tasks", slog.Any("error", err))
			}
		}
	}
}

// RunNext claims one open task and runs it to the end; ran is false when none was open.
func (s *Service) RunNext(ctx context.Context) (ran bool, err error) {
	task, ok, err := s.store.ClaimTask(ctx, time.Now().UTC())
	if err != nil || !ok {
		return false, err
	}
	s.runTask(ctx, task)
	return true, nil
}

// runTask runs a claimed task in a fresh workspace, which it removes afterwards.
func (s *Service) runTask(ctx context.Context, task Task) {
	runCtx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.running[task.ID] = cancel
	secrets := s.secrets[task.ID]
	s.mu.Unlock()
	defer func() {
		cancel()
		s.mu.Lock()
		delete(s.running, task.ID)
		delete(s.secrets, task.ID)
		s.mu.Unlock()
	}()
	// Events and the final status are written even when the portal is stopping.
	bg := context.WithoutCancel(ctx)
	emit := func(typ EventType, body map[string]any) { s.appendEvent(bg, task.ID, typ, body) }
	stopBeat := s.heartbeat(runCtx, task.ID)
	output, runErr := s.runInWorkspace(runCtx, task, secrets, emit)
	stopBeat()

	status, body := StatusCompleted, map[string]any{"message": "Run completed with status: completed", "output": output}
	switch {
	case runErr != nil && runCtx.Err() != nil && ctx.Err() == nil:
		status, body = StatusCancelled, map[string]any{"message": "Run cancelled", "status": string(StatusCancelled)}
	case runErr != nil:
		status, body = StatusFailed, map[string]any{"message": "Run completed with status: failed", "error": map[string]any{"name": "Error", "message": publicError(runErr)}}
	}
	body["status"] = string(status)
	if status == StatusCancelled {
		// CancelTask set the status already; only the event is left to write.
		emit(EventCancelled, body)
		return
	}
	if ctx.Err() != nil && runErr != nil {
		// The portal is stopping: the task stays processing and is failed by the next
		// start's recovery once its heartbeat is stale, which tells the user why.
		return
	}
	finished, err := s.store.FinishTask(bg, task.ID, status, output)
	if err != nil {
		s.logger.ErrorContext(bg, "finish task", slog.String("task_id", task.ID), slog.Any("error", err))
		return
	}
	if !finished {
		emit(EventCancelled, map[string]any{"message": "Run cancelled", "status": string(StatusCancelled)})
		return
	}
	s.logger.InfoContext(bg, "task finished", slog.String("task_id", task.ID), slog.String("status", string(status)))
	s.audit(bg, task.Spec.User.principal().Actor(), "scaffolder.task."+string(status), task, "")
	emit(EventCompletion, body)
}

// runInWorkspace makes the task's workspace, runs the task in it and removes it.
func (s *Service) runInWorkspace(ctx context.Context, task Task, secrets map[string]string, emit func(EventType, map[string]any)) (map[string]any, error) {
	if err := os.MkdirAll(s.cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("create work folder: %w", err)
	}
	dir, err := os.MkdirTemp(s.cfg.WorkDir, "task-")
	if err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			s.logger.Error("remove workspace", slog.String("task_id", task.ID), slog.Any("error", err))
		}
	}()
	ws, err := openWorkspace(dir)
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	spec := task.Spec
	if u, err := url.Parse(spec.TemplateInfo.BaseURL); err == nil && u.Scheme == "file" && spec.TemplateInfo.Dir == "" {
		spec.TemplateInfo.Dir = filepath.Clean(filepath.FromSlash(u.Path))
	}
	r := &run{svc: s, spec: spec, secrets: secrets, ws: ws, emit: emit}
	return r.execute(ctx)
}

// heartbeat updates the task's heartbeat until the returned stop is called.
func (s *Service) heartbeat(ctx context.Context, id string) (stop func()) {
	every := s.cfg.StaleAfter / 4
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.store.Heartbeat(ctx, id, time.Now().UTC()); err != nil && !errors.Is(err, context.Canceled) {
					s.logger.ErrorContext(ctx, "task heartbeat", slog.String("task_id", id), slog.Any("error", err))
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/scaffolder"
)

var _ scaffolder.Store = (*DB)(nil)

// Task list page sizes: the default (limit 0) and the most one page holds.
const (
	defaultTaskPage = 50
	maxTaskPage     = 500
)

// CreateTask stores a new task.
func (db *DB) CreateTask(ctx context.Context, t scaffolder.Task) error {
	if t.ID == "" {
		return errkind.Errorf(scaffolder.ErrInvalid, "create task: id is required")
	}
	spec, err := json.Marshal(t.Spec)
	if err != nil {
		return fmt.Errorf("create task %s: spec: %w", t.ID, err)
	}
	defer db.lockWrites()()
	_, err = db.sql.ExecContext(ctx, `INSERT INTO scaffolder_tasks (id, spec, status, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, t.ID, string(spec), string(t.Status), t.CreatedBy, createdAt(t.CreatedAt))
	return translate("create task "+t.ID, err)
}

const taskColumns = `id, spec, status, created_by, created_at, last_heartbeat_at, output`

// Task returns one task, or scaffolder.ErrNotFound.
func (db *DB) Task(ctx context.Context, id string) (scaffolder.Task, error) {
	t, err := scanTask(db.sql.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM scaffolder_tasks WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return scaffolder.Task{}, errkind.Errorf(scaffolder.ErrNotFound, "task %s", id)
	}
	if err != nil {
		return scaffolder.Task{}, translate("task "+id, err)
	}
	return t, nil
}

// Tasks lists tasks newest first and counts all that match.
func (db *DB) Tasks(ctx context.Context, f scaffolder.TaskFilter) ([]scaffolder.Task, int, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultTaskPage
	}
	limit = min(limit, maxTaskPage)
	where, args := "", []any{}
	if f.CreatedBy != "" {
		where, args = " WHERE created_by = $1", append(args, f.CreatedBy)
	}
	var total int
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM scaffolder_tasks`+where, args...).Scan(&total); err != nil {
		return nil, 0, translate("count tasks", err)
	}
	tasks, err := collectRows(ctx, db.sql, `SELECT `+taskColumns+` FROM scaffolder_tasks`+where+
		` ORDER BY created_at DESC, id DESC `+db.dialect.limitOffset(limit, max(f.Offset, 0)), args, scanTask)
	if err != nil {
		return nil, 0, translate("list tasks", err)
	}
	if tasks == nil {
		tasks = []scaffolder.Task{}
	}
	return tasks, total, nil
}

// ClaimTask moves the oldest open task to processing. The conditional update makes a
// claim exclusive on both engines: a task another worker took first is skipped.
func (db *DB) ClaimTask(ctx context.Context, now time.Time) (scaffolder.Task, bool, error) {
	for range 10 {
		var id string
		err := db.sql.QueryRowContext(ctx, `SELECT id FROM scaffolder_tasks WHERE status = 'open'
			ORDER BY created_at, id LIMIT 1`).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return scaffolder.Task{}, false, nil
		}
		if err != nil {
			return scaffolder.Task{}, false, translate("claim task", err)
		}
		unlock := db.lockWrites()
		res, err := db.sql.ExecContext(ctx, `UPDATE scaffolder_tasks SET status = 'processing', last_heartbeat_at = $2
			WHERE id = $1 AND status = 'open'`, id, dbTime(now))
		unlock()
		if err != nil {
			return scaffolder.Task{}, false, translate("claim task "+id, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			t, err := db.Task(ctx, id)
			return t, err == nil, err
		}
	}
	return scaffolder.Task{}, false, nil
}

// Heartbeat sets a processing task's last heartbeat.
func (db *DB) Heartbeat(ctx context.Context, id string, now time.Time) error {
	defer db.lockWrites()()
	_, err := db.sql.ExecContext(ctx, `UPDATE scaffolder_tasks SET last_heartbeat_at = $2
		WHERE id = $1 AND status = 'processing'`, id, dbTime(now))
	return translate("heartbeat task "+id, err)
}

// FinishTask sets a processing task's final status and output.
func (db *DB) FinishTask(ctx context.Context, id string, status scaffolder.TaskStatus, output map[string]any) (bool, error) {
	if !status.Done() {
		return false, errkind.Errorf(scaffolder.ErrInvalid, "finish task %s: %q is not a final status", id, status)
	}
	out, err := json.Marshal(output)
	if err != nil {
		return false, fmt.Errorf("finish task %s: output: %w", id, err)
	}
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `UPDATE scaffolder_tasks SET status = $2, output = $3
		WHERE id = $1 AND status = 'processing'`, id, string(status), string(out))
	if err != nil {
		return false, translate("finish task "+id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, translate("finish task "+id, err)
	}
	return n == 1, nil
}

// CancelTask cancels an open or processing task and returns its status before.
func (db *DB) CancelTask(ctx context.Context, id string) (scaffolder.TaskStatus, error) {
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return "", translate("cancel task "+id, err)
	}
	defer tx.Rollback()
	var before string
	err = tx.QueryRowContext(ctx, `SELECT status FROM scaffolder_tasks WHERE id = $1`, id).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errkind.Errorf(scaffolder.ErrNotFound, "task %s", id)
	}
	if err != nil {
		return "", translate("cancel task "+id, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE scaffolder_tasks SET status = 'cancelled'
		WHERE id = $1 AND status IN ('open', 'processing')`, id)
	if err != nil {
		return "", translate("cancel task "+id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", errkind.Errorf(scaffolder.ErrConflict, "task %s has ended already", id)
	}
	if err := tx.Commit(); err != nil {
		return "", translate("cancel task "+id, err)
	}
	return scaffolder.TaskStatus(before), nil
}

// FailStaleTasks fails processing tasks whose heartbeat is before cutoff.
func (db *DB) FailStaleTasks(ctx context.Context, cutoff time.Time) ([]string, error) {
	defer db.lockWrites()()
	ids, err := collectRows(ctx, db.sql, `UPDATE scaffolder_tasks SET status = 'failed'
		WHERE status = 'processing' AND (last_heartbeat_at IS NULL OR last_heartbeat_at < $1) RETURNING id`,
		[]any{dbTime(cutoff)}, scanString)
	if err != nil {
		return nil, translate("fail stale tasks", err)
	}
	return ids, nil
}

// AppendEvent adds an event to a task's log.
func (db *DB) AppendEvent(ctx context.Context, e scaffolder.Event) (int64, error) {
	body, err := json.Marshal(e.Body)
	if err != nil {
		return 0, fmt.Errorf("append event to task %s: body: %w", e.TaskID, err)
	}
	defer db.lockWrites()()
	var id int64
	err = db.sql.QueryRowContext(ctx, `INSERT INTO scaffolder_task_events (task_id, type, body, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, e.TaskID, string(e.Type), string(body), createdAt(e.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, translate("append event to task "+e.TaskID, err)
	}
	return id, nil
}

// Events returns a task's events after an id, oldest first.
func (db *DB) Events(ctx context.Context, taskID string, after int64, limit int) ([]scaffolder.Event, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	events, err := collectRows(ctx, db.sql, `SELECT id, task_id, type, body, created_at FROM scaffolder_task_events
		WHERE task_id = $1 AND id > $2 ORDER BY id `+db.dialect.limitOffset(limit, 0), []any{taskID, after}, scanEvent)
	if err != nil {
		return nil, translate("events of task "+taskID, err)
	}
	if events == nil {
		events = []scaffolder.Event{}
	}
	return events, nil
}

func scanTask(sc scanner) (scaffolder.Task, error) {
	var t scaffolder.Task
	var spec, status string
	var beat sql.NullTime
	var output sql.NullString
	if err := sc.Scan(&t.ID, &spec, &status, &t.CreatedBy, &t.CreatedAt, &beat, &output); err != nil {
		return t, err
	}
	t.Status, t.CreatedAt = scaffolder.TaskStatus(status), t.CreatedAt.UTC()
	if beat.Valid {
		b := beat.Time.UTC()
		t.LastHeartbeatAt = &b
	}
	if err := json.Unmarshal([]byte(spec), &t.Spec); err != nil {
		return t, fmt.Errorf("task %s: spec: %w", t.ID, err)
	}
	if output.Valid && output.String != "" && output.String != "null" {
		if err := json.Unmarshal([]byte(output.String), &t.Output); err != nil {
			return t, fmt.Errorf("task %s: output: %w", t.ID, err)
		}
	}
	return t, nil
}

func scanEvent(sc scanner) (scaffolder.Event, error) {
	var e scaffolder.Event
	var typ, body string
	if err := sc.Scan(&e.ID, &e.TaskID, &typ, &body, &e.CreatedAt); err != nil {
		return e, err
	}
	e.Type, e.CreatedAt = scaffolder.EventType(typ), e.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(body), &e.Body); err != nil {
		return e, fmt.Errorf("event %d: body: %w", e.ID, err)
	}
	return e, nil
}

package scaffolder

import (
	"context"
	"time"
)

// TaskStatus is a task's state, with Backstage's names.
type TaskStatus string

// The states of a task. open → processing → completed, failed or cancelled.
const (
	StatusOpen       TaskStatus = "open"
	StatusProcessing TaskStatus = "processing"
	StatusCompleted  TaskStatus = "completed"
	StatusFailed     TaskStatus = "failed"
	StatusCancelled  TaskStatus = "cancelled"
)

// Done reports whether the status is final.
func (s TaskStatus) Done() bool {
	return s == StatusCompleted || s == StatusFailed || s == StatusCancelled
}

// TaskSpec is what a task runs: Backstage's TaskSpecV1beta3, plus the template's folder.
type TaskSpec struct {
	APIVersion   string           `json:"apiVersion"`
	Parameters   map[string]any   `json:"parameters"`
	Steps        []Step           `json:"steps"`
	Output       map[string]any   `json:"output"`
	TemplateInfo TemplateInfo     `json:"templateInfo"`
	User         TaskUser         `json:"user"`
	Pages        []map[string]any `json:"-"`
}

// TemplateInfo names the template a task runs and where its files are.
type TemplateInfo struct {
	EntityRef string `json:"entityRef"`
	BaseURL   string `json:"baseUrl,omitempty"`
	Dir       string `json:"-"`
}

// TaskUser is who ran the task: their catalog ref and the principal fields the actions
// need to act as them (catalog:register registers as the user who ran it).
type TaskUser struct {
	Ref     string   `json:"ref,omitempty"`
	Subject string   `json:"subject,omitempty"`
	Name    string   `json:"name,omitempty"`
	Kind    string   `json:"kind,omitempty"`
	Role    string   `json:"role,omitempty"`
	Groups  []string `json:"groups,omitempty"`
}

// Task is one run of a template, in Backstage's SerializedTask shape.
type Task struct {
	ID              string         `json:"id"`
	Spec            TaskSpec       `json:"spec"`
	Status          TaskStatus     `json:"status"`
	CreatedAt       time.Time      `json:"createdAt"`
	LastHeartbeatAt *time.Time     `json:"lastHeartbeatAt,omitempty"`
	CreatedBy       string         `json:"createdBy,omitempty"`
	Output          map[string]any `json:"output,omitempty"`
}

// EventType is the type of a task event, with Backstage's names.
type EventType string

// The event types. A task's last event is a completion or cancelled event.
const (
	EventLog        EventType = "log"
	EventCompletion EventType = "completion"
	EventCancelled  EventType = "cancelled"
	EventRecovered  EventType = "recovered"
)

// Event is one entry of a task's log, in Backstage's SerializedTaskEvent shape. Body holds
// message, and stepId and status for step events, output or error for completion.
type Event struct {
	ID        int64          `json:"id"`
	TaskID    string         `json:"taskId"`
	Body      map[string]any `json:"body"`
	Type      EventType      `json:"type"`
	CreatedAt time.Time      `json:"createdAt"`
}

// TaskFilter selects tasks to list.
type TaskFilter struct {
	CreatedBy string // only tasks this user ref created; "" for all
	Limit     int    // at most this many (the store caps it)
	Offset    int
}

// Store keeps tasks and their events. Every method takes ctx first.
type Store interface {
	// CreateTask stores a new task; its ID must be unused (else ErrConflict).
	CreateTask(ctx context.Context, t Task) error
	// Task returns one task, or ErrNotFound.
	Task(ctx context.Context, id string) (Task, error)
	// Tasks lists tasks newest first, and how many match in all.
	Tasks(ctx context.Context, f TaskFilter) ([]Task, int, error)
	// ClaimTask moves the oldest open task to processing with its heartbeat at now and
	// returns it; ok is false when no task is open. Two callers never claim the same task.
	ClaimTask(ctx context.Context, now time.Time) (t Task, ok bool, err error)
	// Heartbeat sets a processing task's last heartbeat.
	Heartbeat(ctx context.Context, id string, now time.Time) error
	// FinishTask sets a processing task's final status and output; it reports false (and
	// changes nothing) when the task was not processing, as when it was cancelled.
	FinishTask(ctx context.Context, id string, status TaskStatus, output map[string]any) (bool, error)
	// CancelTask sets an open or processing task to cancelled and reports its status
	// before; a finished task is ErrConflict, a missing one ErrNotFound.
	CancelTask(ctx context.Context, id string) (TaskStatus, error)
	// FailStaleTasks sets every processing task whose heartbeat is before cutoff to failed
	// and returns their ids.
	FailStaleTasks(ctx context.Context, cutoff time.Time) ([]string, error)
	// AppendEvent adds an event to a task's log and returns its id; ids grow.
	AppendEvent(ctx context.Context, e Event) (int64, error)
	// Events returns a task's events with id greater than after, oldest first, at most limit.
	Events(ctx context.Context, taskID string, after int64, limit int) ([]Event, error)
}

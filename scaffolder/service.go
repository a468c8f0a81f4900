package scaffolder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// Config is the scaffolder's settings.
type Config struct {
	// WorkDir holds the per-task workspaces; each is removed when its task ends.
	WorkDir string
	// ReposDir is where publish:git creates bare repositories (and their checkouts, under
	// checkouts/, which the catalog must accept as a file location root).
	ReposDir string
	// FileRoots are the registered file location roots fetch actions may read besides a
	// template's own folder.
	FileRoots []string
	// ActionAliases maps actions the portal cannot run to ones it can, such as
	// publish:github → publish:git. Only publish:git is a valid target.
	ActionAliases map[string]string
	// Workers is how many tasks run at once (the API server's pool); 0 means 2.
	Workers int
	// StaleAfter is how long a processing task may go without a heartbeat before it is
	// failed as the task of a portal that died; 0 means 2 minutes.
	StaleAfter time.Duration
	// MaxEach bounds the iterations of one step's each: loop; 0 means 100.
	MaxEach int
	Logger  *slog.Logger
	// Audit, when set, records each task's creation and end in the audit log.
	Audit func(ctx context.Context, e auth.AuditEvent) error
}

// Service runs templates: it validates values, keeps tasks, runs them on a worker pool and
// answers dry runs.
type Service struct {
	store          Store
	catalog        Catalog
	cfg            Config
	logger         *slog.Logger
	renderer       *Renderer
	cookieRenderer *Renderer
	actions        registry

	mu      sync.Mutex
	running map[string]context.CancelFunc
	secrets map[string]map[string]string // kept in memory only, never stored
	waiters map[string][]chan struct{}
	wake    chan struct{}
}

// NewService returns a Service over store and cat.
func NewService(store Store, cat Catalog, cfg Config) (*Service, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 2 * time.Minute
	}
	if cfg.MaxEach <= 0 {
		cfg.MaxEach = 100
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Service{store: store, catalog: cat, cfg: cfg, logger: cfg.Logger.With("component", "scaffolder"),
		renderer: NewRenderer(false), cookieRenderer: NewRenderer(true), actions: registry{},
		running: map[string]context.CancelFunc{}, secrets: map[string]map[string]string{},
		waiters: map[string][]chan struct{}{}, wake: make(chan struct{}, 1)}
	for _, list := range [][]*Action{fetchActions(), debugActions(), catalogActions(), publishActions()} {
		for _, a := range list {
			s.actions[a.ID] = a
		}
	}
	for from, to := range cfg.ActionAliases {
		if to != "publish:git" {
			return nil, errkindf("scaffolder: action %s can only be mapped to publish:git, not %q", from, to)
		}
		if _, builtin := s.actions[from]; builtin {
			return nil, errkindf("scaffolder: %s is a built-in action and cannot be mapped", from)
		}
	}
	return s, nil
}

// Workers is the size of the worker pool the caller should start (one Work loop each).
func (s *Service) Workers() int { return s.cfg.Workers }

// Actions lists the built-in actions, and the mapped ones under their own ids.
func (s *Service) Actions() []*Action {
	out := s.actions.list()
	for from, to := range s.cfg.ActionAliases {
		a := s.actions[to]
		out = append(out, &Action{ID: from, Description: "Mapped by configuration to " + to + ": " + a.Description, Schema: a.Schema})
	}
	return out
}

// action returns the action a step names, following the configured mapping.
func (s *Service) action(id string) (*Action, bool) {
	if to, ok := s.cfg.ActionAliases[id]; ok {
		id = to
	}
	a, ok := s.actions[id]
	return a, ok
}

// Template returns the template with that ref as the caller may see it (its visibility
// applies: a template the caller may not see is ErrNotFound).
func (s *Service) Template(ctx context.Context, ref string) (*Template, error) {
	r, err := catalog.ParseRef(ref, "template", catalog.DefaultNamespace)
	if err != nil || !strings.EqualFold(r.Kind, "template") {
		return nil, errkindf("invalid template ref %q", truncate(ref, 200))
	}
	e, err := s.catalog.EntityByRef(ctx, r)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, errkind.Errorf(ErrNotFound, "template %s", r)
	}
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", r, err)
	}
	return TemplateFromEntity(e, TemplateDir(e))
}

// maxTemplates bounds the templates listed.
const maxTemplates = 500

// Templates lists the templates the caller may see.
func (s *Service) Templates(ctx context.Context) ([]catalog.Entity, error) {
	page, err := s.catalog.Query(ctx, catalog.Query{Filter: catalog.Filter{Key: "kind", Values: []string{"template"}}, Limit: maxTemplates,
		OrderBy: []catalog.Order{{Field: "metadata.name"}}})
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return page.Entities, nil
}

// canRun reports whether the principal may run templates: the developer role with a
// token that may write, as for registering locations.
func canRun(p auth.Principal) bool {
	return auth.Policy{}.Allow(p, auth.ActionRegister, auth.Resource{})
}

// maxSecrets bounds the secrets of one task.
const maxSecrets = 50

// Create validates values against the template and queues a task; it returns the task id.
func (s *Service) Create(ctx context.Context, templateRef string, values map[string]any, secrets map[string]string) (string, error) {
	p := auth.FromContext(ctx)
	if !canRun(p) {
		return "", errkind.Errorf(ErrForbidden, "running a template needs the developer role")
	}
	if len(secrets) > maxSecrets {
		return "", errkindf("at most %d secrets", maxSecrets)
	}
	t, err := s.Template(ctx, templateRef)
	if err != nil {
		return "", err
	}
	if values == nil {
		values = map[string]any{}
	}
	if err := t.Validate(values); err != nil {
		return "", err
	}
	task := Task{ID: newID(), Status: StatusOpen, CreatedAt: time.Now().UTC(), CreatedBy: userRef(p), Spec: s.spec(t, values, p)}
	if err := s.store.CreateTask(ctx, task); err != nil {
		return "", fmt.Errorf("create task: %w", err)
	}
	if len(secrets) > 0 {
		s.mu.Lock()
		s.secrets[task.ID] = maps.Clone(secrets)
		s.mu.Unlock()
	}
	s.audit(ctx, p.Actor(), "scaffolder.task.create", task, "")
	s.logger.InfoContext(ctx, "task created", slog.String("task_id", task.ID), slog.String("template", t.Entity.Ref().String()), slog.String("created_by", task.CreatedBy))
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return task.ID, nil
}

// spec builds the task spec of a run of t.
func (s *Service) spec(t *Template, values map[string]any, p auth.Principal) TaskSpec {
	return TaskSpec{APIVersion: "scaffolder.backstage.io/v1beta3", Parameters: values, Steps: t.Steps, Output: t.Output,
		TemplateInfo: TemplateInfo{EntityRef: t.Entity.Ref().String(), BaseURL: baseURL(t.Dir), Dir: t.Dir},
		User:         TaskUser{Ref: p.UserRef, Subject: p.Subject, Name: p.Name, Kind: string(p.Kind), Role: string(p.Role), Groups: p.Groups}}
}

func baseURL(dir string) string {
	if dir == "" {
		return ""
	}
	return fileURL(dir) + "/"
}

// userRef is how a task records who created it: the user's catalog ref, else the subject.
func userRef(p auth.Principal) string {
	if p.UserRef != "" {
		return p.UserRef
	}
	return p.Subject
}

// mayRead reports whether p may read a task: its creator, an admin, or the system.
func mayRead(p auth.Principal, t Task) bool {
	return p.Kind == auth.KindSystem || (p.IsAuthenticated() && p.Role == auth.RoleAdmin) ||
		(p.IsAuthenticated() && t.CreatedBy != "" && t.CreatedBy == userRef(p))
}

// Task returns a task the caller may read, else ErrNotFound.
func (s *Service) Task(ctx context.Context, id string) (Task, error) {
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return Task{}, err
	}
	if !mayRead(auth.FromContext(ctx), t) {
		return Task{}, errkind.Errorf(ErrNotFound, "task %s", id)
	}
	return t, nil
}

// Tasks lists tasks: an admin sees every task (or createdBy's), anyone else only their own.
func (s *Service) Tasks(ctx context.Context, f TaskFilter) ([]Task, int, error) {
	p := auth.FromContext(ctx)
	if !(p.Kind == auth.KindSystem || p.Role == auth.RoleAdmin) {
		if f.CreatedBy != "" && f.CreatedBy != userRef(p) {
			return []Task{}, 0, nil
		}
		f.CreatedBy = userRef(p)
	}
	return s.store.Tasks(ctx, f)
}

// maxEventsPage bounds one read of a task's events.
const maxEventsPage = 1000

// Events returns the events of a task the caller may read, after the given id.
func (s *Service) Events(ctx context.Context, id string, after int64) ([]Event, error) {
	if _, err := s.Task(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, id, after, maxEventsPage)
}

// Subscribe returns a channel that is signalled when the task gets a new event, and a
// function to stop listening.
func (s *Service) Subscribe(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.waiters[id] = append(s.waiters[id], ch)
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		ws := s.waiters[id]
		for i, w := range ws {
			if w == ch {
				s.waiters[id] = append(ws[:i], ws[i+1:]...)
				break
			}
		}
		if len(s.waiters[id]) == 0 {
			delete(s.waiters, id)
		}
	}
}

func (s *Service) signal(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.waiters[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Cancel cancels an open or processing task the caller created (or any, for an admin).
func (s *Service) Cancel(ctx context.Context, id string) error {
	if _, err := s.Task(ctx, id); err != nil {
		return err
	}
	before, err := s.store.CancelTask(ctx, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	cancel := s.running[id]
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if before == StatusOpen {
		// No worker holds it: the cancelled event is written here.
		s.appendEvent(context.WithoutCancel(ctx), id, EventCancelled, map[string]any{"message": "Run cancelled", "status": string(StatusCancelled)})
	}
	return nil
}

// audit records a task event in the audit log, when there is one; a failure is logged, as
// the task goes on.
func (s *Service) audit(ctx context.Context, actor, action string, t Task, details string) {
	if s.cfg.Audit == nil {
		return
	}
	err := s.cfg.Audit(context.WithoutCancel(ctx), auth.AuditEvent{At: time.Now().UTC(), Actor: actor, Action: action,
		Target: "task:" + t.ID + " " + t.Spec.TemplateInfo.EntityRef, Remote: "scaffolder", Details: details})
	if err != nil {
		s.logger.ErrorContext(ctx, "record task audit event", slog.String("task_id", t.ID), slog.Any("error", err))
	}
}

// appendEvent stores an event and wakes the task's listeners; a store failure is logged,
// as the run goes on without that line.
func (s *Service) appendEvent(ctx context.Context, taskID string, typ EventType, body map[string]any) {
	if _, err := s.store.AppendEvent(ctx, Event{TaskID: taskID, Type: typ, Body: body, CreatedAt: time.Now().UTC()}); err != nil {
		s.logger.ErrorContext(ctx, "append task event", slog.String("task_id", taskID), slog.Any("error", err))
	}
	s.signal(taskID)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// roundTrip converts v to out through JSON.
func roundTrip(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/scaffolder"
)

// scaffolderPrefix is where Backstage mounts the scaffolder's API.
const scaffolderPrefix = "/api/scaffolder/v2"

// scaffolderRoutes are Backstage's scaffolder API. Reading needs a reader (each caller sees
// their own tasks, an admin all of them); running, cancelling and dry-running a template
// need the developer role, like registering a location.
func (s *Server) scaffolderRoutes() []route {
	const p = scaffolderPrefix
	return []route{
		{http.MethodGet, p + "/actions", read, s.scaffolderHandle(s.getScaffolderActions)},
		{http.MethodGet, p + "/templates/:namespace/:kind/:name/parameter-schema", read, s.scaffolderHandle(s.getParameterSchema)},
		{http.MethodPost, p + "/tasks", register, s.scaffolderHandle(s.postTask)},
		{http.MethodGet, p + "/tasks", read, s.scaffolderHandle(s.getTasks)},
		{http.MethodGet, p + "/tasks/:id", read, s.scaffolderHandle(s.getTask)},
		{http.MethodGet, p + "/tasks/:id/events", read, s.scaffolderHandle(s.getTaskEvents)},
		{http.MethodGet, p + "/tasks/:id/eventstream", read, s.scaffolderHandle(s.getTaskEventStream)},
		{http.MethodPost, p + "/tasks/:id/cancel", register, s.scaffolderHandle(s.postTaskCancel)},
		{http.MethodPost, p + "/dry-run", analyze, s.scaffolderHandle(s.postDryRun)},
	}
}

// scaffolderHandle adapts a handler like handle does, answering invalid values the way
// Backstage's scaffolder does: 400 with {"errors": [...]}, one entry per failing field.
func (s *Server) scaffolderHandle(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		var verr *scaffolder.ValuesError
		if errors.As(err, &verr) {
			status, _, _ := errorResponse(err)
			c.Error(err) //nolint:errcheck // recorded for the access log
			writeJSON(c, status, gin.H{"errors": verr.Errors})
			return
		}
		s.writeError(c, err)
	}
}

// scaffolderOff is the answer when the scaffolder is not configured.
func scaffolderOff() error {
	return errkind.Errorf(errkind.Unavailable, "the scaffolder is not enabled on this portal")
}

func (s *Server) getScaffolderActions(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	writeJSON(c, http.StatusOK, s.deps.Scaffolder.Actions())
	return nil
}

func (s *Server) getParameterSchema(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	ref := catalog.Ref{Kind: c.Param("kind"), Namespace: c.Param("namespace"), Name: c.Param("name")}
	t, err := s.deps.Scaffolder.Template(c.Request.Context(), ref.String())
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, t.ParameterSchema())
	return nil
}

// taskRequest is POST /v2/tasks's body.
type taskRequest struct {
	TemplateRef string            `json:"templateRef"`
	Values      map[string]any    `json:"values"`
	Secrets     map[string]string `json:"secrets"`
}

func (s *Server) postTask(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	var b taskRequest
	if err := readJSON(c, &b, false); err != nil {
		return err
	}
	if strings.TrimSpace(b.TemplateRef) == "" {
		return inputErrorf("templateRef is required")
	}
	id, err := s.deps.Scaffolder.Create(c.Request.Context(), b.TemplateRef, b.Values, b.Secrets)
	if err != nil {
		return err
	}
	c.Set(ctxAuditAction, "scaffolder.task.create")
	c.Set(ctxAuditTarget, "task:"+id+" "+b.TemplateRef)
	writeJSON(c, http.StatusCreated, gin.H{"id": id})
	return nil
}

// tasksResponse is GET /v2/tasks's answer.
type tasksResponse struct {
	Tasks      []scaffolder.Task `json:"tasks"`
	TotalTasks int               `json:"totalTasks"`
}

func (s *Server) getTasks(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	f := scaffolder.TaskFilter{CreatedBy: c.Query("createdBy")}
	var err error
	if f.Limit, err = taskQueryInt(c, "limit", 500); err != nil {
		return err
	}
	if f.Offset, err = taskQueryInt(c, "offset", 1_000_000); err != nil {
		return err
	}
	tasks, total, err := s.deps.Scaffolder.Tasks(c.Request.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, tasksResponse{Tasks: tasks, TotalTasks: total})
	return nil
}

// taskQueryInt reads an optional non-negative integer query parameter of at most max.
func taskQueryInt(c *gin.Context, name string, max int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return 0, inputErrorf("%s %q: want a number from 0 to %d", name, v, max)
	}
	return n, nil
}

func (s *Server) getTask(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	t, err := s.deps.Scaffolder.Task(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, t)
	return nil
}

// afterParam reads ?after=, the id of the last event the client has.
func afterParam(c *gin.Context) (int64, error) {
	v := c.Query("after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, inputErrorf("after %q: want an event id", v)
	}
	return n, nil
}

func (s *Server) getTaskEvents(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	after, err := afterParam(c)
	if err != nil {
		return err
	}
	events, err := s.deps.Scaffolder.Events(c.Request.Context(), c.Param("id"), after)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, events)
	return nil
}

func (s *Server) postTaskCancel(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	id := c.Param("id")
	if err := s.deps.Scaffolder.Cancel(c.Request.Context(), id); err != nil {
		return err
	}
	c.Set(ctxAuditAction, "scaffolder.task.cancel")
	c.Set(ctxAuditTarget, "task:"+id)
	writeJSON(c, http.StatusOK, gin.H{"status": "cancelled"})
	return nil
}

func (s *Server) postDryRun(c *gin.Context) error {
	if s.deps.Scaffolder == nil {
		return scaffolderOff()
	}
	var b scaffolder.DryRunRequest
	if err := readJSON(c, &b, false); err != nil {
		return err
	}
	res, err := s.deps.Scaffolder.DryRun(c.Request.Context(), b)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, res)
	return nil
}

package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/scaffolder"
)

// createPage is the data of create.html: the templates the caller may run, or one
// template's form.
type createPage struct {
	layoutData
	Off       bool // the server has no scaffolder
	Templates []createItem
	// Form is set on a template's page: its ref, title and the parameter schema as JSON for
	// create.js, which renders the form.
	Form *createForm
}

type createItem struct {
	Ref, URL, Title, Description, Type, Owner string
}

type createForm struct {
	Ref, Title, Description string
	Schema                  template.JS
}

// taskPage is the data of task.html.
type taskPage struct {
	layoutData
	ID, Template string
}

// uiCreate serves GET /create: the templates the caller may see.
func (s *Server) uiCreate(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := createPage{layoutData: u.layout(c, "Create", "create")}
		if s.deps.Scaffolder == nil {
			p.Off = true
			u.render(c, s.logger, http.StatusOK, "create.html", "layout", p)
			return
		}
		templates, err := s.deps.Scaffolder.Templates(c.Request.Context())
		if err != nil {
			s.renderError(c, u, fmt.Errorf("create page: %w", err))
			return
		}
		for _, t := range templates {
			ref := t.Ref()
			title := t.Metadata.Title
			if title == "" {
				title = t.Metadata.Name
			}
			typ, _ := t.Spec["type"].(string)
			owner, _ := t.Spec["owner"].(string)
			p.Templates = append(p.Templates, createItem{Ref: ref.String(), URL: "/create/templates/" + ref.Namespace + "/" + ref.Name,
				Title: title, Description: t.Metadata.Description, Type: typ, Owner: owner})
		}
		u.render(c, s.logger, http.StatusOK, "create.html", "layout", p)
	}
}

// uiCreateForm serves GET /create/templates/:namespace/:name: the template's form.
func (s *Server) uiCreateForm(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.deps.Scaffolder == nil {
			s.renderNotFound(c, u, "The scaffolder is not enabled on this portal.")
			return
		}
		ref := catalog.Ref{Kind: "template", Namespace: c.Param("namespace"), Name: c.Param("name")}
		t, err := s.deps.Scaffolder.Template(c.Request.Context(), ref.String())
		if errors.Is(err, scaffolder.ErrNotFound) || errors.Is(err, scaffolder.ErrInvalid) {
			s.renderNotFound(c, u, "There is no such template.")
			return
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("template page: %w", err))
			return
		}
		schema := t.ParameterSchema()
		raw, err := json.Marshal(schema)
		if err != nil {
			s.renderError(c, u, fmt.Errorf("template page: %w", err))
			return
		}
		p := createPage{layoutData: u.layout(c, schema.Title, "create"),
			// json.Marshal escapes <, > and &, so the JSON is safe inside a script element.
			Form: &createForm{Ref: t.Entity.Ref().String(), Title: schema.Title, Description: schema.Description, Schema: template.JS(raw)}}
		u.render(c, s.logger, http.StatusOK, "create.html", "layout", p)
	}
}

// uiTask serves GET /create/tasks/:id: a task's log, streamed by task.js.
func (s *Server) uiTask(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.deps.Scaffolder == nil {
			s.renderNotFound(c, u, "The scaffolder is not enabled on this portal.")
			return
		}
		t, err := s.deps.Scaffolder.Task(c.Request.Context(), c.Param("id"))
		if errors.Is(err, scaffolder.ErrNotFound) {
			s.renderNotFound(c, u, "There is no such task.")
			return
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("task page: %w", err))
			return
		}
		p := taskPage{layoutData: u.layout(c, "Task "+t.ID, "create"), ID: t.ID, Template: t.Spec.TemplateInfo.EntityRef}
		u.render(c, s.logger, http.StatusOK, "task.html", "layout", p)
	}
}

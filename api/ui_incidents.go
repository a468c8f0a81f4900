package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/cursor"
)

// incidentPages are the incidents list and an incident's page.
func (s *Server) incidentPages(u *ui) []route {
	return []route{
		{http.MethodGet, "/incidents", page, s.uiIncidents(u)},
		{http.MethodGet, "/incidents/:id", page, s.uiIncident(u)},
	}
}

// incidentsPage is the data of incidents.html.
type incidentsPage struct {
	layoutData
	Statuses, Severities []uiOption
	Entity, Owner        string
	Rows                 []incident.Incident
	EntityURLs           map[string]string
	NextURL              string
	Off                  bool
}

// uiIncidents serves the incidents list with the filters of GET /api/v1/incidents.
func (s *Server) uiIncidents(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := incidentsPage{layoutData: u.layout(c, "Incidents", "incidents"), Entity: c.Query("entity"), Owner: c.Query("owner"),
			EntityURLs: map[string]string{}}
		p.Statuses = options(c.Query("status"), "", "open", "acknowledged", "resolved")
		p.Severities = options(c.Query("severity"), "", "critical", "high", "warning", "info")
		if s.deps.Incidents == nil {
			p.Off = true
			u.render(c, s.logger, http.StatusOK, "incidents.html", "layout", p)
			return
		}
		q, err := s.incidentQuery(c)
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusBadRequest {
			ep := errorPage{layoutData: u.layout(c, "Bad request", "incidents"), Heading: "These filters cannot be used",
				Message: ae.msg + ". Start again from the incidents page."}
			u.render(c, s.logger, http.StatusBadRequest, "error.html", "layout", ep)
			return
		}
		if err == nil {
			p.Rows, err = s.deps.Incidents.List(c.Request.Context(), q)
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("incidents page: %w", err))
			return
		}
		for _, inc := range p.Rows {
			for _, e := range inc.Entities {
				p.EntityURLs[e] = entityPageURL(e)
			}
		}
		if len(p.Rows) == q.Limit {
			last := p.Rows[len(p.Rows)-1]
			v := c.Request.URL.Query()
			v.Set("cursor", cursor.URL.Encode(incidentCursor{Opened: last.OpenedAt, ID: last.ID}))
			p.NextURL = "/incidents?" + v.Encode()
		}
		u.render(c, s.logger, http.StatusOK, "incidents.html", "layout", p)
	}
}

// incidentPage is the data of incident.html.
type incidentPage struct {
	layoutData
	Inc        incident.Incident
	Similar    []incident.Incident
	EntityURLs map[string]string
	ChartURL   string
}

// uiIncident serves one incident: its timeline, its series' chart and similar incidents.
func (s *Server) uiIncident(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.deps.Incidents == nil {
			s.renderNotFound(c, u, "Incidents are not available on this server.")
			return
		}
		ctx := c.Request.Context()
		inc, err := s.deps.Incidents.Get(ctx, c.Param("id"))
		if errors.Is(err, incident.ErrNotFound) {
			s.renderNotFound(c, u, "There is no such incident.")
			return
		}
		var sim []incident.Incident
		if err == nil {
			sim, err = s.deps.Incidents.Similar(ctx, inc, similarShown)
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("incident page: %w", err))
			return
		}
		p := incidentPage{layoutData: u.layout(c, inc.Title, "incidents"), Inc: inc, Similar: sim, EntityURLs: map[string]string{}}
		for _, e := range inc.Entities {
			p.EntityURLs[e] = entityPageURL(e)
		}
		for _, l := range inc.Links {
			if inc.Series != "" && strings.HasPrefix(l.URL, v1Prefix+"/metrics/") {
				p.ChartURL = l.URL
			}
		}
		u.render(c, s.logger, http.StatusOK, "incident.html", "layout", p)
	}
}

// options are a select's options with value selected.
func options(value string, values ...string) []uiOption {
	out := make([]uiOption, 0, len(values))
	for _, v := range values {
		out = append(out, uiOption{Value: v, Selected: v == value})
	}
	return out
}

// entityPageURL is the catalog page of an entity ref.
func entityPageURL(ref string) string {
	r, err := catalog.ParseRef(ref, "component", "default")
	if err != nil {
		return "/catalog"
	}
	return "/catalog/" + url.PathEscape(strings.ToLower(r.Namespace)) + "/" + url.PathEscape(strings.ToLower(r.Kind)) + "/" + url.PathEscape(r.Name)
}

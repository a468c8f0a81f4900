package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/cursor"
)

// incidentRoutes are incidents: Alertmanager and Events API v2 webhooks (a developer's
// token with write scope, as for pushing metrics), and the incidents readers may see.
func (s *Server) incidentRoutes() []route {
	return []route{
		{http.MethodPost, v1Prefix + "/alertmanager", register, s.handleV1(s.postAlertmanager)},
		{http.MethodPost, v1Prefix + "/events", register, s.handleV1(s.postEvents)},
		{http.MethodGet, v1Prefix + "/incidents", read, s.handleV1(s.getIncidents)},
		{http.MethodGet, v1Prefix + "/incidents/:id", read, s.handleV1(s.getIncident)},
		{http.MethodPatch, v1Prefix + "/incidents/:id", register, s.handleV1(s.patchIncident)},
	}
}

func incidentsOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "incidents are not available on this server"}
}

// postAlertmanager serves POST /api/v1/alertmanager: an Alertmanager webhook (version 4).
// A malformed payload is refused whole with 400 and changes nothing.
func (s *Server) postAlertmanager(c *gin.Context) error {
	if s.deps.Incidents == nil {
		return incidentsOff()
	}
	var p incident.AlertmanagerPayload
	if err := readJSON(c, &p, false); err != nil {
		return err
	}
	changed, err := s.deps.Incidents.RecordAlertmanager(c.Request.Context(), p)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(changed))
	for _, inc := range changed {
		ids = append(ids, inc.ID)
	}
	writeJSON(c, http.StatusOK, gin.H{"alerts": len(p.Alerts), "changed": ids})
	return nil
}

// postEvents serves POST /api/v1/events: a PagerDuty Events API v2 event, answered as
// PagerDuty does (202 with the dedup key).
func (s *Server) postEvents(c *gin.Context) error {
	if s.deps.Incidents == nil {
		return incidentsOff()
	}
	var e incident.PagerDutyEvent
	if err := readJSON(c, &e, false); err != nil {
		return err
	}
	key, err := s.deps.Incidents.RecordEvent(c.Request.Context(), e)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusAccepted, gin.H{"status": "success", "message": "Event processed", "dedup_key": key})
	return nil
}

// incidentsResponse is GET /api/v1/incidents's answer.
type incidentsResponse struct {
	Items      []incident.Incident `json:"items"`
	NextCursor string              `json:"nextCursor,omitempty"`
}

// incidentCursor is the position after the last incident of a page.
type incidentCursor struct {
	Opened time.Time `json:"o"`
	ID     string    `json:"i"`
}

// maxIncidentPage bounds one page of GET /api/v1/incidents.
const maxIncidentPage = 200

// getIncidents serves GET /api/v1/incidents?status=&severity=&entity=&owner=&limit=&cursor=:
// the incidents the caller may see, newest opened first. severity means that severity or
// worse; owner (a group or user ref) selects incidents of the entities it owns.
func (s *Server) getIncidents(c *gin.Context) error {
	if s.deps.Incidents == nil {
		return incidentsOff()
	}
	q, err := s.incidentQuery(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Incidents.List(c.Request.Context(), q)
	if err != nil {
		return err
	}
	resp := incidentsResponse{Items: list}
	if resp.Items == nil {
		resp.Items = []incident.Incident{}
	}
	if len(list) == q.Limit {
		last := list[len(list)-1]
		resp.NextCursor = cursor.URL.Encode(incidentCursor{Opened: last.OpenedAt, ID: last.ID})
	}
	writeJSON(c, http.StatusOK, resp)
	return nil
}

// incidentQuery reads and checks the list filters.
func (s *Server) incidentQuery(c *gin.Context) (incident.Query, error) {
	q := incident.Query{Limit: 50, Entity: c.Query("entity")}
	if v := c.Query("status"); v != "" {
		if q.Status = incident.Status(v); !q.Status.Valid() {
			return q, inputErrorf("status %.40q: want open, acknowledged or resolved", v)
		}
	}
	if v := c.Query("severity"); v != "" {
		if q.Severity = incident.Severity(v); q.Severity.Rank() == 0 {
			return q, inputErrorf("severity %.40q: want critical, high, warning or info", v)
		}
	}
	if q.Entity != "" {
		r, err := catalog.ParseRef(q.Entity, "component", "default")
		if err != nil {
			return q, inputErrorf("entity %.80q: want an entity ref such as component:default/payments-api", q.Entity)
		}
		q.Entity = r.String()
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxIncidentPage {
			return q, inputErrorf("limit %.20q: want a number from 1 to %d", v, maxIncidentPage)
		}
		q.Limit = n
	}
	if v := c.Query("cursor"); v != "" {
		var cur incidentCursor
		if err := cursor.URL.Decode(v, &cur); err != nil || cur.ID == "" || cur.Opened.IsZero() {
			return q, inputErrorf("cursor: malformed; pass back the nextCursor of the previous page")
		}
		q.AfterOpened, q.AfterID = cur.Opened, cur.ID
	}
	if v := c.Query("owner"); v != "" {
		refs, err := s.ownedEntities(c, v)
		if err != nil {
			return q, err
		}
		if len(refs) == 0 {
			refs = []string{"-"} // owns nothing: matches no incident
		}
		q.Entities = refs
	}
	return q, nil
}

// ownedEntities returns the refs of the entities owner owns that the caller may see.
func (s *Server) ownedEntities(c *gin.Context, owner string) ([]string, error) {
	r, err := catalog.ParseRef(owner, "group", "default")
	if err != nil {
		return nil, inputErrorf("owner %.80q: want a group or user ref such as group:default/payments-team", owner)
	}
	page, err := s.catalog.Query(c.Request.Context(), catalog.Query{Filter: catalog.Filter{Key: "relations.ownedby", Values: []string{r.String()}}, Limit: 501})
	if err != nil {
		return nil, err
	}
	var refs []string
	for i := range page.Entities {
		refs = append(refs, page.Entities[i].Ref().String())
	}
	if len(refs) > 500 {
		refs = refs[:500]
	}
	return refs, nil
}

// incidentResponse is GET /api/v1/incidents/{id}'s answer: the incident with its timeline
// and its most similar past incidents.
type incidentResponse struct {
	incident.Incident
	Similar []incident.Incident `json:"similar"`
}

// similarShown is how many similar incidents an incident's detail lists.
const similarShown = 3

// getIncident serves GET /api/v1/incidents/{id}.
func (s *Server) getIncident(c *gin.Context) error {
	if s.deps.Incidents == nil {
		return incidentsOff()
	}
	ctx := c.Request.Context()
	inc, err := s.deps.Incidents.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	sim, err := s.deps.Incidents.Similar(ctx, inc, similarShown)
	if err != nil {
		return err
	}
	if sim == nil {
		sim = []incident.Incident{}
	}
	writeJSON(c, http.StatusOK, incidentResponse{Incident: inc, Similar: sim})
	return nil
}

// incidentPatch is PATCH /api/v1/incidents/{id}'s body.
type incidentPatch struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

// patchIncident serves PATCH /api/v1/incidents/{id}: acknowledge, resolve or reopen, with a
// timeline event naming the caller. Only callers who may see the incident may change it.
func (s *Server) patchIncident(c *gin.Context) error {
	if s.deps.Incidents == nil {
		return incidentsOff()
	}
	var p incidentPatch
	if err := readJSON(c, &p, true); err != nil {
		return err
	}
	st := incident.Status(p.Status)
	if !st.Valid() {
		return inputErrorf("status %.40q: want open, acknowledged or resolved", p.Status)
	}
	inc, err := s.deps.Incidents.SetStatus(c.Request.Context(), c.Param("id"), st, p.Note)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, inc)
	return nil
}

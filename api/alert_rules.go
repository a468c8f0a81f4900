package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
)

// ruleJSON is an alert rule on the wire: durations as Go durations ("5m", "4h").
type ruleJSON struct {
	ID          string            `json:"id"`
	Name        string            `json:"name,omitempty"`
	Enabled     *bool             `json:"enabled,omitempty"`
	Entities    []string          `json:"entities,omitempty"`
	Kinds       []string          `json:"kinds,omitempty"`
	Owner       string            `json:"owner,omitempty"`
	Selector    map[string]string `json:"selector,omitempty"`
	Series      string            `json:"series,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Sources     []string          `json:"sources,omitempty"`
	MinSeverity string            `json:"minSeverity,omitempty"`
	For         string            `json:"for,omitempty"`
	Repeat      string            `json:"repeat,omitempty"`
	Channels    []string          `json:"channels,omitempty"`
	CreatedAt   *time.Time        `json:"createdAt,omitempty"`
	UpdatedAt   *time.Time        `json:"updatedAt,omitempty"`
}

func ruleToJSON(r alert.Rule) ruleJSON {
	on := r.Enabled
	out := ruleJSON{ID: r.ID, Name: r.Name, Enabled: &on, Entities: r.Entities, Kinds: r.Kinds, Owner: r.Owner, Selector: r.Selector,
		Series: r.Series, Labels: r.Labels, Sources: r.Sources, MinSeverity: string(r.MinSeverity), Channels: r.Channels,
		CreatedAt: &r.CreatedAt, UpdatedAt: &r.UpdatedAt}
	if r.For > 0 {
		out.For = r.For.String()
	}
	if r.Repeat > 0 {
		out.Repeat = r.Repeat.String()
	}
	return out
}

// rule reads the body into a rule (enabled unless it says otherwise); the service
// validates the rest.
func (j ruleJSON) rule() (alert.Rule, error) {
	r := alert.Rule{ID: j.ID, Name: j.Name, Enabled: j.Enabled == nil || *j.Enabled, Entities: j.Entities, Kinds: j.Kinds,
		Owner: j.Owner, Selector: j.Selector, Series: j.Series, Labels: j.Labels, Sources: j.Sources,
		MinSeverity: incident.Severity(j.MinSeverity), Channels: j.Channels}
	for _, d := range []struct {
		name string
		v    string
		dst  *time.Duration
	}{{"for", j.For, &r.For}, {"repeat", j.Repeat, &r.Repeat}} {
		if d.v == "" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil {
			return r, inputErrorf("%s %.40q: want a duration such as 5m or 4h", d.name, d.v)
		}
		*d.dst = v
	}
	return r, nil
}

// alertRulesResponse is GET /api/v1/alert-rules's answer.
type alertRulesResponse struct {
	Rules []ruleJSON `json:"rules"`
}

// getAlertRules serves GET /api/v1/alert-rules.
func (s *Server) getAlertRules(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	rs, err := s.deps.Alerts.Rules(c.Request.Context())
	if err != nil {
		return err
	}
	out := alertRulesResponse{Rules: make([]ruleJSON, 0, len(rs))}
	for _, r := range rs {
		out.Rules = append(out.Rules, ruleToJSON(r))
	}
	writeJSON(c, http.StatusOK, out)
	return nil
}

// getAlertRule serves GET /api/v1/alert-rules/{id}.
func (s *Server) getAlertRule(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	r, err := s.deps.Alerts.Rule(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, ruleToJSON(r))
	return nil
}

// postAlertRule serves POST /api/v1/alert-rules: a new rule (201), 409 when its ID exists.
func (s *Server) postAlertRule(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	var body ruleJSON
	if err := readJSON(c, &body, true); err != nil {
		return err
	}
	r, err := body.rule()
	if err != nil {
		return err
	}
	r, err = s.deps.Alerts.CreateRule(c.Request.Context(), r)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusCreated, ruleToJSON(r))
	return nil
}

// putAlertRule serves PUT /api/v1/alert-rules/{id}: the rule replaced.
func (s *Server) putAlertRule(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	var body ruleJSON
	if err := readJSON(c, &body, true); err != nil {
		return err
	}
	if body.ID == "" {
		body.ID = c.Param("id")
	}
	if body.ID != c.Param("id") {
		return inputErrorf("rule id %.80q in the body differs from the path's", body.ID)
	}
	r, err := body.rule()
	if err != nil {
		return err
	}
	r, err = s.deps.Alerts.UpdateRule(c.Request.Context(), r)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, ruleToJSON(r))
	return nil
}

// deleteAlertRule serves DELETE /api/v1/alert-rules/{id} (204); its alerts stay.
func (s *Server) deleteAlertRule(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	if err := s.deps.Alerts.DeleteRule(c.Request.Context(), c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/cursor"
)

// Access rules of the alert routes: readers read alerts and rules, developers
// acknowledge, snooze and resolve alerts, admins manage rules and deliveries.
var (
	alertAct    = access{action: auth.ActionRegister}
	alertsAdmin = access{action: auth.ActionAdmin}
	adminPage   = access{action: auth.ActionAdmin, page: true}
)

// alertRoutes are alerts, alert rules and the notification deliveries.
func (s *Server) alertRoutes() []route {
	return []route{
		{http.MethodGet, v1Prefix + "/alerts", read, s.handleV1(s.getAlerts)},
		{http.MethodGet, v1Prefix + "/alerts/:id", read, s.handleV1(s.getAlert)},
		{http.MethodPost, v1Prefix + "/alerts/:id/ack", alertAct, s.handleV1(s.postAlertAck)},
		{http.MethodPost, v1Prefix + "/alerts/:id/snooze", alertAct, s.handleV1(s.postAlertSnooze)},
		{http.MethodPost, v1Prefix + "/alerts/:id/resolve", alertAct, s.handleV1(s.postAlertResolve)},
		{http.MethodGet, v1Prefix + "/alert-rules", read, s.handleV1(s.getAlertRules)},
		{http.MethodPost, v1Prefix + "/alert-rules", alertsAdmin, s.handleV1(s.postAlertRule)},
		{http.MethodGet, v1Prefix + "/alert-rules/:id", read, s.handleV1(s.getAlertRule)},
		{http.MethodPut, v1Prefix + "/alert-rules/:id", alertsAdmin, s.handleV1(s.putAlertRule)},
		{http.MethodDelete, v1Prefix + "/alert-rules/:id", alertsAdmin, s.handleV1(s.deleteAlertRule)},
		{http.MethodGet, v1Prefix + "/deliveries", alertsAdmin, s.handleV1(s.getDeliveries)},
		{http.MethodGet, v1Prefix + "/deliveries/:id", alertsAdmin, s.handleV1(s.getDelivery)},
		{http.MethodPost, v1Prefix + "/deliveries/:id/resend", alertsAdmin, s.handleV1(s.postDeliveryResend)},
	}
}

// alertsOff answers the alert routes on a server without alerts.
func alertsOff() error {
	return &apiError{status: http.StatusServiceUnavailable, name: "ServiceUnavailableError",
		msg: "alerts are not available on this server"}
}

// maxAlertsPage bounds one page of GET /api/v1/alerts.
const maxAlertsPage = 200

// alertsResponse is GET /api/v1/alerts's answer.
type alertsResponse struct {
	Alerts     []alert.Alert `json:"alerts"`
	NextCursor string        `json:"nextCursor,omitempty"`
}

// alertsCursor continues a listing after the last alert of a page.
type alertsCursor struct {
	Created time.Time `json:"c"`
	ID      string    `json:"i"`
}

// getAlerts serves GET /api/v1/alerts?state=&severity=&entity=&owner=&rule=&incident=
// &limit=&cursor=: alerts, newest first, about entities the caller may see.
func (s *Server) getAlerts(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	q := alert.Query{State: alert.State(c.Query("state")), Severity: incident.Severity(c.Query("severity")),
		Entity: c.Query("entity"), Owner: c.Query("owner"), RuleID: c.Query("rule"), Incident: c.Query("incident"), Limit: 50}
	for name, v := range map[string]string{"state": string(q.State), "severity": string(q.Severity), "entity": q.Entity,
		"owner": q.Owner, "rule": q.RuleID, "incident": q.Incident} {
		if len(v) > 300 {
			return inputErrorf("%s: longer than 300 bytes", name)
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAlertsPage {
			return inputErrorf("limit %.20q: want a number from 1 to %d", v, maxAlertsPage)
		}
		q.Limit = n
	}
	if v := c.Query("cursor"); v != "" {
		var cur alertsCursor
		if len(v) > 500 || cursor.URL.Decode(v, &cur) != nil || cur.ID == "" {
			return inputErrorf("cursor: malformed; pass back a nextCursor unchanged")
		}
		q.AfterCreated, q.AfterID = cur.Created, cur.ID
	}
	ctx := c.Request.Context()
	list, err := s.deps.Alerts.Alerts(ctx, q)
	if err != nil {
		return err
	}
	out, err := s.visibleAlerts(ctx, list)
	if err != nil {
		return err
	}
	resp := alertsResponse{Alerts: out}
	if len(list) == q.Limit {
		last := list[len(list)-1]
		resp.NextCursor = cursor.URL.Encode(alertsCursor{Created: last.CreatedAt, ID: last.ID})
	}
	writeJSON(c, http.StatusOK, resp)
	return nil
}

// visibleAlerts keeps the alerts about entities the caller may see.
func (s *Server) visibleAlerts(ctx context.Context, list []alert.Alert) ([]alert.Alert, error) {
	seen := catalog.NewVisibleRefs(s.catalog, "")
	out := make([]alert.Alert, 0, len(list))
	for _, a := range list {
		ok, err := seen.Visible(ctx, a.Entity)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// visibleAlert returns alert id if the caller may see its entity; 404 otherwise.
func (s *Server) visibleAlert(ctx context.Context, id string) (alert.Alert, error) {
	if len(id) > 100 {
		return alert.Alert{}, notFoundf("no alert %.100q", id)
	}
	a, err := s.deps.Alerts.Alert(ctx, id)
	if err != nil {
		return alert.Alert{}, err
	}
	if ok, err := catalog.NewVisibleRefs(s.catalog, "").Visible(ctx, a.Entity); err != nil {
		return alert.Alert{}, err
	} else if !ok {
		return alert.Alert{}, notFoundf("no alert %q", id)
	}
	return a, nil
}

// getAlert serves GET /api/v1/alerts/{id}.
func (s *Server) getAlert(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	a, err := s.visibleAlert(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, a)
	return nil
}

// postAlertAck serves POST /api/v1/alerts/{id}/ack: the caller is handling the alert.
func (s *Server) postAlertAck(c *gin.Context) error {
	return s.alertAction(c, func(ctx context.Context, id, actor string) (alert.Alert, error) {
		return s.deps.Alerts.Acknowledge(ctx, id, actor)
	})
}

// postAlertResolve serves POST /api/v1/alerts/{id}/resolve.
func (s *Server) postAlertResolve(c *gin.Context) error {
	return s.alertAction(c, func(ctx context.Context, id, actor string) (alert.Alert, error) {
		return s.deps.Alerts.Resolve(ctx, id, actor)
	})
}

// snoozeRequest is POST /api/v1/alerts/{id}/snooze's body: until (RFC 3339) or for (a Go
// duration such as 2h), not both.
type snoozeRequest struct {
	Until string `json:"until"`
	For   string `json:"for"`
}

// postAlertSnooze serves POST /api/v1/alerts/{id}/snooze.
func (s *Server) postAlertSnooze(c *gin.Context) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	var req snoozeRequest
	if err := readJSON(c, &req, true); err != nil {
		return err
	}
	var until time.Time
	switch {
	case (req.Until == "") == (req.For == ""):
		return inputErrorf("snooze: give either until (RFC 3339) or for (a duration such as 2h)")
	case req.Until != "":
		t, err := time.Parse(time.RFC3339, req.Until)
		if err != nil {
			return inputErrorf("until %.40q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", req.Until)
		}
		until = t
	default:
		d, err := time.ParseDuration(req.For)
		if err != nil || d <= 0 {
			return inputErrorf("for %.40q: want a positive duration such as 30m or 2h", req.For)
		}
		until = time.Now().Add(d)
	}
	return s.alertAction(c, func(ctx context.Context, id, actor string) (alert.Alert, error) {
		return s.deps.Alerts.Snooze(ctx, id, actor, until)
	})
}

// alertAction runs a state change on a visible alert as the caller and answers the alert.
func (s *Server) alertAction(c *gin.Context, f func(ctx context.Context, id, actor string) (alert.Alert, error)) error {
	if s.deps.Alerts == nil {
		return alertsOff()
	}
	ctx := c.Request.Context()
	a, err := s.visibleAlert(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	// The change and its notification are stored before the answer, whatever the client does.
	a, err = f(context.WithoutCancel(ctx), a.ID, auth.FromContext(ctx).Name)
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, a)
	return nil
}

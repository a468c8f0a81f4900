package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/notify"
)

// alertUIRoutes are the alert rules and deliveries pages.
func (s *Server) alertUIRoutes(u *ui) []route {
	return []route{
		{http.MethodGet, "/alerts/rules", page, s.uiAlertRules(u)},
		{http.MethodGet, "/alerts/deliveries", adminPage, s.uiDeliveries(u)},
	}
}

// alertRulesPage is the data of alert-rules.html.
type alertRulesPage struct {
	layoutData
	Off    bool
	CanAct bool // the caller may acknowledge alerts
	Rules  []ruleRow
	Alerts []alert.Alert
}

type ruleRow struct {
	ID, Name, Matches, MinSeverity, For, Repeat, Channels string
	Enabled                                               bool
}

// uiAlertRules serves GET /alerts/rules: the rules and the latest alerts the caller may see.
func (s *Server) uiAlertRules(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := alertRulesPage{layoutData: u.layout(c, "Alerts", "alerts")}
		if s.deps.Alerts == nil {
			p.Off = true
			u.render(c, s.logger, http.StatusOK, "alert-rules.html", "layout", p)
			return
		}
		ctx := c.Request.Context()
		rules, err := s.deps.Alerts.Rules(ctx)
		if err != nil {
			s.renderError(c, u, fmt.Errorf("alert rules page: %w", err))
			return
		}
		for _, r := range rules {
			p.Rules = append(p.Rules, ruleRow{ID: r.ID, Name: r.Name, Enabled: r.Enabled, Matches: ruleMatches(r),
				MinSeverity: string(r.MinSeverity), For: durationText(r.For, "at once"), Repeat: durationText(r.Repeat, "never"),
				Channels: listText(r.Channels, "all configured")})
		}
		list, err := s.deps.Alerts.Alerts(ctx, alert.Query{Limit: 50})
		if err == nil {
			p.Alerts, err = s.visibleAlerts(ctx, list)
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("alert rules page: %w", err))
			return
		}
		p.CanAct = s.policy.Allow(auth.FromContext(ctx), auth.ActionRegister, auth.Resource{})
		u.render(c, s.logger, http.StatusOK, "alert-rules.html", "layout", p)
	}
}

// ruleMatches says in words what a rule matches.
func ruleMatches(r alert.Rule) string {
	var parts []string
	add := func(name string, vs []string) {
		if len(vs) > 0 {
			parts = append(parts, name+" "+strings.Join(vs, ", "))
		}
	}
	add("entities", r.Entities)
	add("kinds", r.Kinds)
	if r.Owner != "" {
		parts = append(parts, "owner "+r.Owner)
	}
	for k, v := range r.Selector {
		parts = append(parts, "label "+k+"="+v)
	}
	if r.Series != "" {
		parts = append(parts, "series "+r.Series)
	}
	for k, v := range r.Labels {
		parts = append(parts, "incident label "+k+"="+v)
	}
	add("sources", r.Sources)
	if len(parts) == 0 {
		return "every entity"
	}
	return strings.Join(parts, "; ")
}

// deliveriesPage is the data of deliveries.html.
type deliveriesPage struct {
	layoutData
	Off        bool
	State      string
	Channels   []string
	Deliveries []notify.Delivery
}

// uiDeliveries serves GET /alerts/deliveries?state=: the latest deliveries and their state.
func (s *Server) uiDeliveries(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := deliveriesPage{layoutData: u.layout(c, "Deliveries", "alerts"), State: c.Query("state")}
		if s.deps.Outbox == nil {
			p.Off = true
			u.render(c, s.logger, http.StatusOK, "deliveries.html", "layout", p)
			return
		}
		if p.State != "" && !notify.State(p.State).Valid() {
			p.State = ""
		}
		ds, err := s.deps.Outbox.Deliveries(c.Request.Context(), notify.DeliveryQuery{State: notify.State(p.State), Limit: 100})
		if err != nil {
			s.renderError(c, u, fmt.Errorf("deliveries page: %w", err))
			return
		}
		p.Deliveries, p.Channels = ds, s.deps.Outbox.Channels()
		u.render(c, s.logger, http.StatusOK, "deliveries.html", "layout", p)
	}
}

// durationText writes d for a page, or zero when it is 0.
func durationText(d interface{ String() string }, zero string) string {
	if s := d.String(); s != "0s" {
		return s
	}
	return zero
}

// listText joins vs, or says empty when there are none.
func listText(vs []string, empty string) string {
	if len(vs) == 0 {
		return empty
	}
	return strings.Join(vs, ", ")
}

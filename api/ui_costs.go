package api

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
)

// costsPage is the data of costs.html: one entity's (or team's) daily cost with its
// forecast, budget, movers and the unallocated share.
type costsPage struct {
	layoutData
	Ref, Name, Kind, EntityURL string
	Currency                   string
	Chart                      template.HTML // server-rendered SVG
	Last30, Prev30             string
	Model                      string
	MASE                       string
	Budget                     *finops.BudgetStatus
	BudgetPct                  string
	ResourceMovers             []moverRow
	ServiceMovers              []moverRow
	Unallocated, Total, Share  string
	HasCosts                   bool
}

// moverRow is one line of a movers table.
type moverRow struct {
	Key, Previous, Current, Change string
	Up                             bool
}

// uiCosts serves /costs/:kind/:namespace/:name: the cost page of a team (a Group: what it
// owns), a system, a domain or a component.
func (s *Server) uiCosts(u *ui) gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.deps.Budgets == nil {
			s.renderNotFound(c, u, "Costs are not enabled on this portal.")
			return
		}
		ctx := c.Request.Context()
		ref := catalog.Ref{Kind: c.Param("kind"), Namespace: c.Param("namespace"), Name: c.Param("name")}
		e, err := s.catalog.EntityByRef(ctx, ref)
		if errors.Is(err, catalog.ErrNotFound) || errors.Is(err, catalog.ErrInvalid) {
			s.renderNotFound(c, u, "There is no entity "+ref.String()+" in the catalog.")
			return
		}
		if err != nil {
			s.renderError(c, u, fmt.Errorf("costs of %s: %w", ref, err))
			return
		}
		p, err := s.newCostsPage(c, &e)
		if err != nil {
			s.renderError(c, u, fmt.Errorf("costs of %s: %w", ref, err))
			return
		}
		p.layoutData = u.layout(c, "Costs of "+p.Name, "")
		u.render(c, s.logger, 200, "costs.html", "layout", p)
	}
}

func (s *Server) newCostsPage(c *gin.Context, e *catalog.Entity) (costsPage, error) {
	ctx := c.Request.Context()
	ref := e.Ref()
	p := costsPage{Ref: ref.String(), Name: cmpOr(e.Metadata.Title, e.Metadata.Name), Kind: e.Kind,
		EntityURL: "/catalog/" + ref.Namespace + "/" + strings.ToLower(e.Kind) + "/" + e.Metadata.Name}
	costs := s.deps.Budgets.Costs()
	filter := map[string]string{finops.BudgetDimension(p.Ref): p.Ref}
	o, err := costs.Outlook(ctx, finops.OutlookQuery{Filter: filter, History: 180, Horizon: 30})
	if err != nil {
		return p, err
	}
	p.Currency = o.Currency
	p.HasCosts = len(o.History) > 0
	if !p.HasCosts {
		return p, nil
	}
	if o.Forecast.Model != "" {
		p.Model = o.Forecast.Model
		if m, ok := o.Backtest.MASE[o.Backtest.Chosen]; ok {
			p.MASE = fmt.Sprintf("%.2f", m)
		}
	}
	var sum30, sum60 float64
	for i, v := range o.History {
		switch back := len(o.History) - i; {
		case back <= 30:
			sum30 += v
		case back <= 60:
			sum60 += v
		}
	}
	p.Last30, p.Prev30 = money(sum30, o.Currency), money(sum60, o.Currency)
	var daily float64
	st, err := s.deps.Budgets.Status(ctx, p.Ref, "")
	switch {
	case err == nil:
		p.Budget = &st
		p.BudgetPct = fmt.Sprintf("%.0f%%", 100*st.Ratio)
		from, _ := finops.ParseMonth(st.Month)
		daily = st.Budget.Amount / float64(from.AddDate(0, 1, -1).Day())
	case !errors.Is(err, finops.ErrNotFound):
		return p, err
	}
	var svg bytes.Buffer
	if err := finops.WriteOutlookChart(&svg, p.Ref, o, 90, daily); err != nil {
		return p, err
	}
	p.Chart = template.HTML(svg.String()) // gonum/plot's own SVG: no user input is unescaped in it
	week := finops.Period{From: o.AsOf.AddDate(0, 0, -7), To: o.AsOf}
	prev := finops.Period{From: o.AsOf.AddDate(0, 0, -14), To: week.From}
	for _, by := range []string{"resource", "service"} {
		ms, err := costs.Movers(ctx, filter, by, week, prev, 5)
		if err != nil {
			return p, err
		}
		rows := make([]moverRow, 0, len(ms))
		for _, m := range ms {
			rows = append(rows, moverRow{Key: m.Key, Previous: money(m.Previous, m.Currency), Current: money(m.Current, m.Currency),
				Change: fmt.Sprintf("%+.2f", m.Change), Up: m.Change > 0})
		}
		if by == "resource" {
			p.ResourceMovers = rows
		} else {
			p.ServiceMovers = rows
		}
	}
	sums, err := costs.Sums(ctx, finops.DailyQuery{GroupBy: "owner", From: o.AsOf.AddDate(0, 0, -30), To: o.AsOf})
	if err != nil {
		return p, err
	}
	var un, total float64
	for _, d := range sums {
		if d.Currency != o.Currency {
			continue
		}
		total += d.EffectiveCost
		if d.Key == "" {
			un += d.EffectiveCost
		}
	}
	p.Unallocated, p.Total = money(un, o.Currency), money(total, o.Currency)
	if total > 0 {
		p.Share = fmt.Sprintf("%.1f%%", 100*un/total)
	}
	return p, nil
}

func money(v float64, cur string) string { return fmt.Sprintf("%.2f %s", v, cur) }

package finops

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/nextportal/portal/internal/notify"
)

// Enqueuer takes cost alerts for delivery; *notify.Outbox is one.
type Enqueuer interface {
	Enqueue(ctx context.Context, m notify.Message) error
}

// AlertOptions configure cost alerts.
type AlertOptions struct {
	// BudgetThreshold is the share of a budget the month-end projection must reach to
	// alert (default 1: the projection crosses the budget).
	BudgetThreshold float64
	// Spike says when a day is far above its seasonal baseline.
	Spike SpikeOptions
	// Lookback is how many recent days are checked for spikes (default 7).
	Lookback int
	// BaseURL is the portal's address for links ("" gives relative links).
	BaseURL string
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Alerter checks costs against budgets and their seasonal baselines and enqueues one
// cost alert per finding. The idempotency keys make checking again harmless:
// cost:budget:<entity>:<month> and cost:spike:<entity>:<day>.
type Alerter struct {
	costs   *Service
	budgets *Budgets
	out     Enqueuer
	o       AlertOptions
}

// NewAlerter returns an alerter enqueuing on out. budgets may be nil (no budget alerts).
func NewAlerter(costs *Service, budgets *Budgets, out Enqueuer, o AlertOptions) *Alerter {
	if o.BudgetThreshold <= 0 {
		o.BudgetThreshold = 1
	}
	if o.Lookback <= 0 {
		o.Lookback = 7
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Logger = o.Logger.With("component", "finops-alerts")
	return &Alerter{costs: costs, budgets: budgets, out: out, o: o}
}

// Check runs every cost check once and returns the alerts it enqueued (enqueuing one
// already delivered adds nothing). It reads as the principal in ctx: the system, for the
// background loop.
func (a *Alerter) Check(ctx context.Context) ([]notify.Message, error) {
	var sent []notify.Message
	spikes, err := a.spikes(ctx)
	if err != nil {
		return nil, err
	}
	budgets, err := a.overBudget(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range append(spikes, budgets...) {
		if err := a.out.Enqueue(ctx, m); err != nil {
			return sent, fmt.Errorf("cost alert %s: %w", m.Key, err)
		}
		sent = append(sent, m)
	}
	return sent, nil
}

// Run checks at start and then every interval until ctx ends, logging failures.
func (a *Alerter) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		ms, err := a.Check(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.o.Logger.WarnContext(ctx, "cost check", slog.Any("error", err))
		case len(ms) > 0:
			a.o.Logger.InfoContext(ctx, "cost alerts enqueued", slog.Int("alerts", len(ms)))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// spikes finds each entity's spike days among the last Lookback days.
func (a *Alerter) spikes(ctx context.Context) ([]notify.Message, error) {
	now := dayOf(a.o.Now())
	from := now.AddDate(0, 0, -120)
	ents, err := a.costs.Sums(ctx, DailyQuery{GroupBy: "entity", From: from, To: now})
	if err != nil {
		return nil, fmt.Errorf("spike check: %w", err)
	}
	var out []notify.Message
	seen := map[string]bool{}
	for _, e := range ents {
		if e.Key == "" || seen[e.Key] {
			continue // the unallocated bucket has no owner to tell; recommendations show it
		}
		seen[e.Key] = true
		o, err := a.costs.Outlook(ctx, OutlookQuery{Filter: map[string]string{"entity": e.Key}, Now: now, History: 120, Horizon: 1})
		if err != nil {
			return nil, fmt.Errorf("spike check %s: %w", e.Key, err)
		}
		start := len(o.History) - a.o.Lookback
		for _, s := range DetectSpikes(o.History, max(start, 0), a.o.Spike) {
			day := o.First.AddDate(0, 0, s.Index)
			m, err := a.spikeMessage(ctx, e.Key, o.Currency, day, s)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
	}
	return out, nil
}

func (a *Alerter) spikeMessage(ctx context.Context, ref, currency string, day time.Time, s SpikeDay) (notify.Message, error) {
	filter := map[string]string{"entity": ref}
	cur := Period{From: day, To: day.AddDate(0, 0, 1)}
	prev := Period{From: day.AddDate(0, 0, -Season), To: day.AddDate(0, 0, 1-Season)}
	res, err := a.costs.Movers(ctx, filter, "resource", cur, prev, 3)
	if err != nil {
		return notify.Message{}, fmt.Errorf("spike movers %s: %w", ref, err)
	}
	svc, err := a.costs.Movers(ctx, filter, "service", cur, prev, 3)
	if err != nil {
		return notify.Message{}, fmt.Errorf("spike movers %s: %w", ref, err)
	}
	owner, err := a.ownerOf(ctx, ref, Period{From: day.AddDate(0, 0, -30), To: day.AddDate(0, 0, 1)})
	if err != nil {
		return notify.Message{}, err
	}
	d := day.Format(time.DateOnly)
	m := notify.Message{
		Key: "cost:spike:" + ref + ":" + d, Kind: "cost", Severity: "warning",
		Title: fmt.Sprintf("Cost spike: %s spent %s on %s, %.1f× its usual %s", refName(ref), money(s.Cost, currency), d, s.Cost/math.Max(s.Baseline, 0.01), money(s.Baseline, currency)),
		Fields: []notify.Field{
			{Name: "Entity", Value: ref},
			{Name: "Owner", Value: orNone(owner)},
			{Name: "Day", Value: d},
			{Name: "Cost", Value: money(s.Cost, currency)},
			{Name: "Baseline", Value: money(s.Baseline, currency) + " (median of the same weekday, 4 weeks)"},
		},
		Links: []notify.Link{{Title: "Cost page", URL: a.costURL(ref)}},
	}
	var lines []string
	for i, mv := range moverFields(res) {
		if i == 0 {
			m.Fields = append(m.Fields, notify.Field{Name: "Top moving resource", Value: mv})
		}
		lines = append(lines, "resource "+mv)
	}
	for i, mv := range moverFields(svc) {
		if i == 0 {
			m.Fields = append(m.Fields, notify.Field{Name: "Top moving service", Value: mv})
		}
		lines = append(lines, "service "+mv)
	}
	m.Text = fmt.Sprintf("%s (owner %s) cost %s on %s against a baseline of %s. Moved most against the same day a week before:\n%s",
		ref, orNone(owner), money(s.Cost, currency), d, money(s.Baseline, currency), strings.Join(lines, "\n"))
	return m, nil
}

// overBudget finds this month's projections that reach BudgetThreshold of their budget.
func (a *Alerter) overBudget(ctx context.Context) ([]notify.Message, error) {
	if a.budgets == nil {
		return nil, nil
	}
	sts, err := a.budgets.Statuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("budget check: %w", err)
	}
	var out []notify.Message
	for _, st := range sts {
		if st.Ratio < a.o.BudgetThreshold {
			continue
		}
		ref, cur := st.Budget.EntityRef, st.Budget.Currency
		from, _ := ParseMonth(st.Month)
		filter := map[string]string{BudgetDimension(ref): ref}
		days := st.AsOf.Sub(from)
		res, err := a.costs.Movers(ctx, filter, "resource", Period{From: from, To: st.AsOf}, Period{From: from.AddDate(0, -1, 0), To: from.AddDate(0, -1, 0).Add(days)}, 3)
		if err != nil {
			return nil, fmt.Errorf("budget movers %s: %w", ref, err)
		}
		owner := ref
		if BudgetDimension(ref) != "owner" {
			if owner, err = a.ownerOf(ctx, ref, Period{From: from, To: st.AsOf}); err != nil {
				return nil, err
			}
		}
		sev := "warning"
		if st.Ratio >= 1 {
			sev = "high"
		}
		m := notify.Message{
			Key: "cost:budget:" + ref + ":" + st.Month, Kind: "cost", Severity: sev,
			Title: fmt.Sprintf("Budget: %s is projected to spend %s in %s, %.0f%% of its %s budget", refName(ref), money(st.Projected, cur), st.Month, 100*st.Ratio, money(st.Budget.Amount, cur)),
			Fields: []notify.Field{
				{Name: "Entity", Value: ref},
				{Name: "Owner", Value: orNone(owner)},
				{Name: "Month to date", Value: money(st.Actual, cur)},
				{Name: "Projected", Value: fmt.Sprintf("%s (95%%: %s – %s, %s)", money(st.Projected, cur), money(st.Low, cur), money(st.High, cur), st.Model)},
				{Name: "Budget", Value: money(st.Budget.Amount, cur)},
			},
			Links: []notify.Link{{Title: "Cost page", URL: a.costURL(ref)}},
		}
		var lines []string
		for i, mv := range moverFields(res) {
			if i == 0 {
				m.Fields = append(m.Fields, notify.Field{Name: "Top moving resource", Value: mv})
			}
			lines = append(lines, "resource "+mv)
		}
		m.Text = fmt.Sprintf("%s has spent %s of its %s budget for %s and is projected to reach %s. Moved most against last month:\n%s",
			ref, money(st.Actual, cur), money(st.Budget.Amount, cur), st.Month, money(st.Projected, cur), strings.Join(lines, "\n"))
		out = append(out, m)
	}
	return out, nil
}

// ownerOf is the owner the lines of ref were allocated with in p (the largest, if several).
func (a *Alerter) ownerOf(ctx context.Context, ref string, p Period) (string, error) {
	sums, err := a.costs.Sums(ctx, DailyQuery{GroupBy: "owner", Filter: map[string]string{"entity": ref}, From: p.From, To: p.To})
	if err != nil {
		return "", fmt.Errorf("owner of %s: %w", ref, err)
	}
	owner, best := "", -1.0
	for _, s := range sums {
		if s.Key != "" && s.EffectiveCost > best {
			owner, best = s.Key, s.EffectiveCost
		}
	}
	return owner, nil
}

// costURL is the cost page of ref: /costs/<kind>/<namespace>/<name>.
func (a *Alerter) costURL(ref string) string {
	return strings.TrimRight(a.o.BaseURL, "/") + CostPath(ref)
}

// CostPath is the portal path of ref's cost page.
func CostPath(ref string) string {
	kind, rest, _ := strings.Cut(ref, ":")
	ns, name, ok := strings.Cut(rest, "/")
	if !ok {
		ns, name = "default", rest
	}
	return "/costs/" + url.PathEscape(kind) + "/" + url.PathEscape(ns) + "/" + url.PathEscape(name)
}

func moverFields(ms []Mover) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s %+.2f %s (%s → %s)", m.Key, m.Change, m.Currency, money(m.Previous, m.Currency), money(m.Current, m.Currency)))
	}
	return out
}

func money(v float64, currency string) string { return fmt.Sprintf("%.2f %s", v, currency) }

func refName(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

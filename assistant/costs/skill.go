// Package costs is the assistant's cost skills: what an entity or team costs over a
// period, why its cost moved (top movers, with the day that jumped), and how it stands
// against its budget, answered from finops with numbers and cited cost rows.
package costs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nextportal/portal/assistant"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/errkind"
)

// Skills returns the three cost skills over budgets (and its cost service): cost_of,
// cost_movers and budget_status.
func Skills(budgets *finops.Budgets) []assistant.Skill {
	return []assistant.Skill{&costOf{b: budgets}, &movers{b: budgets}, &budgetStatus{b: budgets}}
}

// shown is how many services or resources one answer lists.
const shown = 3

// args are the tools' arguments.
type args struct {
	Entity string `json:"entity"`
	Period string `json:"period"`
}

const params = `{"type":"object","properties":{"entity":{"type":"string","description":"entity ref: group:default/payments-team, system:default/payments, component:default/payments-api"},"period":{"type":"string","description":"last week, last month, this month, last 30 days (default)"}},"required":["entity"]}`

// call runs answer as a tool.
func call(ctx context.Context, name string, raw json.RawMessage, answer func(context.Context, string, string) (assistant.SkillAnswer, error)) (assistant.ToolResult, error) {
	var a args
	if err := json.Unmarshal(raw, &a); err != nil || strings.TrimSpace(a.Entity) == "" {
		return assistant.ToolResult{}, errkind.Errorf(assistant.ErrInvalid, "%s: want {\"entity\": \"kind:namespace/name\"}", name)
	}
	r, err := catalog.ParseRef(a.Entity, "component", "default")
	if err != nil {
		return assistant.ToolResult{}, errkind.Errorf(assistant.ErrInvalid, "%s: entity %.80q is not an entity ref", name, a.Entity)
	}
	ans, err := answer(ctx, r.String(), a.Period)
	if err != nil {
		return assistant.ToolResult{}, err
	}
	var b strings.Builder
	for _, f := range ans.Facts {
		b.WriteString(f.Text)
		b.WriteString("\n")
	}
	return assistant.ToolResult{Text: b.String(), Sources: ans.Sources}, nil
}

// costOf answers "what does x cost".
type costOf struct{ b *finops.Budgets }

func (*costOf) Name() string { return "cost_of" }
func (*costOf) Description() string {
	return "What a catalog entity or team (group: everything it owns) cost over a period, with the change on the period before and its largest services. Use for \"what does payments-api cost?\" or \"how much did the checkout team spend last month?\"."
}
func (*costOf) Parameters() json.RawMessage { return json.RawMessage(params) }
func (c *costOf) Call(ctx context.Context, raw json.RawMessage) (assistant.ToolResult, error) {
	return call(ctx, c.Name(), raw, c.Answer)
}
func (*costOf) Phrasings() []string {
	return []string{"what does x cost", "how much does x cost", "what is the cost of x", "cost of x",
		"how much did x cost last month", "how much did x spend", "how much did x spend last month", "what did x spend last month", "how much is x spending", "x cloud spend",
		"what did x cost this month", "x spend last month", "how expensive is x"}
}

// Answer states the subject's cost over the period the question names.
func (c *costOf) Answer(ctx context.Context, subject, question string) (assistant.SkillAnswer, error) {
	if subject == "" {
		return assistant.SkillAnswer{}, nil
	}
	costs := c.b.Costs()
	filter := filterOf(subject)
	asOf, cur, err := dataEnd(ctx, costs, filter)
	if err != nil || asOf.IsZero() {
		return assistant.SkillAnswer{}, err
	}
	p := periodOf(question, asOf)
	prev := finops.Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
	svcs, err := costs.Sums(ctx, finops.DailyQuery{GroupBy: "service", Filter: filter, From: p.From, To: p.To})
	if err != nil {
		return assistant.SkillAnswer{}, fmt.Errorf("cost of %s: %w", subject, err)
	}
	before, err := costs.Sums(ctx, finops.DailyQuery{Filter: filter, From: prev.From, To: prev.To})
	if err != nil {
		return assistant.SkillAnswer{}, fmt.Errorf("cost of %s: %w", subject, err)
	}
	svcs = slices.DeleteFunc(svcs, func(d finops.DailyCost) bool { return d.Currency != cur })
	slices.SortFunc(svcs, func(a, b finops.DailyCost) int { return cmpDesc(a.EffectiveCost, b.EffectiveCost) })
	var total, was float64
	for _, s := range svcs {
		total += s.EffectiveCost
	}
	for _, s := range before {
		if s.Currency == cur {
			was += s.EffectiveCost
		}
	}
	name := nameOf(subject)
	src := costSource(subject, p, fmt.Sprintf("Costs of %s, %s", name, span(p)), rowsText(svcs, cur))
	ans := assistant.SkillAnswer{Sources: []assistant.Source{src}}
	if total == 0 && was == 0 {
		ans.Facts = []assistant.Fact{{Text: fmt.Sprintf("No cost is allocated to %s in %s.", name, span(p)), Sources: []int{1}}}
		return ans, nil
	}
	ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("%s cost %s in %s%s.", name, money(total, cur), span(p), change(total, was, cur)), Sources: []int{1}})
	if len(svcs) > 0 {
		var parts []string
		for _, s := range svcs[:min(shown, len(svcs))] {
			parts = append(parts, fmt.Sprintf("%s %s", s.Key, money(s.EffectiveCost, cur)))
		}
		ans.Facts = append(ans.Facts, assistant.Fact{Text: "Largest services: " + strings.Join(parts, ", ") + ".", Sources: []int{1}})
	}
	return ans, nil
}

// movers answers "why did x's cost jump".
type movers struct{ b *finops.Budgets }

func (*movers) Name() string { return "cost_movers" }
func (*movers) Description() string {
	return "Why an entity's or team's cost changed: the resources and services whose cost moved most between a period and the one before, and the day that jumped. Use for \"why did checkout's cost jump last week?\"."
}
func (*movers) Parameters() json.RawMessage { return json.RawMessage(params) }
func (m *movers) Call(ctx context.Context, raw json.RawMessage) (assistant.ToolResult, error) {
	return call(ctx, m.Name(), raw, m.Answer)
}
func (*movers) Phrasings() []string {
	return []string{"why did x cost jump", "why did x cost jump last week", "why did x cost go up", "why did x cost increase",
		"why is x more expensive", "what moved x cost", "why did x spend spike", "what made x cost rise",
		"top cost movers of x", "why did x bill go up", "why did the cost of x change"}
}

// Answer compares the question's period (default: the last week of data) with the one
// before, citing the cost rows of the resources and services that moved most.
func (m *movers) Answer(ctx context.Context, subject, question string) (assistant.SkillAnswer, error) {
	if subject == "" {
		return assistant.SkillAnswer{}, nil
	}
	costs := m.b.Costs()
	filter := filterOf(subject)
	o, err := costs.Outlook(ctx, finops.OutlookQuery{Filter: filter, History: 120, Horizon: 1})
	if err != nil || len(o.History) == 0 {
		return assistant.SkillAnswer{}, err
	}
	cur := o.Currency
	q := strings.ToLower(question)
	p := finops.Period{From: o.AsOf.AddDate(0, 0, -7), To: o.AsOf}
	if strings.Contains(q, "month") || strings.Contains(q, "days") {
		p = periodOf(question, o.AsOf)
	}
	prev := finops.Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
	name := nameOf(subject)
	var now, was float64
	for i, v := range o.History {
		d := o.First.AddDate(0, 0, i)
		switch {
		case !d.Before(p.From) && d.Before(p.To):
			now += v
		case !d.Before(prev.From) && d.Before(prev.To):
			was += v
		}
	}
	main := costSource(subject, p, fmt.Sprintf("Costs of %s, %s", name, span(p)), dailyText(o, p))
	ans := assistant.SkillAnswer{Sources: []assistant.Source{main}}
	ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("%s cost %s in %s%s.", name, money(now, cur), span(p), change(now, was, cur)), Sources: []int{1}})
	start := len(o.History) - int(o.AsOf.Sub(p.From).Hours()/24)
	for _, s := range finops.DetectSpikes(o.History, max(start, 0), finops.SpikeOptions{}) {
		day := o.First.AddDate(0, 0, s.Index)
		ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("On %s it cost %s, %.1f× its usual %s for that weekday.",
			day.Format(time.DateOnly), money(s.Cost, cur), s.Cost/math.Max(s.Baseline, 0.01), money(s.Baseline, cur)), Sources: []int{1}})
	}
	for _, by := range []string{"resource", "service"} {
		ms, err := costs.Movers(ctx, filter, by, p, prev, shown)
		if err != nil {
			return assistant.SkillAnswer{}, fmt.Errorf("cost movers of %s: %w", subject, err)
		}
		for i, mv := range ms {
			if mv.Currency != cur || (i > 0 && math.Abs(mv.Change) < 0.05*math.Abs(ms[0].Change)) {
				continue
			}
			src := assistant.Source{Kind: "cost", Ref: fmt.Sprintf("cost:%s:%s..%s:%s=%s", subject, p.From.Format(time.DateOnly), p.To.Format(time.DateOnly), by, mv.Key),
				Title: fmt.Sprintf("%s %s, %s", by, mv.Key, span(p)), URL: costURL(subject, p),
				Text: fmt.Sprintf("%s %s of %s: %s in %s, %s in %s, change %+.2f %s.", by, mv.Key, subject, money(mv.Current, cur), span(p), money(mv.Previous, cur), span(prev), mv.Change, cur)}
			ans.Sources = append(ans.Sources, src)
			verb := "rose"
			if mv.Change < 0 {
				verb = "fell"
			}
			ans.Facts = append(ans.Facts, assistant.Fact{Text: fmt.Sprintf("The %s %s %s by %s (%s → %s).", by, mv.Key, verb, money(math.Abs(mv.Change), cur), money(mv.Previous, cur), money(mv.Current, cur)),
				Sources: []int{len(ans.Sources)}})
		}
	}
	return ans, nil
}

// budgetStatus answers "is x over budget".
type budgetStatus struct{ b *finops.Budgets }

func (*budgetStatus) Name() string { return "budget_status" }
func (*budgetStatus) Description() string {
	return "How an entity or team stands against its monthly budget: spent so far, the month-end projection with its interval, and the share of the budget. Use for \"is the payments team over budget?\"."
}
func (*budgetStatus) Parameters() json.RawMessage { return json.RawMessage(params) }
func (s *budgetStatus) Call(ctx context.Context, raw json.RawMessage) (assistant.ToolResult, error) {
	return call(ctx, s.Name(), raw, s.Answer)
}
func (*budgetStatus) Phrasings() []string {
	return []string{"is x over budget", "will x go over budget", "x budget status", "budget of x", "how is x doing against its budget",
		"will x stay within budget", "what is x budget", "is x on track for its budget", "x projected spend this month"}
}

// Answer projects this month against the subject's budget.
func (s *budgetStatus) Answer(ctx context.Context, subject, _ string) (assistant.SkillAnswer, error) {
	if subject == "" {
		return assistant.SkillAnswer{}, nil
	}
	st, err := s.b.Status(ctx, subject, "")
	if errors.Is(err, finops.ErrNotFound) {
		name := nameOf(subject)
		return assistant.SkillAnswer{Facts: []assistant.Fact{{Text: name + " has no budget for this month."}}}, nil
	}
	if err != nil {
		return assistant.SkillAnswer{}, fmt.Errorf("budget of %s: %w", subject, err)
	}
	cur := st.Budget.Currency
	from, _ := finops.ParseMonth(st.Month)
	p := finops.Period{From: from, To: st.AsOf}
	src := costSource(subject, p, fmt.Sprintf("Budget of %s, %s", nameOf(subject), st.Month),
		fmt.Sprintf("Budget %s for %s. Spent %s to %s; forecast (%s) of the rest of the month %s; projected %s (95%%: %s – %s), %.0f%% of the budget.",
			money(st.Budget.Amount, cur), st.Month, money(st.Actual, cur), st.AsOf.Format(time.DateOnly), st.Model, money(st.Forecast, cur),
			money(st.Projected, cur), money(st.Low, cur), money(st.High, cur), 100*st.Ratio))
	verdict := "within"
	if st.Ratio >= 1 {
		verdict = "over"
	}
	return assistant.SkillAnswer{Sources: []assistant.Source{src}, Facts: []assistant.Fact{
		{Text: fmt.Sprintf("%s has spent %s of its %s budget for %s and is projected to spend %s (95%%: %s – %s): %.0f%% of the budget, %s it.",
			nameOf(subject), money(st.Actual, cur), money(st.Budget.Amount, cur), st.Month, money(st.Projected, cur), money(st.Low, cur), money(st.High, cur), 100*st.Ratio, verdict), Sources: []int{1}},
	}}, nil
}

// filterOf is the cost filter of subject: a group's owned costs, a system's, a domain's, or
// an entity's own.
func filterOf(subject string) map[string]string {
	return map[string]string{finops.BudgetDimension(subject): subject}
}

// dataEnd returns the first day without cost data for filter, and the currency with the
// most cost.
func dataEnd(ctx context.Context, costs *finops.Service, filter map[string]string) (time.Time, string, error) {
	o, err := costs.Outlook(ctx, finops.OutlookQuery{Filter: filter, History: 62, Horizon: 1})
	if err != nil || len(o.History) == 0 {
		return time.Time{}, "", err
	}
	return o.AsOf, o.Currency, nil
}

var lastDays = regexp.MustCompile(`(?:last|past) (\d{1,3}) days`)

// periodOf reads the period a question names, relative to asOf (the first day without
// data): this month, last month, last/this week, the last N days, or the last 30 days.
func periodOf(question string, asOf time.Time) finops.Period {
	q := strings.ToLower(question)
	month := time.Date(asOf.Year(), asOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	if asOf.Equal(month) {
		month = month.AddDate(0, -1, 0) // no data of the new month yet: this month is the last
	}
	switch {
	case strings.Contains(q, "last month"):
		return finops.Period{From: month.AddDate(0, -1, 0), To: month}
	case strings.Contains(q, "this month"):
		return finops.Period{From: month, To: asOf}
	case strings.Contains(q, "week"):
		return finops.Period{From: asOf.AddDate(0, 0, -7), To: asOf}
	}
	if m := lastDays.FindStringSubmatch(q); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			return finops.Period{From: asOf.AddDate(0, 0, -n), To: asOf}
		}
	}
	return finops.Period{From: asOf.AddDate(0, 0, -30), To: asOf}
}

// costSource is a cost source over p, in the contract's shape.
func costSource(subject string, p finops.Period, title, text string) assistant.Source {
	return assistant.Source{Kind: "cost", Ref: fmt.Sprintf("cost:%s:%s..%s", subject, p.From.Format(time.DateOnly), p.To.Format(time.DateOnly)),
		Title: title, URL: costURL(subject, p), Text: text}
}

func costURL(subject string, p finops.Period) string {
	return finops.CostPath(subject) + "?from=" + p.From.Format(time.DateOnly) + "&to=" + p.To.Format(time.DateOnly)
}

// rowsText lists cost rows (per service) as the source's text.
func rowsText(rows []finops.DailyCost, cur string) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s: %s\n", r.Key, money(r.EffectiveCost, cur))
	}
	return b.String()
}

// dailyText lists the daily costs of p as the source's text.
func dailyText(o finops.Outlook, p finops.Period) string {
	var b strings.Builder
	for i, v := range o.History {
		d := o.First.AddDate(0, 0, i)
		if !d.Before(p.From) && d.Before(p.To) {
			fmt.Fprintf(&b, "%s: %s\n", d.Format(time.DateOnly), money(v, o.Currency))
		}
	}
	return b.String()
}

// span names a period: "2026-11-01 to 2026-11-30".
func span(p finops.Period) string {
	return p.From.Format(time.DateOnly) + " to " + p.To.AddDate(0, 0, -1).Format(time.DateOnly)
}

func change(now, was float64, cur string) string {
	if was == 0 {
		return ""
	}
	return fmt.Sprintf(", %s%s (%+.1f%%) on the period before (%s)", sign(now-was), money(math.Abs(now-was), cur), 100*(now-was)/was, money(was, cur))
}

func sign(v float64) string {
	if v < 0 {
		return "down "
	}
	return "up "
}

func money(v float64, cur string) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	return s + " " + cur
}

func nameOf(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

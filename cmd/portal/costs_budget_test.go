package main

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store/storetest"
)

// TestBudgetProjection projects the demo checkout team's month from real imported history:
// the actual to date equals the sum of its days, the projection adds a forecast of the
// rest of the month with an interval around it, and only the budget the projection crosses
// alerts — once, however often the check runs.
func TestBudgetProjection(t *testing.T) {
	db := storetest.SQLite(t)
	end := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // history through 15 November
	costs := demoCosts(t, db, end, &demo.Spike{})
	now := func() time.Time { return end.Add(10 * time.Hour) }
	budgets := finops.NewBudgets(db, costs, finops.BudgetOptions{Now: now})
	ctx := auth.NewContext(context.Background(), auth.System())
	const team = "group:default/checkout-team"
	// What the team actually spent in the first 15 days of November.
	days, err := costs.Daily(ctx, finops.DailyQuery{Filter: map[string]string{"owner": team},
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: end})
	if err != nil {
		t.Fatal(err)
	}
	var spent float64
	for _, d := range days {
		spent += d.EffectiveCost
	}
	if _, err := budgets.Status(ctx, team, "2026-11"); !errors.Is(err, finops.ErrNotFound) {
		t.Errorf("status without a budget: %v, want ErrNotFound", err)
	}
	low, err := budgets.Create(ctx, finops.Budget{EntityRef: team, Amount: spent, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := budgets.Status(ctx, team, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", st)
	if math.Abs(st.Actual-spent) > 1e-6 || !st.AsOf.Equal(end) {
		t.Errorf("actual %.2f as of %s, want %.2f as of %s", st.Actual, st.AsOf, spent, end)
	}
	// Fifteen more days at about the same daily rate (the demo team's cost grows slowly).
	if st.Forecast < 0.8*spent || st.Forecast > 1.3*spent {
		t.Errorf("forecast of the rest of November %.2f, want about the first half's %.2f", st.Forecast, spent)
	}
	if !(st.Low < st.Projected && st.Projected < st.High) || st.Low < st.Actual || st.Model == "" {
		t.Errorf("interval [%.2f, %.2f] around %.2f, model %q", st.Low, st.High, st.Projected, st.Model)
	}
	if st.Ratio < 1.5 {
		t.Errorf("ratio %.2f: a budget of half the month's cost must be crossed", st.Ratio)
	}
	// A second entity's generous budget does not alert.
	if _, err := budgets.Create(ctx, finops.Budget{EntityRef: "component:default/payments-api", Month: "2026-11", Amount: 1e6, Currency: "USD"}); err != nil {
		t.Fatal(err)
	}
	recv := &webhookReceiver{}
	out := newTestOutbox(t, db, recv)
	al := finops.NewAlerter(costs, budgets, out, finops.AlertOptions{Now: now})
	for range 2 {
		if _, err := al.Check(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := out.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(recv.bodies) != 1 {
		t.Fatalf("%d alerts, want the one budget alert: %+v", len(recv.bodies), recv.bodies)
	}
	m := recv.bodies[0]
	t.Logf("%s\n%s", m.Title, m.Text)
	if m.Key != "cost:budget:"+team+":2026-11" || field(m, "Owner") != team || field(m, "Top moving resource") == "" {
		t.Errorf("budget alert %s fields %+v", m.Key, m.Fields)
	}
	if err := budgets.Delete(ctx, low.ID); err != nil {
		t.Fatal(err)
	}
	// Viewers may read what they may see, never write.
	viewer := auth.NewContext(context.Background(), auth.Principal{Kind: auth.KindUser, Role: auth.RoleViewer})
	if _, err := budgets.Create(viewer, finops.Budget{EntityRef: team, Amount: 1}); !errors.Is(err, finops.ErrForbidden) {
		t.Errorf("viewer creates a budget: %v, want ErrForbidden", err)
	}
}

func newTestOutbox(t *testing.T, db notify.Store, recv *webhookReceiver) *notify.Outbox {
	t.Helper()
	srv := httptestServer(t, recv)
	out, err := notify.New(db, notify.Options{Channels: []notify.Channel{{Name: "webhook", Kind: notify.KindWebhook, URL: srv}}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

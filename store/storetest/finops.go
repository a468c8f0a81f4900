package storetest

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nextportal/portal/finops"
)

// FinOps runs the finops.Store contract against stores from newStore, which must return an
// empty, migrated store for each call.
func FinOps(t *testing.T, newStore func(t *testing.T) finops.Store) {
	t.Run("ReplaceIsIdempotent", func(t *testing.T) { testCostsReplace(t, newStore(t)) })
	t.Run("FailedImportChangesNothing", func(t *testing.T) { testCostsFailed(t, newStore(t)) })
	t.Run("DailyGroupsAndFilters", func(t *testing.T) { testCostsDaily(t, newStore(t)) })
	t.Run("Reallocate", func(t *testing.T) { testCostsReallocate(t, newStore(t)) })
}

var costDay0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// costFixture is three days of rows of two providers and two currencies; rows of app
// "a" go to component:default/a (owned by group:default/team-a), the rest is unallocated.
func costFixture(provider string, scale float64) []finops.Cost {
	var out []finops.Cost
	for d := range 3 {
		for i, app := range []string{"a", "b", ""} {
			for _, cur := range []string{"USD", "EUR"} {
				out = append(out, finops.Cost{
					Provider: provider, BillingAccountID: "acct-1", BillingPeriodStart: costDay0,
					BillingPeriodEnd:  costDay0.AddDate(0, 1, 0),
					ChargePeriodStart: costDay0.AddDate(0, 0, d).Add(time.Duration(i) * time.Hour),
					ChargePeriodEnd:   costDay0.AddDate(0, 0, d).Add(time.Duration(i+1) * time.Hour),
					BilledCost:        scale * float64(1+d+i), EffectiveCost: scale * float64(1+d+i) / 2,
					Currency: cur, ServiceName: "svc-" + app, ResourceID: "res-" + app + "-" + cur,
					Tags: map[string]string{"application": app}, Line: len(out) + 2,
				})
			}
		}
	}
	return out
}

func testAlloc(c finops.Cost) []finops.Line {
	l := finops.Line{Scope: c.Scope(), Day: c.ChargePeriodStart.Truncate(24 * time.Hour), Currency: c.Currency,
		Service: c.ServiceName, Resource: c.ResourceID, BilledCost: c.BilledCost, EffectiveCost: c.EffectiveCost}
	if c.Tags["application"] == "a" {
		l.Entity, l.Owner, l.System = "component:default/a", "group:default/team-a", "system:default/s"
	}
	return []finops.Line{l}
}

func feed(rows []finops.Cost, alloc func(finops.Cost) []finops.Line, failAt int) func() (finops.Cost, []finops.Line, error) {
	i := 0
	return func() (finops.Cost, []finops.Line, error) {
		if failAt >= 0 && i == failAt {
			return finops.Cost{}, nil, errors.New("reader broke")
		}
		if i == len(rows) {
			return finops.Cost{}, nil, io.EOF
		}
		c := rows[i]
		i++
		return c, alloc(c), nil
	}
}

func mustReplace(t *testing.T, s finops.Store, rows []finops.Cost) {
	t.Helper()
	n, err := s.ReplaceCosts(t.Context(), feed(rows, testAlloc, -1))
	if err != nil {
		t.Fatalf("ReplaceCosts: %v", err)
	}
	if n != int64(len(rows)) {
		t.Fatalf("ReplaceCosts stored %d rows, want %d", n, len(rows))
	}
}

func totalsOf(rows []finops.Cost) []finops.Total {
	m := map[string]*finops.Total{}
	for _, c := range rows {
		if m[c.Currency] == nil {
			m[c.Currency] = &finops.Total{Currency: c.Currency}
		}
		m[c.Currency].BilledCost += c.BilledCost
		m[c.Currency].EffectiveCost += c.EffectiveCost
	}
	var out []finops.Total
	for _, cur := range []string{"EUR", "USD"} {
		if m[cur] != nil {
			out = append(out, *m[cur])
		}
	}
	return out
}

var approx = cmpopts.EquateApprox(0, 1e-9)

func checkTotals(t *testing.T, s finops.Store, want []finops.Total) {
	t.Helper()
	rows, lines, err := s.CostTotals(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, rows, approx, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("row totals (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, lines, approx, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("line totals (-want +got):\n%s", d)
	}
}

func testCostsReplace(t *testing.T, s finops.Store) {
	aws, gcp := costFixture("AWS", 1), costFixture("GCP", 10)
	mustReplace(t, s, aws)
	mustReplace(t, s, gcp)
	both := append(append([]finops.Cost{}, aws...), gcp...)
	checkTotals(t, s, totalsOf(both))
	// Importing AWS again replaces it: nothing doubles.
	mustReplace(t, s, aws)
	checkTotals(t, s, totalsOf(both))
	// A corrected AWS file replaces the old one, GCP untouched.
	aws2 := costFixture("AWS", 2)
	mustReplace(t, s, aws2)
	checkTotals(t, s, totalsOf(append(append([]finops.Cost{}, aws2...), gcp...)))
	// A row of another billing period of AWS is a scope of its own.
	extra := aws[0]
	extra.BillingPeriodStart = costDay0.AddDate(0, 1, 0)
	mustReplace(t, s, []finops.Cost{extra})
	checkTotals(t, s, totalsOf(append(append([]finops.Cost{extra}, aws2...), gcp...)))
}

func testCostsFailed(t *testing.T, s finops.Store) {
	aws := costFixture("AWS", 1)
	mustReplace(t, s, aws)
	if _, err := s.ReplaceCosts(t.Context(), feed(costFixture("AWS", 5), testAlloc, 7)); err == nil {
		t.Fatal("ReplaceCosts with a failing reader succeeded")
	}
	if _, err := s.ReplaceCosts(t.Context(), feed(costFixture("GCP", 5), testAlloc, 3)); err == nil {
		t.Fatal("ReplaceCosts with a failing reader succeeded")
	}
	checkTotals(t, s, totalsOf(aws))
}

func testCostsDaily(t *testing.T, s finops.Store) {
	mustReplace(t, s, costFixture("AWS", 1))
	ctx := t.Context()
	got, err := s.DailyCosts(ctx, finops.DailyQuery{GroupBy: "entity", From: costDay0, To: costDay0.AddDate(0, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	// Day d: app a costs 1+d, b 2+d, "" 3+d, each in both currencies; a is allocated, b and "" are not.
	var want []finops.DailyCost
	for d := range 2 {
		day := costDay0.AddDate(0, 0, d)
		un := float64(2+d) + float64(3+d)
		a := float64(1 + d)
		for _, cur := range []string{"EUR", "USD"} {
			want = append(want, finops.DailyCost{Day: day, Key: "", Currency: cur, BilledCost: un, EffectiveCost: un / 2})
		}
		for _, cur := range []string{"EUR", "USD"} {
			want = append(want, finops.DailyCost{Day: day, Key: "component:default/a", Currency: cur, BilledCost: a, EffectiveCost: a / 2})
		}
	}
	if d := cmp.Diff(want, got, approx); d != "" {
		t.Errorf("DailyCosts by entity (-want +got):\n%s", d)
	}
	got, err = s.DailyCosts(ctx, finops.DailyQuery{GroupBy: "service", Filter: map[string]string{"owner": "group:default/team-a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 || got[0].Key != "svc-a" || got[0].Day != costDay0 {
		t.Errorf("DailyCosts by service for team-a = %+v, want 6 rows of svc-a from day 0", got)
	}
	got, err = s.DailyCosts(ctx, finops.DailyQuery{Entities: []string{"component:default/a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 || got[0].Key != "" || got[0].BilledCost != 1 {
		t.Errorf("DailyCosts total over entity a = %+v, want 6 rows starting at 1", got)
	}
	got, err = s.DailyCosts(ctx, finops.DailyQuery{Entities: []string{}})
	if err != nil || len(got) != 0 {
		t.Errorf("DailyCosts over no entities = %v, %v; want nothing", got, err)
	}
	sums, err := s.SumCosts(ctx, finops.DailyQuery{GroupBy: "provider", Filter: map[string]string{"entity": ""}})
	if err != nil {
		t.Fatal(err)
	}
	wantSums := []finops.DailyCost{
		{Key: "AWS", Currency: "EUR", BilledCost: 21, EffectiveCost: 10.5},
		{Key: "AWS", Currency: "USD", BilledCost: 21, EffectiveCost: 10.5},
	}
	if d := cmp.Diff(wantSums, sums, approx); d != "" {
		t.Errorf("SumCosts of unallocated by provider (-want +got):\n%s", d)
	}
	page, err := s.DailyCosts(ctx, finops.DailyQuery{GroupBy: "resource", Limit: 2, Offset: 1})
	if err != nil || len(page) != 2 {
		t.Errorf("DailyCosts page = %v, %v; want 2 rows", page, err)
	}
	ents, err := s.CostEntities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"", "component:default/a"}, ents); d != "" {
		t.Errorf("CostEntities (-want +got):\n%s", d)
	}
}

func testCostsReallocate(t *testing.T, s finops.Store) {
	rows := costFixture("AWS", 1)
	mustReplace(t, s, rows)
	// The catalog now knows b too, and splits the untagged rows evenly between a and b.
	alloc := func(c finops.Cost) []finops.Line {
		l := testAlloc(c)[0]
		switch c.Tags["application"] {
		case "b":
			l.Entity = "component:default/b"
		case "":
			h := l
			h.Entity, h.BilledCost, h.EffectiveCost = "component:default/b", c.BilledCost/2, c.EffectiveCost/2
			l.Entity, l.BilledCost, l.EffectiveCost = "component:default/a", c.BilledCost-h.BilledCost, c.EffectiveCost-h.EffectiveCost
			return []finops.Line{l, h}
		}
		return []finops.Line{l}
	}
	if err := s.Reallocate(t.Context(), alloc); err != nil {
		t.Fatalf("Reallocate: %v", err)
	}
	checkTotals(t, s, totalsOf(rows))
	sums, err := s.SumCosts(t.Context(), finops.DailyQuery{GroupBy: "entity"})
	if err != nil {
		t.Fatal(err)
	}
	var want []finops.DailyCost
	// Over the 3 days: a costs 1+2+3, b 2+3+4 and the untagged rows 3+4+5.
	a, b, un := 6.0, 9.0, 12.0
	for _, cur := range []string{"EUR", "USD"} {
		want = append(want, finops.DailyCost{Key: "component:default/a", Currency: cur, BilledCost: a + un/2, EffectiveCost: (a + un/2) / 2})
	}
	for _, cur := range []string{"EUR", "USD"} {
		want = append(want, finops.DailyCost{Key: "component:default/b", Currency: cur, BilledCost: b + un/2, EffectiveCost: (b + un/2) / 2})
	}
	if d := cmp.Diff(want, sums, approx); d != "" {
		t.Errorf("SumCosts by entity after Reallocate (-want +got):\n%s", d)
	}
}

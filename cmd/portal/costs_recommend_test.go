package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/internal/demo"
	"github.com/nextportal/portal/store/storetest"
)

// TestRecommendDemo finds, in the demo history, the deprecated gateway's spend, the
// untagged resources' spend and the SageMaker endpoint that started twenty days ago.
func TestRecommendDemo(t *testing.T) {
	db := storetest.SQLite(t)
	end := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	costs := demoCosts(t, db, end, &demo.Spike{})
	cat := costCatalogFor(t, costs)
	rec := finops.NewRecommender(costs, finops.StatusesOf(cat), func() time.Time { return end.Add(time.Hour) })
	ctx := auth.NewContext(context.Background(), auth.System())
	recs, err := rec.Recommend(ctx, finops.Period{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]finops.Recommendation{}
	for _, r := range recs {
		t.Logf("%s: %s", r.Kind, r.Text)
		kinds[r.Kind] = append(kinds[r.Kind], r)
	}
	if d := kinds[finops.RecDeprecated]; len(d) != 1 || d[0].EntityRef != "component:default/legacy-payments-gateway" || d[0].Cost <= 0 {
		t.Errorf("deprecated: %+v", d)
	}
	if u := kinds[finops.RecUnowned]; len(u) != 1 || !slices.ContainsFunc(u[0].Resources, func(r string) bool { return strings.Contains(r, "natgateway") }) {
		t.Errorf("unowned: %+v", u)
	}
	if n := kinds[finops.RecNewService]; len(n) != 1 || n[0].Service != "Amazon SageMaker" || n[0].EntityRef != "component:default/fraud-scoring-service" {
		t.Errorf("new services: %+v", n)
	}
	if o := kinds[finops.RecOrphaned]; len(o) != 0 {
		t.Errorf("orphaned: %+v; every demo component has a team", o)
	}
}

package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nextportal/portal/assistant"
	costskill "github.com/nextportal/portal/assistant/costs"
	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/store/storetest"
)

// TestCostSkillsLocalComposer asks the offline assistant, over the demo organisation and
// its cost history, what a component costs and why its cost jumped: the answers carry
// numbers and cite cost rows.
func TestCostSkillsLocalComposer(t *testing.T) {
	db := storetest.SQLite(t)
	end := time.Now()
	costs := demoCosts(t, db, end, nil)
	cat := costCatalogFor(t, costs)
	budgets := finops.NewBudgets(db, costs, finops.BudgetOptions{Catalog: finops.CatalogOf(cat)})
	ctx := auth.NewContext(context.Background(), auth.System())
	if _, err := budgets.Create(ctx, finops.Budget{EntityRef: "group:default/checkout-team", Amount: 11000}); err != nil {
		t.Fatal(err)
	}
	svc, err := assistant.New(assistant.Deps{Catalog: cat, Store: db})
	if err != nil {
		t.Fatal(err)
	}
	for _, sk := range costskill.Skills(budgets) {
		svc.Registry().Register(sk)
	}
	number := regexp.MustCompile(`\d+\.\d\d USD`)
	for _, tc := range []struct {
		q    string
		want []string // in the answer
		cite string   // a cited source's ref starts with this
	}{
		{"what does checkout-service cost?", []string{"checkout-service cost", "Amazon Elastic Compute Cloud"}, "cost:component:default/checkout-service:"},
		{"why did checkout-service's cost jump last week?", []string{"checkout-service-asg", "rose", "its usual"}, "cost:component:default/checkout-service:"},
		{"how much did checkout-team spend last month?", []string{"checkout-team cost"}, "cost:group:default/checkout-team:"},
		{"is checkout-team over budget?", []string{"projected", "of the budget"}, "cost:group:default/checkout-team:"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			a, err := svc.Ask(ctx, assistant.Question{Message: tc.q}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s\n%s\n%+v", tc.q, a.Answer, a.Citations)
			if a.Abstained || !number.MatchString(a.Answer) {
				t.Fatalf("answer %q: want numbers", a.Answer)
			}
			for _, w := range tc.want {
				if !strings.Contains(a.Answer, w) {
					t.Errorf("answer lacks %q", w)
				}
			}
			cited := false
			for _, c := range a.Citations {
				cited = cited || strings.HasPrefix(c.Ref, tc.cite)
			}
			if !cited {
				t.Errorf("citations %+v: want a cost row of %s", a.Citations, tc.cite)
			}
		})
	}
}

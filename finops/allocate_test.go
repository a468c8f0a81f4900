package finops_test

import (
	"math"
	"testing"
	"time"

	"github.com/nextportal/portal/finops"
)

var allocEntities = []finops.Entity{
	{Ref: "group:default/payments", Kind: "group", Name: "payments"},
	{Ref: "system:default/shop", Kind: "system", Name: "shop", Domain: "domain:default/commerce"},
	{Ref: "component:default/checkout", Kind: "component", Name: "checkout", Owner: "group:default/payments", System: "system:default/shop", Domain: "domain:default/commerce"},
	{Ref: "component:default/cart", Kind: "component", Name: "cart", Owner: "group:default/payments", System: "system:default/shop", Domain: "domain:default/commerce"},
	{Ref: "resource:default/orders-db", Kind: "resource", Name: "orders-db", Owner: "group:default/payments",
		CostTags: finops.ParseCostTags("db-cluster=orders, Env = legacy-orders")},
}

func TestAllocate(t *testing.T) {
	a := finops.NewAllocator(finops.DefaultRules(), allocEntities)
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	type share struct {
		entity string
		billed float64
	}
	tests := []struct {
		name string
		tags map[string]string
		want []share
	}{
		{"application names a component", map[string]string{"application": "Checkout"}, []share{{"component:default/checkout", 10}}},
		{"app is tried after application", map[string]string{"application": "nope", "app": "cart"}, []share{{"component:default/cart", 10}}},
		{"team names a group", map[string]string{"team": "payments"}, []share{{"group:default/payments", 10}}},
		{"an annotation's tag wins over the rules", map[string]string{"application": "cart", "db-cluster": "Orders"}, []share{{"resource:default/orders-db", 10}}},
		{"nothing matches", map[string]string{"application": "unknown", "env": "prod"}, []share{{"", 10}}},
		{"no tags", nil, []share{{"", 10}}},
		{"shared evenly", map[string]string{"shared": "true", "shared-with": "checkout, cart"},
			[]share{{"component:default/checkout", 5}, {"component:default/cart", 5}}},
		{"shared by weight", map[string]string{"shared": "true", "shared-with": "checkout:3,cart:1"},
			[]share{{"component:default/checkout", 7.5}, {"component:default/cart", 2.5}}},
		{"shared with an unknown name", map[string]string{"shared": "true", "shared-with": "checkout,ghost"},
			[]share{{"component:default/checkout", 5}, {"", 5}}},
		{"shared with nobody", map[string]string{"shared": "true", "application": "cart"}, []share{{"component:default/cart", 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := finops.Cost{Provider: "AWS", Currency: "USD", BilledCost: 10, EffectiveCost: 8, ChargePeriodStart: day.Add(5 * time.Hour), Tags: tt.tags}
			lines := a.Allocate(c)
			if len(lines) != len(tt.want) {
				t.Fatalf("Allocate = %+v, want %v", lines, tt.want)
			}
			var billed, effective float64
			for i, l := range lines {
				if l.Entity != tt.want[i].entity || math.Abs(l.BilledCost-tt.want[i].billed) > 1e-12 || !l.Day.Equal(day) {
					t.Errorf("line %d = %+v, want %v on %v", i, l, tt.want[i], day)
				}
				billed += l.BilledCost
				effective += l.EffectiveCost
			}
			if billed != 10 || effective != 8 {
				t.Errorf("lines add up to %v/%v, want 10/8", billed, effective)
			}
		})
	}
	// Roll-up: a component's line carries its owner, system and domain.
	l := a.Allocate(finops.Cost{Currency: "USD", Tags: map[string]string{"service": "checkout"}})[0]
	if l.Owner != "group:default/payments" || l.System != "system:default/shop" || l.Domain != "domain:default/commerce" {
		t.Errorf("checkout line = %+v, want its owner, system and domain", l)
	}
}

// TestAllocateSplitsToTheCent: a shared row split three ways still adds up exactly.
func TestAllocateSplitsToTheCent(t *testing.T) {
	a := finops.NewAllocator(finops.DefaultRules(), allocEntities)
	for _, amount := range []float64{0.01, 0.1, 1, 100.03, 1e6 / 3} {
		lines := a.Allocate(finops.Cost{Currency: "USD", BilledCost: amount, EffectiveCost: -amount,
			Tags: map[string]string{"shared": "true", "shared-with": "checkout cart orders-db"}})
		var sum float64
		for _, l := range lines {
			sum += l.BilledCost
		}
		if len(lines) != 3 || math.Round(sum*100) != math.Round(amount*100) {
			t.Errorf("split of %v: %d lines summing to %v", amount, len(lines), sum)
		}
	}
}

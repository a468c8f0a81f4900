package finops

import "time"

// Cost is one FOCUS 1.x cost row, reduced to the columns the portal uses.
type Cost struct {
	ChargePeriodStart time.Time
	ChargePeriodEnd   time.Time
	BilledCost        float64
	EffectiveCost     float64
	Currency          string // BillingCurrency, ISO 4217
	ServiceName       string // the provider's service: "Amazon RDS"
	ResourceID        string
	Tags              map[string]string
	// EntityRef is the catalog entity the row is allocated to (component:default/payments),
	// or "" for the unallocated bucket.
	EntityRef string
}

// DailyCost is the cost of one entity on one day, summed over its rows.
type DailyCost struct {
	Day           time.Time // midnight UTC
	EntityRef     string    // "" is the unallocated bucket
	EffectiveCost float64
	Currency      string
}

// Budget is a spending limit for an entity (a team, a system) over a period.
type Budget struct {
	ID        string
	EntityRef string
	Period    string // "month" or "quarter"
	Amount    float64
	Currency  string
	CreatedAt time.Time
}

package finops

import "time"

// Cost is one FOCUS 1.x cost row, reduced to the columns the portal uses. Rows keep their
// raw tags so that allocation can be recomputed when the catalog changes.
type Cost struct {
	// Provider is ProviderName (FOCUS 1.0/1.1) or ServiceProviderName (1.2+).
	Provider         string
	BillingAccountID string
	SubAccountID     string
	// BillingPeriodStart and BillingPeriodEnd bound the invoice period; with Provider and
	// BillingAccountID they name the Scope an import replaces.
	BillingPeriodStart time.Time
	BillingPeriodEnd   time.Time
	ChargePeriodStart  time.Time
	ChargePeriodEnd    time.Time
	BilledCost         float64
	EffectiveCost      float64
	ListCost           float64 // 0 when the file has no ListCost
	Currency           string  // BillingCurrency, ISO 4217
	ServiceName        string  // the provider's service: "Amazon RDS"
	ServiceCategory    string
	ResourceID         string
	ResourceName       string
	RegionID           string
	ChargeCategory     string // Usage, Purchase, Tax, Credit, Adjustment
	Tags               map[string]string
	// Line is the row's line number in the file it was imported from (1 is the header).
	Line int
}

// Scope is what one import replaces: the rows of one provider, billing account and billing
// period.
type Scope struct {
	Provider           string
	BillingAccountID   string
	BillingPeriodStart time.Time
}

// Scope returns the scope c belongs to.
func (c Cost) Scope() Scope {
	return Scope{Provider: c.Provider, BillingAccountID: c.BillingAccountID, BillingPeriodStart: c.BillingPeriodStart}
}

// Line is an allocated share of a cost row: what reports sum. A row allocated to one
// entity (or to nothing) has one Line; a shared row has one per entity it is split across,
// and its Lines' costs add up to the row's exactly.
type Line struct {
	Scope
	Day      time.Time // midnight UTC of the row's ChargePeriodStart
	Currency string
	Service  string
	Resource string
	// Entity is the catalog entity the share is allocated to ("" is the unallocated
	// bucket); Owner, System and Domain are its roll-up through the catalog.
	Entity        string
	Owner         string
	System        string
	Domain        string
	BilledCost    float64
	EffectiveCost float64
}

// Dimensions are the keys DailyQuery.GroupBy and DailyQuery.Filter accept.
var Dimensions = []string{"entity", "owner", "system", "domain", "provider", "service", "resource"}

// Period is the half-open time range [From, To).
type Period struct {
	From time.Time
	To   time.Time
}

// DailyQuery selects daily cost sums; see Service.Daily.
type DailyQuery struct {
	// GroupBy is one of Dimensions, or "" for the total.
	GroupBy string
	// Filter keeps only rows matching all its entries; keys are Dimensions
	// (e.g. {"owner": "group:default/payments"}). An empty value selects the unallocated
	// bucket of that dimension.
	Filter   map[string]string
	From, To time.Time
	// Entities, when not nil, keeps only lines allocated to these entity refs ("" is the
	// unallocated bucket). The Service sets it from the caller's visibility.
	Entities []string
	// Limit and Offset page the result (Limit 0: everything).
	Limit, Offset int
}

// DailyCost is the cost of one group on one day, in one currency.
type DailyCost struct {
	Day           time.Time // midnight UTC
	Key           string    // the group's value; "" is the unallocated bucket when grouping by entity/owner/…
	Currency      string
	BilledCost    float64
	EffectiveCost float64
}

// Mover is one key whose EffectiveCost changed between two periods.
type Mover struct {
	Key      string
	Currency string
	Current  float64 // EffectiveCost in the current period
	Previous float64 // EffectiveCost in the previous period
	Change   float64 // Current - Previous
}

// Total is a sum of costs in one currency.
type Total struct {
	Currency      string
	BilledCost    float64
	EffectiveCost float64
}

// Showback is a team's cost for a period against the previous period of the same length.
type Showback struct {
	Owner    string
	Period   Period
	Previous Period
	// Current and Before are the totals per currency of the period and the previous one.
	Current []Total
	Before  []Total
	// ByService and ByEntity break the period down (Key, Currency, Current, Previous, Change),
	// largest Current first.
	ByService []Mover
	ByEntity  []Mover
	// ResourceMovers and ServiceMovers are the top movers by absolute change.
	ResourceMovers []Mover
	ServiceMovers  []Mover
}

package finops

import (
	"context"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Budget is a monthly spending limit for a team (group), a system, a domain or a
// component, in one currency.
type Budget struct {
	ID string `json:"id"`
	// EntityRef is the canonical ref the budget covers: group:default/payments-team
	// (everything it owns), system:…, domain:… or component:….
	EntityRef string `json:"entity_ref"`
	// Month is "YYYY-MM" for a budget of that month only, or "" for a standing monthly
	// budget; a month's own budget takes precedence over the standing one.
	Month     string    `json:"month"`
	Amount    float64   `json:"amount"`
	Currency  string    `json:"currency"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// BudgetStore is what budgets need from a database. Package store implements it on both
// engines (store/finops_budgets*.go); storetest.Budgets is its contract.
type BudgetStore interface {
	// CreateBudget stores b, which has its ID and times set; ErrConflict when a budget
	// for the same EntityRef and Month exists.
	CreateBudget(ctx context.Context, b Budget) error
	// Budget returns the budget with id, or ErrNotFound.
	Budget(ctx context.Context, id string) (Budget, error)
	// UpdateBudget replaces the amount, currency, month and UpdatedAt of the budget with
	// b.ID; ErrNotFound when there is none, ErrConflict when its new month collides.
	UpdateBudget(ctx context.Context, b Budget) error
	// DeleteBudget deletes the budget with id; ErrNotFound when there is none.
	DeleteBudget(ctx context.Context, id string) error
	// Budgets returns the budgets of entityRef (every budget when it is ""), ordered by
	// entity ref, then month ("" first).
	Budgets(ctx context.Context, entityRef string) ([]Budget, error)
}

var (
	monthRE    = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	refRE      = regexp.MustCompile(`^(group|system|domain|component|resource):[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}$`)
)

// BudgetDimension is the DailyQuery filter key a budget on ref sums: owner for a group,
// system, domain, and entity for anything else.
func BudgetDimension(ref string) string {
	kind, _, _ := strings.Cut(ref, ":")
	switch kind {
	case "group":
		return "owner"
	case "system", "domain":
		return kind
	}
	return "entity"
}

// normalise checks b and puts its ref and currency in canonical case.
func (b *Budget) normalise() error {
	b.EntityRef = strings.ToLower(strings.TrimSpace(b.EntityRef))
	b.Currency = strings.ToUpper(strings.TrimSpace(b.Currency))
	if b.Currency == "" {
		b.Currency = "USD"
	}
	switch {
	case !refRE.MatchString(b.EntityRef):
		return errkind.Errorf(ErrInvalid, "budget: entity_ref %q: want kind:namespace/name of a group, system, domain, component or resource", clip(b.EntityRef))
	case b.Month != "" && !monthRE.MatchString(b.Month):
		return errkind.Errorf(ErrInvalid, "budget: month %q: want YYYY-MM, or empty for every month", clip(b.Month))
	case math.IsNaN(b.Amount) || math.IsInf(b.Amount, 0) || b.Amount <= 0:
		return errkind.Errorf(ErrInvalid, "budget: amount must be a positive number")
	case b.Amount > 1e15:
		return errkind.Errorf(ErrInvalid, "budget: amount is too large")
	case !currencyRE.MatchString(b.Currency):
		return errkind.Errorf(ErrInvalid, "budget: currency %q: want an ISO 4217 code such as USD", clip(b.Currency))
	}
	return nil
}

// monthOf is the first instant of t's month and of the next, UTC.
func monthOf(t time.Time) (time.Time, time.Time) {
	t = t.UTC()
	from := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 1, 0)
}

// ParseMonth reads "YYYY-MM" as the first instant of that month, UTC.
func ParseMonth(s string) (time.Time, error) {
	if !monthRE.MatchString(s) {
		return time.Time{}, errkind.Errorf(ErrInvalid, "month %q: want YYYY-MM", clip(s))
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return time.Time{}, errkind.Errorf(ErrInvalid, "month %q: want YYYY-MM", clip(s))
	}
	return t, nil
}

// ErrForbidden means the caller may not change budgets.
var ErrForbidden = errkind.New(errkind.Forbidden, "forbidden")

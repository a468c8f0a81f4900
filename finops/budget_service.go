package finops

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// Budgets keeps budgets and projects month-end cost against them.
type Budgets struct {
	store   BudgetStore
	costs   *Service
	catalog Catalog
	now     func() time.Time
}

// BudgetOptions configure Budgets.
type BudgetOptions struct {
	// Catalog decides who may see a budget's entity; nil lets only admins and the system
	// see budgets.
	Catalog Catalog
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// NewBudgets returns budgets over store, projecting with costs.
func NewBudgets(store BudgetStore, costs *Service, o BudgetOptions) *Budgets {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Budgets{store: store, costs: costs, catalog: o.Catalog, now: o.Now}
}

// canSee reports whether the caller may see ref (and so its budgets and costs).
func (b *Budgets) canSee(ctx context.Context, ref string) (bool, error) {
	p := auth.FromContext(ctx)
	if p.Kind == auth.KindSystem || p.Role.AtLeast(auth.RoleAdmin) {
		return true, nil
	}
	if b.catalog == nil {
		return false, nil
	}
	ok, err := b.catalog.Visible(ctx, []string{ref})
	if err != nil {
		return false, fmt.Errorf("budget visibility: %w", err)
	}
	return ok[ref], nil
}

// canWrite checks that the caller may change budgets of ref: developers and admins, on an
// entity they may see.
func (b *Budgets) canWrite(ctx context.Context, ref string) error {
	p := auth.FromContext(ctx)
	if p.Kind != auth.KindSystem && !p.Role.AtLeast(auth.RoleDeveloper) {
		return errkind.Errorf(ErrForbidden, "budgets: changing a budget needs the developer role")
	}
	ok, err := b.canSee(ctx, ref)
	if err != nil {
		return err
	}
	if !ok {
		return errkind.Errorf(ErrNotFound, "budgets: entity %s", ref)
	}
	return nil
}

// Create stores a new budget.
func (b *Budgets) Create(ctx context.Context, bu Budget) (Budget, error) {
	if err := bu.normalise(); err != nil {
		return Budget{}, err
	}
	if err := b.canWrite(ctx, bu.EntityRef); err != nil {
		return Budget{}, err
	}
	bu.ID = newBudgetID()
	bu.CreatedAt = b.now().UTC().Truncate(time.Microsecond)
	bu.UpdatedAt = bu.CreatedAt
	if err := b.store.CreateBudget(ctx, bu); err != nil {
		return Budget{}, fmt.Errorf("create budget: %w", err)
	}
	return bu, nil
}

// Get returns one budget the caller may see.
func (b *Budgets) Get(ctx context.Context, id string) (Budget, error) {
	bu, err := b.store.Budget(ctx, id)
	if err != nil {
		return Budget{}, fmt.Errorf("budget %s: %w", clip(id), err)
	}
	ok, err := b.canSee(ctx, bu.EntityRef)
	if err != nil {
		return Budget{}, err
	}
	if !ok {
		return Budget{}, errkind.Errorf(ErrNotFound, "budget %s", clip(id))
	}
	return bu, nil
}

// Update changes a budget's amount, currency and month.
func (b *Budgets) Update(ctx context.Context, bu Budget) (Budget, error) {
	old, err := b.Get(ctx, bu.ID)
	if err != nil {
		return Budget{}, err
	}
	bu.EntityRef = old.EntityRef
	if err := bu.normalise(); err != nil {
		return Budget{}, err
	}
	if err := b.canWrite(ctx, bu.EntityRef); err != nil {
		return Budget{}, err
	}
	bu.CreatedAt = old.CreatedAt
	bu.UpdatedAt = b.now().UTC().Truncate(time.Microsecond)
	if err := b.store.UpdateBudget(ctx, bu); err != nil {
		return Budget{}, fmt.Errorf("update budget %s: %w", bu.ID, err)
	}
	return bu, nil
}

// Delete removes a budget.
func (b *Budgets) Delete(ctx context.Context, id string) error {
	old, err := b.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := b.canWrite(ctx, old.EntityRef); err != nil {
		return err
	}
	if err := b.store.DeleteBudget(ctx, id); err != nil {
		return fmt.Errorf("delete budget %s: %w", clip(id), err)
	}
	return nil
}

// List returns the budgets of entityRef ("" for all) that the caller may see.
func (b *Budgets) List(ctx context.Context, entityRef string) ([]Budget, error) {
	all, err := b.store.Budgets(ctx, entityRef)
	if err != nil {
		return nil, fmt.Errorf("list budgets: %w", err)
	}
	out := make([]Budget, 0, len(all))
	for _, bu := range all {
		ok, err := b.canSee(ctx, bu.EntityRef)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, bu)
		}
	}
	return out, nil
}

// BudgetFor returns the budget of ref that applies in month ("YYYY-MM"): the month's own,
// else the standing one; ok is false when there is neither.
func (b *Budgets) BudgetFor(ctx context.Context, ref, month string) (Budget, bool, error) {
	all, err := b.List(ctx, ref)
	if err != nil {
		return Budget{}, false, err
	}
	var standing *Budget
	for i := range all {
		switch all[i].Month {
		case month:
			return all[i], true, nil
		case "":
			standing = &all[i]
		}
	}
	if standing == nil {
		return Budget{}, false, nil
	}
	return *standing, true, nil
}

// BudgetStatus is a budget's month: the cost so far, the forecast of the rest of the
// month and the projection against the amount.
type BudgetStatus struct {
	Budget Budget `json:"budget"`
	Month  string `json:"month"`
	// AsOf is the first day without cost data; Actual is the month's cost before it.
	AsOf   time.Time `json:"as_of"`
	Actual float64   `json:"actual"`
	// Forecast is the forecast cost of the month's days from AsOf on, by Model.
	Forecast float64 `json:"forecast"`
	Model    string  `json:"model,omitempty"`
	// Projected = Actual + Forecast, and [Low, High] its 95% interval: the daily interval
	// half-widths added in quadrature (as if the daily errors were independent).
	Projected float64 `json:"projected"`
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	// Ratio is Projected / Budget.Amount.
	Ratio float64 `json:"ratio"`
}

// Status projects the cost of the budget's entity in month ("YYYY-MM", "" for the current
// one) against the budget that applies. ErrNotFound when ref has no budget for it.
func (b *Budgets) Status(ctx context.Context, ref, month string) (BudgetStatus, error) {
	now := b.now()
	if month == "" {
		month = now.UTC().Format("2006-01")
	}
	from, err := ParseMonth(month)
	if err != nil {
		return BudgetStatus{}, err
	}
	bu, ok, err := b.BudgetFor(ctx, ref, month)
	if err != nil {
		return BudgetStatus{}, err
	}
	if !ok {
		return BudgetStatus{}, errkind.Errorf(ErrNotFound, "budget of %s for %s", clip(ref), month)
	}
	return b.project(ctx, bu, from, now)
}

// project computes the status of bu for the month starting at from, as of now.
func (b *Budgets) project(ctx context.Context, bu Budget, from, now time.Time) (BudgetStatus, error) {
	_, to := monthOf(from)
	st := BudgetStatus{Budget: bu, Month: from.Format("2006-01")}
	cutoff := to
	if n := dayOf(now).AddDate(0, 0, 1); n.Before(to) {
		cutoff = n
	}
	o, err := b.costs.Outlook(ctx, OutlookQuery{
		Filter: map[string]string{BudgetDimension(bu.EntityRef): bu.EntityRef}, Currency: bu.Currency,
		Now: cutoff, History: 180, Horizon: 62,
	})
	if err != nil {
		return BudgetStatus{}, fmt.Errorf("budget %s: %w", bu.ID, err)
	}
	st.AsOf = o.AsOf
	for i, v := range o.History {
		d := o.First.AddDate(0, 0, i)
		if !d.Before(from) && d.Before(to) {
			st.Actual += v
		}
	}
	var ss float64
	if len(o.Forecast.Point) > 0 && o.AsOf.Before(to) {
		st.Model = o.Forecast.Model
		for k, v := range o.Forecast.Point {
			d := o.AsOf.AddDate(0, 0, k)
			if d.Before(from) {
				continue
			}
			if !d.Before(to) {
				break
			}
			// A day's cost is never negative; nor is its forecast.
			st.Forecast += math.Max(v, 0)
			w := (o.Forecast.Upper[k] - o.Forecast.Lower[k]) / 2
			ss += w * w
		}
	}
	st.Projected = st.Actual + st.Forecast
	half := math.Sqrt(ss)
	st.Low, st.High = math.Max(st.Projected-half, st.Actual), st.Projected+half
	st.Ratio = st.Projected / bu.Amount
	return st, nil
}

// Statuses projects every budget the caller may see that applies this month.
func (b *Budgets) Statuses(ctx context.Context) ([]BudgetStatus, error) {
	all, err := b.List(ctx, "")
	if err != nil {
		return nil, err
	}
	now := b.now()
	month := now.UTC().Format("2006-01")
	from, _ := monthOf(now)
	// A month's own budget hides the standing one of the same entity.
	own := map[string]bool{}
	for _, bu := range all {
		if bu.Month == month {
			own[bu.EntityRef] = true
		}
	}
	all = slices.DeleteFunc(all, func(bu Budget) bool {
		return !(bu.Month == month || (bu.Month == "" && !own[bu.EntityRef]))
	})
	out := make([]BudgetStatus, 0, len(all))
	for _, bu := range all {
		st, err := b.project(ctx, bu, from, now)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func newBudgetID() string { return "bud_" + rand.Text()[:20] }

// Costs is the cost service budgets project with.
func (b *Budgets) Costs() *Service { return b.costs }

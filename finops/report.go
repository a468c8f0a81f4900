package finops

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/internal/errkind"
)

// maxFilters bounds DailyQuery.Filter.
const maxFilters = 7

// validate checks q's dimensions and range.
func (q DailyQuery) validate() error {
	if err := checkDimension("group_by", q.GroupBy); err != nil {
		return err
	}
	if len(q.Filter) > maxFilters {
		return errkind.Errorf(ErrInvalid, "filter: at most %d keys", maxFilters)
	}
	for k, v := range q.Filter {
		if err := checkDimension("filter", k); err != nil || k == "" {
			return errkind.Errorf(ErrInvalid, "filter key %q: want one of %s", clip(k), strings.Join(Dimensions, ", "))
		}
		if len(v) > 1024 {
			return errkind.Errorf(ErrInvalid, "filter %s: value longer than 1024 bytes", k)
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return errkind.Errorf(ErrInvalid, "from must be before to")
	}
	if q.Limit < 0 || q.Offset < 0 {
		return errkind.Errorf(ErrInvalid, "limit and offset must not be negative")
	}
	return nil
}

// visible narrows q to the lines the caller may see: admins and the system see all;
// everyone else the lines of entities they may see, and developers also the unallocated
// bucket (it names resources and services of no owner, which viewers do not need).
func (s *Service) visible(ctx context.Context, q DailyQuery) (DailyQuery, error) {
	p := auth.FromContext(ctx)
	if p.Kind == auth.KindSystem || p.Role.AtLeast(auth.RoleAdmin) {
		return q, nil
	}
	refs, err := s.store.CostEntities(ctx)
	if err != nil {
		return q, fmt.Errorf("cost entities: %w", err)
	}
	ents := []string{}
	if p.IsAuthenticated() && p.Role.AtLeast(auth.RoleDeveloper) {
		ents = append(ents, "")
	}
	var named []string
	for _, r := range refs {
		if r != "" {
			named = append(named, r)
		}
	}
	if s.catalog != nil && len(named) > 0 {
		ok, err := s.catalog.Visible(ctx, named)
		if err != nil {
			return q, fmt.Errorf("cost visibility: %w", err)
		}
		for _, r := range named {
			if ok[r] {
				ents = append(ents, r)
			}
		}
	}
	if q.Entities != nil {
		ents = slices.DeleteFunc(ents, func(r string) bool { return !slices.Contains(q.Entities, r) })
	}
	q.Entities = ents
	return q, nil
}

// Daily returns daily cost sums grouped by one dimension, in [From, To), oldest first,
// per currency (never summed across currencies), for what the caller may see.
func (s *Service) Daily(ctx context.Context, q DailyQuery) ([]DailyCost, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	q, err := s.visible(ctx, q)
	if err != nil {
		return nil, err
	}
	out, err := s.store.DailyCosts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("daily costs: %w", err)
	}
	return out, nil
}

// Sums returns the costs matching q summed over [From, To), per key and currency.
func (s *Service) Sums(ctx context.Context, q DailyQuery) ([]DailyCost, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	q, err := s.visible(ctx, q)
	if err != nil {
		return nil, err
	}
	out, err := s.store.SumCosts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("sum costs: %w", err)
	}
	return out, nil
}

// compare returns, per key and currency, the EffectiveCost in cur and prev.
func (s *Service) compare(ctx context.Context, filter map[string]string, by string, cur, prev Period) ([]Mover, error) {
	if by == "" {
		return nil, errkind.Errorf(ErrInvalid, "movers: say by what (resource, service, …)")
	}
	a, err := s.Sums(ctx, DailyQuery{GroupBy: by, Filter: filter, From: cur.From, To: cur.To})
	if err != nil {
		return nil, err
	}
	b, err := s.Sums(ctx, DailyQuery{GroupBy: by, Filter: filter, From: prev.From, To: prev.To})
	if err != nil {
		return nil, err
	}
	m := map[[2]string]*Mover{}
	get := func(d DailyCost) *Mover {
		k := [2]string{d.Key, d.Currency}
		if m[k] == nil {
			m[k] = &Mover{Key: d.Key, Currency: d.Currency}
		}
		return m[k]
	}
	for _, d := range a {
		get(d).Current += d.EffectiveCost
	}
	for _, d := range b {
		get(d).Previous += d.EffectiveCost
	}
	out := make([]Mover, 0, len(m))
	for _, x := range m {
		x.Change = x.Current - x.Previous
		out = append(out, *x)
	}
	return out, nil
}

// Movers compares two periods for rows matching filter and returns the n keys (by =
// "resource" or "service", or any of Dimensions) whose EffectiveCost changed most
// (absolute), with both totals.
func (s *Service) Movers(ctx context.Context, filter map[string]string, by string, cur, prev Period, n int) ([]Mover, error) {
	ms, err := s.compare(ctx, filter, by, cur, prev)
	if err != nil {
		return nil, err
	}
	return topMovers(ms, n), nil
}

func topMovers(ms []Mover, n int) []Mover {
	ms = slices.DeleteFunc(ms, func(m Mover) bool { return m.Change == 0 })
	slices.SortFunc(ms, func(a, b Mover) int {
		return cmpJoin(cmp.Compare(math.Abs(b.Change), math.Abs(a.Change)), strings.Compare(a.Key, b.Key), strings.Compare(a.Currency, b.Currency))
	})
	if n > 0 && len(ms) > n {
		ms = ms[:n]
	}
	return ms
}

// showbackMovers is how many movers a Showback lists.
const showbackMovers = 5

// Showback returns owner's cost for period against the previous period of the same
// length, by service and entity, with the top movers.
func (s *Service) Showback(ctx context.Context, owner string, period Period) (Showback, error) {
	if owner == "" {
		return Showback{}, errkind.Errorf(ErrInvalid, "showback: name the owner")
	}
	if !period.From.Before(period.To) {
		return Showback{}, errkind.Errorf(ErrInvalid, "showback: from must be before to")
	}
	prev := Period{From: period.From.Add(-period.To.Sub(period.From)), To: period.From}
	sb := Showback{Owner: owner, Period: period, Previous: prev}
	filter := map[string]string{"owner": owner}
	bySvc, err := s.compare(ctx, filter, "service", period, prev)
	if err != nil {
		return Showback{}, err
	}
	byEnt, err := s.compare(ctx, filter, "entity", period, prev)
	if err != nil {
		return Showback{}, err
	}
	byRes, err := s.compare(ctx, filter, "resource", period, prev)
	if err != nil {
		return Showback{}, err
	}
	cur, before := map[string]*Total{}, map[string]*Total{}
	for _, m := range byEnt {
		addTotal(cur, m.Currency, 0, m.Current)
		addTotal(before, m.Currency, 0, m.Previous)
	}
	sums, err := s.Sums(ctx, DailyQuery{Filter: filter, From: period.From, To: period.To})
	if err != nil {
		return Showback{}, err
	}
	for _, d := range sums {
		addTotal(cur, d.Currency, d.BilledCost, 0)
	}
	sums, err = s.Sums(ctx, DailyQuery{Filter: filter, From: prev.From, To: prev.To})
	if err != nil {
		return Showback{}, err
	}
	for _, d := range sums {
		addTotal(before, d.Currency, d.BilledCost, 0)
	}
	sb.Current, sb.Before = sortedTotals(cur), sortedTotals(before)
	byCurrent := func(a, b Mover) int {
		return cmpJoin(cmp.Compare(b.Current, a.Current), strings.Compare(a.Key, b.Key), strings.Compare(a.Currency, b.Currency))
	}
	sb.ByService = slices.SortedFunc(slices.Values(bySvc), byCurrent)
	sb.ByEntity = slices.SortedFunc(slices.Values(byEnt), byCurrent)
	sb.ServiceMovers = topMovers(slices.Clone(bySvc), showbackMovers)
	sb.ResourceMovers = topMovers(byRes, showbackMovers)
	return sb, nil
}

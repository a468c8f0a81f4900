package finops

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Recommendation kinds.
const (
	// RecDeprecated is spend on an entity whose lifecycle is deprecated.
	RecDeprecated = "deprecated"
	// RecOrphaned is spend on an entity with no owner, or an owner that is not a known group.
	RecOrphaned = "orphaned"
	// RecUnowned is spend allocated to no owner at all: untagged resources.
	RecUnowned = "unowned"
	// RecNewService is a provider service that had no cost in the previous period.
	RecNewService = "new-service"
)

// Recommendation is one thing the cost data says deserves a look.
type Recommendation struct {
	Kind      string `json:"kind"`
	EntityRef string `json:"entity_ref,omitempty"`
	Owner     string `json:"owner,omitempty"`
	Service   string `json:"service,omitempty"`
	// Resources are the largest resources behind the spend (unowned: the untagged ones).
	Resources []string `json:"resources,omitempty"`
	Currency  string   `json:"currency"`
	// Cost is the EffectiveCost in the period.
	Cost float64 `json:"cost"`
	Text string  `json:"text"`
}

// EntityStatus is what recommendations need to know of a catalog entity.
type EntityStatus struct {
	Lifecycle string // spec.lifecycle, lower case
	Owner     string // canonical ref of spec.owner, "" if none
	// OwnerKnown says the owner is a group the catalog has.
	OwnerKnown bool
}

// EntityStatuses reads entities' lifecycle and owner.
type EntityStatuses interface {
	// EntityStatuses returns the status of each of refs the catalog has, read as the system.
	EntityStatuses(ctx context.Context, refs []string) (map[string]EntityStatus, error)
}

// Recommender finds spend worth a look.
type Recommender struct {
	costs *Service
	cat   EntityStatuses
	now   func() time.Time
}

// NewRecommender returns a recommender over costs; now defaults to time.Now.
func NewRecommender(costs *Service, cat EntityStatuses, now func() time.Time) *Recommender {
	if now == nil {
		now = time.Now
	}
	return &Recommender{costs: costs, cat: cat, now: now}
}

// Recommend lists, for the period (zero: the 30 days before today) and what the caller
// may see: spend on deprecated and orphaned entities, spend with no owner, and services
// that appeared in the period (no cost in the period of the same length before), largest
// cost first.
func (r *Recommender) Recommend(ctx context.Context, p Period) ([]Recommendation, error) {
	if p.From.IsZero() || p.To.IsZero() {
		to := dayOf(r.now())
		p = Period{From: to.AddDate(0, 0, -30), To: to}
	}
	if !p.From.Before(p.To) {
		return nil, errkind.Errorf(ErrInvalid, "recommend: from must be before to")
	}
	var out []Recommendation
	ents, err := r.costs.Sums(ctx, DailyQuery{GroupBy: "entity", From: p.From, To: p.To})
	if err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	var refs []string
	for _, e := range ents {
		if e.Key != "" && !slices.Contains(refs, e.Key) {
			refs = append(refs, e.Key)
		}
	}
	st := map[string]EntityStatus{}
	if r.cat != nil && len(refs) > 0 {
		if st, err = r.cat.EntityStatuses(ctx, refs); err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
	}
	for _, e := range ents {
		s, ok := st[e.Key]
		if e.Key == "" || !ok || e.EffectiveCost <= 0 {
			continue
		}
		switch {
		case s.Lifecycle == "deprecated":
			out = append(out, Recommendation{Kind: RecDeprecated, EntityRef: e.Key, Owner: s.Owner, Currency: e.Currency, Cost: e.EffectiveCost,
				Text: fmt.Sprintf("%s is deprecated but cost %s: retire it or move what still uses it.", e.Key, money(e.EffectiveCost, e.Currency))})
		case !strings.HasPrefix(e.Key, "group:") && (s.Owner == "" || !s.OwnerKnown):
			out = append(out, Recommendation{Kind: RecOrphaned, EntityRef: e.Key, Owner: s.Owner, Currency: e.Currency, Cost: e.EffectiveCost,
				Text: fmt.Sprintf("%s cost %s but has no known owning group%s: give it one.", e.Key, money(e.EffectiveCost, e.Currency), ownerNote(s.Owner))})
		}
	}
	unowned, err := r.costs.Sums(ctx, DailyQuery{GroupBy: "resource", Filter: map[string]string{"owner": ""}, From: p.From, To: p.To})
	if err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	byCur := map[string]*Recommendation{}
	slices.SortFunc(unowned, func(a, b DailyCost) int { return cmp.Compare(b.EffectiveCost, a.EffectiveCost) })
	for _, u := range unowned {
		rec := byCur[u.Currency]
		if rec == nil {
			rec = &Recommendation{Kind: RecUnowned, Currency: u.Currency}
			byCur[u.Currency] = rec
		}
		rec.Cost += u.EffectiveCost
		if len(rec.Resources) < 5 && u.EffectiveCost > 0 {
			rec.Resources = append(rec.Resources, u.Key)
		}
	}
	for _, rec := range byCur {
		if rec.Cost <= 0 {
			continue
		}
		rec.Text = fmt.Sprintf("%s of spend has no owner; tag the largest resources (%s) with application or team.", money(rec.Cost, rec.Currency), strings.Join(rec.Resources, ", "))
		out = append(out, *rec)
	}
	prev := Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
	svcs, err := r.costs.compare(ctx, nil, "service", p, prev)
	if err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	for _, m := range svcs {
		if m.Previous != 0 || m.Current <= 0 {
			continue
		}
		who, err := r.costs.Sums(ctx, DailyQuery{GroupBy: "entity", Filter: map[string]string{"service": m.Key}, From: p.From, To: p.To})
		if err != nil {
			return nil, fmt.Errorf("recommend: %w", err)
		}
		rec := Recommendation{Kind: RecNewService, Service: m.Key, Currency: m.Currency, Cost: m.Current}
		var top DailyCost
		for _, w := range who {
			if w.Currency == m.Currency && w.EffectiveCost > top.EffectiveCost {
				top = w
			}
		}
		rec.EntityRef = top.Key
		rec.Text = fmt.Sprintf("%s is new this period: %s, most of it for %s. Check it is expected and budgeted.", m.Key, money(m.Current, m.Currency), orNone(top.Key))
		out = append(out, rec)
	}
	slices.SortStableFunc(out, func(a, b Recommendation) int {
		return cmpJoin(cmp.Compare(b.Cost, a.Cost), strings.Compare(a.Kind, b.Kind), strings.Compare(a.EntityRef+a.Service, b.EntityRef+b.Service))
	})
	return out, nil
}

func ownerNote(owner string) string {
	if owner == "" {
		return ""
	}
	return " (" + owner + " is not a group in the catalog)"
}

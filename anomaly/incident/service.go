package incident

import (
	"context"
	"log/slog"
	"time"
)

// Service records incidents from every source and answers questions about them.
type Service struct {
	store Store
	log   *slog.Logger
	clock func() time.Time
	opt   Options
}

// Options configure a Service.
type Options struct {
	// GroupWindow: an anomaly within this long of its series' open incident's last
	// anomaly joins it (default 30 min).
	GroupWindow time.Duration
	// QuietPeriod: an anomaly incident with no new anomaly for this long resolves
	// (default 1 h).
	QuietPeriod time.Duration
	Logger      *slog.Logger
}

// NewService returns a service over store.
func NewService(store Store, o Options) *Service {
	if o.GroupWindow <= 0 {
		o.GroupWindow = 30 * time.Minute
	}
	if o.QuietPeriod <= 0 {
		o.QuietPeriod = time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{store: store, log: o.Logger.With("component", "incident"), clock: time.Now, opt: o}
}

// Get returns one incident with its timeline; ErrNotFound when there is none or the caller
// may not see it.
func (s *Service) Get(ctx context.Context, id string) (Incident, error) {
	return s.store.Incident(ctx, id)
}

// Changed returns incidents whose Seq > after, ascending by Seq, at most limit: the feed
// the alerts engine follows (it stores its own cursor).
func (s *Service) Changed(ctx context.Context, after int64, limit int) ([]Incident, error) {
	return s.store.Changed(ctx, after, limit)
}

// Similar returns up to n past incidents most like inc (same entity first, then text and
// vector similarity), excluding inc itself, only those the caller may see.
func (s *Service) Similar(ctx context.Context, inc Incident, n int) ([]Incident, error) {
	var out []Incident
	for _, e := range inc.Entities {
		got, err := s.store.Incidents(ctx, Query{Entity: e, Limit: n + 1})
		if err != nil {
			return nil, err
		}
		for _, g := range got {
			if g.ID != inc.ID && len(out) < n {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

package finops

import (
	"context"
	"errors"
	"io"
	"log/slog"
)

// Service imports, allocates and reports costs.
type Service struct {
	store   Store
	catalog Catalog
	rules   Rules
	log     *slog.Logger
}

// ServiceOptions configure a Service.
type ServiceOptions struct {
	// Catalog allocates rows and decides visibility; nil allocates nothing and shows
	// costs to admins only.
	Catalog Catalog
	// Rules are the allocation rules (zero: DefaultRules()).
	Rules  Rules
	Logger *slog.Logger
}

// NewService returns a service over store.
func NewService(store Store, o ServiceOptions) *Service {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Rules.isZero() {
		o.Rules = DefaultRules()
	}
	return &Service{store: store, catalog: o.Catalog, rules: o.Rules, log: o.Logger.With("component", "finops")}
}

var errTODO = errors.New("finops: not implemented yet")

// Import reads a FOCUS CSV (plain or gzip) stream; idempotent per provider/account/billing
// period. Rows that cannot be read are rejected with their line and reason and the others
// kept; a file that is not FOCUS at all is ErrInvalid and changes nothing.
func (s *Service) Import(ctx context.Context, r io.Reader, o ImportOptions) (ImportReport, error) {
	return ImportReport{}, errTODO
}

// Daily returns daily cost sums grouped by one dimension, in [From, To), oldest first,
// per currency (never summed across currencies), for what the caller may see.
func (s *Service) Daily(ctx context.Context, q DailyQuery) ([]DailyCost, error) {
	return nil, errTODO
}

// Movers compares two periods for rows matching filter and returns the n keys (by =
// "resource" or "service", or any of Dimensions) whose EffectiveCost changed most
// (absolute), with both totals.
func (s *Service) Movers(ctx context.Context, filter map[string]string, by string, cur, prev Period, n int) ([]Mover, error) {
	return nil, errTODO
}

// Showback returns owner's cost for period against the previous period of the same
// length, by service and entity, with the top movers.
func (s *Service) Showback(ctx context.Context, owner string, period Period) (Showback, error) {
	return Showback{}, errTODO
}

// Reallocate recomputes every row's allocation from the current catalog.
func (s *Service) Reallocate(ctx context.Context) error {
	return errTODO
}

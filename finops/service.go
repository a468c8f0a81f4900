package finops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Service imports, allocates and reports costs.
type Service struct {
	store   Store
	catalog Catalog
	rules   Rules
	log     *slog.Logger

	mu      sync.Mutex // serialises reallocation
	version string     // catalog version of the last reallocation
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

// progressEvery is how many rows pass between Progress calls.
const progressEvery = 10000

// Import reads a FOCUS CSV (plain or gzip) stream; idempotent per provider/account/billing
// period. Rows that cannot be read are rejected with their line and reason and the others
// kept; a file that is not FOCUS at all is ErrInvalid, and any failure changes nothing.
func (s *Service) Import(ctx context.Context, r io.Reader, o ImportOptions) (ImportReport, error) {
	if o.MaxRejects <= 0 {
		o.MaxRejects = 100
	}
	fr, err := NewFOCUSReader(r, o)
	if err != nil {
		return ImportReport{}, err
	}
	alloc, err := s.allocator(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	totals := map[[2]string]*Total{}
	unalloc := map[string]*Total{}
	scopes := map[Scope]bool{}
	produce := func() (Cost, []Line, error) {
		for {
			if err := ctx.Err(); err != nil {
				return Cost{}, nil, err
			}
			c, err := fr.Next()
			var re *RowError
			if errors.As(err, &re) {
				rep.Rows++
				rep.Rejected++
				if len(rep.Rejects) < o.MaxRejects {
					rep.Rejects = append(rep.Rejects, Reject{Line: re.Line, Reason: re.Reason})
				}
				continue
			}
			if err != nil {
				return Cost{}, nil, err
			}
			rep.Rows++
			rep.Accepted++
			scopes[c.Scope()] = true
			addTotal(totals, [2]string{c.Provider, c.Currency}, c.BilledCost, c.EffectiveCost)
			lines := alloc.Allocate(c)
			for _, l := range lines {
				if l.Entity == "" {
					addTotal(unalloc, l.Currency, l.BilledCost, l.EffectiveCost)
				}
			}
			if o.Progress != nil && rep.Accepted%progressEvery == 0 {
				o.Progress(fr.BytesRead(), rep.Accepted)
			}
			return c, lines, nil
		}
	}
	if err := s.storeRows(ctx, produce); err != nil {
		return ImportReport{}, fmt.Errorf("import costs: %w", err)
	}
	if o.Progress != nil {
		o.Progress(fr.BytesRead(), rep.Accepted)
	}
	for sc := range scopes {
		rep.Scopes = append(rep.Scopes, sc)
	}
	slices.SortFunc(rep.Scopes, func(a, b Scope) int {
		return cmpJoin(strings.Compare(a.Provider, b.Provider), strings.Compare(a.BillingAccountID, b.BillingAccountID), a.BillingPeriodStart.Compare(b.BillingPeriodStart))
	})
	for k, t := range totals {
		t.Currency = k[1]
		rep.Totals = append(rep.Totals, ProviderTotal{Provider: k[0], Total: *t})
	}
	slices.SortFunc(rep.Totals, func(a, b ProviderTotal) int {
		return cmpJoin(strings.Compare(a.Provider, b.Provider), strings.Compare(a.Currency, b.Currency))
	})
	rep.Unallocated = sortedTotals(unalloc)
	s.log.InfoContext(ctx, "costs imported", slog.Int64("accepted", rep.Accepted), slog.Int64("rejected", rep.Rejected), slog.Int("scopes", len(rep.Scopes)))
	return rep, nil
}

func addTotal[K comparable](m map[K]*Total, k K, billed, effective float64) {
	t := m[k]
	if t == nil {
		t = &Total{}
		m[k] = t
	}
	t.BilledCost += billed
	t.EffectiveCost += effective
}

func sortedTotals(m map[string]*Total) []Total {
	out := make([]Total, 0, len(m))
	for cur, t := range m {
		t.Currency = cur
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Total) int { return strings.Compare(a.Currency, b.Currency) })
	return out
}

func cmpJoin(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// importQueue is how many parsed rows wait for the store while it writes.
const importQueue = 4096

// storeRows hands the rows produce yields to the store, parsing and allocating in a goroutine
// of its own so that reading the file overlaps writing the database. produce's state (the
// report) may be read once storeRows returns.
func (s *Service) storeRows(ctx context.Context, produce func() (Cost, []Line, error)) error {
	type item struct {
		c     Cost
		lines []Line
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan item, importQueue)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ch)
		for {
			c, lines, err := produce()
			select {
			case ch <- item{c, lines, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	})
	next := func() (Cost, []Line, error) {
		it, ok := <-ch
		if !ok {
			return Cost{}, nil, ctx.Err()
		}
		return it.c, it.lines, it.err
	}
	_, err := s.store.ReplaceCosts(ctx, next)
	cancel()
	wg.Wait()
	return err
}

// allocator reads the catalog (as the system: allocation is not the caller's view).
func (s *Service) allocator(ctx context.Context) (*Allocator, error) {
	if s.catalog == nil {
		return NewAllocator(s.rules, nil), nil
	}
	es, err := s.catalog.AllocationEntities(ctx)
	if err != nil {
		return nil, fmt.Errorf("read catalog for allocation: %w", err)
	}
	return NewAllocator(s.rules, es), nil
}

// Reallocate recomputes every row's allocation from the current catalog.
func (s *Service) Reallocate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	alloc, err := s.allocator(ctx)
	if err != nil {
		return err
	}
	if err := s.store.Reallocate(ctx, alloc.Allocate); err != nil {
		return fmt.Errorf("reallocate costs: %w", err)
	}
	return nil
}

// ReallocateIfChanged reallocates when version (the catalog's, e.g.
// SnapshotStore.CatalogVersion) differs from the one of the last call, and reports
// whether it did. The first call always reallocates.
func (s *Service) ReallocateIfChanged(ctx context.Context, version string) (bool, error) {
	s.mu.Lock()
	same := s.version != "" && s.version == version
	s.mu.Unlock()
	if same {
		return false, nil
	}
	if err := s.Reallocate(ctx); err != nil {
		return false, err
	}
	s.mu.Lock()
	s.version = version
	s.mu.Unlock()
	return true, nil
}

// FollowCatalog reallocates whenever version reports a new catalog version, checking every
// interval until ctx ends. Errors are logged and retried at the next tick.
func (s *Service) FollowCatalog(ctx context.Context, version func(context.Context) (string, error), every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		v, err := version(ctx)
		if err == nil {
			var did bool
			if did, err = s.ReallocateIfChanged(ctx, v); did {
				s.log.InfoContext(ctx, "costs reallocated", slog.String("catalog_version", v))
			}
		}
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "reallocate costs", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// checkDimension refuses an unknown group_by or filter key with ErrInvalid.
func checkDimension(what, d string) error {
	if d == "" || slices.Contains(Dimensions, d) {
		return nil
	}
	return errkind.Errorf(ErrInvalid, "%s %q: want one of %s", what, clip(d), strings.Join(Dimensions, ", "))
}

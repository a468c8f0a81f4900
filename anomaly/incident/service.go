package incident

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/errkind"
)

// Catalog is what the service reads from the catalog, as the principal in ctx may see it.
// *catalog.Service implements it.
type Catalog interface {
	EntityByRef(ctx context.Context, ref catalog.Ref) (catalog.Entity, error)
	Query(ctx context.Context, q catalog.Query) (catalog.Page, error)
}

// Searcher finds incidents by text and vector similarity, as the principal in ctx may see
// them: incident IDs, best first, at most n. The wiring adapts the indexer to it.
type Searcher interface {
	SearchIncidents(ctx context.Context, text string, n int) ([]string, error)
}

// Service records incidents from every source and answers questions about them. Reads
// return only incidents whose every entity the caller may see.
type Service struct {
	store  Store
	cat    Catalog
	search Searcher
	log    *slog.Logger
	clock  func() time.Time
	opt    Options
}

// Options configure a Service.
type Options struct {
	// GroupWindow: an anomaly within this long of its series' open incident's last
	// anomaly joins it (default 30 min).
	GroupWindow time.Duration
	// QuietPeriod: an anomaly incident with no new anomaly for this long resolves
	// (default 1 h).
	QuietPeriod time.Duration
	// Search finds similar incidents by text; nil leaves Similar to same-entity incidents.
	Search Searcher
	Logger *slog.Logger
	// Clock is the time source (default time.Now).
	Clock func() time.Time
}

// NewService returns a service over store, reading entities from cat.
func NewService(store Store, cat Catalog, o Options) *Service {
	if o.GroupWindow <= 0 {
		o.GroupWindow = 30 * time.Minute
	}
	if o.QuietPeriod <= 0 {
		o.QuietPeriod = time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return &Service{store: store, cat: cat, search: o.Search, log: o.Logger.With("component", "incident"), clock: o.Clock, opt: o}
}

// SetSearcher sets the similarity search once the index exists (wiring order).
func (s *Service) SetSearcher(se Searcher) { s.search = se }

// now is the service clock in UTC, to the microsecond (as stored).
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// newID returns a fresh incident ID.
func newID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "inc-" + hex.EncodeToString(b[:])
}

// Get returns one incident with its timeline; ErrNotFound when there is none or the caller
// may not see it.
func (s *Service) Get(ctx context.Context, id string) (Incident, error) {
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	ok, err := s.visible(ctx, inc, catalog.NewVisibleRefs(s.cat, "component"))
	if err != nil {
		return Incident{}, err
	}
	if !ok {
		return Incident{}, errkind.Errorf(ErrNotFound, "incident %.80s", id)
	}
	return inc, nil
}

// List returns the incidents matching q that the caller may see, newest opened first. It
// reads further pages of the store until it has q.Limit visible ones or there are no more.
func (s *Service) List(ctx context.Context, q Query) ([]Incident, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	seen := catalog.NewVisibleRefs(s.cat, "component")
	var out []Incident
	for range 20 {
		page, err := s.store.Incidents(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, inc := range page {
			ok, err := s.visible(ctx, inc, seen)
			if err != nil {
				return nil, err
			}
			if ok && len(out) < q.Limit {
				out = append(out, inc)
			}
		}
		if len(out) >= q.Limit || len(page) < q.Limit {
			break
		}
		last := page[len(page)-1]
		q.AfterOpened, q.AfterID = last.OpenedAt, last.ID
	}
	return out, nil
}

// Changed returns incidents whose Seq > after, ascending by Seq, at most limit: the feed
// the alerts engine follows (it stores its own cursor). Incidents the caller may not see
// are left out, so background callers run as auth.System().
func (s *Service) Changed(ctx context.Context, after int64, limit int) ([]Incident, error) {
	list, err := s.store.Changed(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	seen := catalog.NewVisibleRefs(s.cat, "component")
	out := list[:0]
	for _, inc := range list {
		ok, err := s.visible(ctx, inc, seen)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, inc)
		}
	}
	return out, nil
}

// visible reports whether the caller may see every entity of inc; an incident tied to no
// entity is visible to every signed-in caller. seen remembers answers per entity.
func (s *Service) visible(ctx context.Context, inc Incident, seen *catalog.VisibleRefs) (bool, error) {
	p := auth.FromContext(ctx)
	if p.Kind == auth.KindSystem || (p.IsAuthenticated() && p.Role == auth.RoleAdmin) {
		return true, nil
	}
	if !p.IsAuthenticated() && len(inc.Entities) == 0 {
		return false, nil
	}
	for _, ref := range inc.Entities {
		ok, err := seen.Visible(ctx, ref)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// SetStatus acknowledges, resolves or reopens an incident the caller may see, with a
// timeline event naming the caller and note. Setting the status it has changes nothing.
func (s *Service) SetStatus(ctx context.Context, id string, st Status, note string) (Incident, error) {
	if !st.Valid() {
		return Incident{}, errkind.Errorf(ErrInvalid, "status %.40q: want open, acknowledged or resolved", st)
	}
	if len(note) > MaxEventText {
		return Incident{}, errkind.Errorf(ErrInvalid, "note: at most %d bytes", MaxEventText)
	}
	if _, err := s.Get(ctx, id); err != nil {
		return Incident{}, err
	}
	actor := auth.FromContext(ctx).Name
	return s.store.Update(ctx, id, func(inc *Incident, _ bool) ([]Event, error) {
		if inc.Status == st {
			return nil, nil
		}
		return []Event{s.transition(inc, st, note, actor)}, nil
	})
}

// transition moves inc to st and returns the timeline event that says so.
func (s *Service) transition(inc *Incident, st Status, text, actor string) Event {
	now := s.now()
	kind := map[Status]string{StatusOpen: EventReopened, StatusAcknowledged: EventAcknowledged, StatusResolved: EventResolved}[st]
	if text == "" {
		text = string(st)
	}
	inc.Status, inc.UpdatedAt = st, now
	if st == StatusResolved {
		inc.ResolvedAt = now
	} else {
		inc.ResolvedAt = time.Time{}
	}
	return Event{At: now, Kind: kind, Text: text, Actor: actor}
}

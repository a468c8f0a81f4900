package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nextportal/portal/internal/errkind"
)

// Snapshot is the whole stored catalog read at one instant: what a ReadModel is built from.
type Snapshot struct {
	// Entities in ascending uid order. Their Entity.Relations are left to the model, which
	// derives them from every entity's Originated rows as Store.EntityByRef fills them.
	Entities []SnapshotEntity
	// Version fingerprints the entities' state (SnapshotStore.CatalogVersion).
	Version string
}

// SnapshotEntity is one stored entity with its canonical ref, its parent, its stored
// search rows (including the metadata.uid row the store adds) and the relation rows it
// produced (stored with it, also those whose source is another entity or none).
type SnapshotEntity struct {
	Entity     Entity
	Ref        string
	Parent     string
	Search     []SearchRow
	Originated []RelationRow
}

// SnapshotStore is a Store that can also read its whole catalog at once, and tell cheaply
// whether it changed.
type SnapshotStore interface {
	Store
	CatalogSnapshot(ctx context.Context) (Snapshot, error)
	// CatalogVersion fingerprints the catalog's state; it equals the Version of a snapshot of
	// the same state and changes with every write to an entity.
	CatalogVersion(ctx context.Context) (string, error)
}

// Changes is what one write changed in the stored catalog, as a ChangeStore reports it.
type Changes struct {
	// Before and After are the catalog's version (SnapshotStore.CatalogVersion) at the start
	// and at the end of the write's transaction.
	Before, After string
	// Removed lists the uids of the entities the write deleted.
	Removed []string
	// Written holds the entities the write inserted or updated, as a Snapshot holds them.
	Written []SnapshotEntity
}

// ChangeStore is a SnapshotStore whose location writes also report what they changed, so
// that a ReadModel can apply a write to its model instead of reading the whole catalog again.
type ChangeStore interface {
	SnapshotStore
	// ReplaceLocationEntitiesChanges is ReplaceLocationEntities, also returning the changes.
	// When early is not nil, it is called once, on another goroutine and before the write
	// commits, with the changes the write means to make, so that work on them can overlap
	// the write: as reported if it commits, but for an empty After (known only once the
	// entities are in) and a Written that also holds the entities the write then turns
	// away (refs another location has). The call returns after early has returned.
	ReplaceLocationEntitiesChanges(ctx context.Context, locationID string, entities []Processed, early func(Changes)) (ApplyResult, Changes, error)
}

// ReadModel is a Store that answers reads from a derived in-memory model of the catalog and
// passes writes to the SQL store underneath, which stays the truth. Every write through it
// that changes entities updates the model before it returns (so a caller reads its own
// writes): a location write to a ChangeStore that started from the state the model holds is
// applied to the model from the rows it wrote; any other write rebuilds the model from a
// fresh snapshot, and concurrent writes share rebuilds. Reload rebuilds on demand, e.g.
// periodically to follow writes made by other replicas. While a rebuild has failed, reads
// go to the SQL store.
//
// Its answers are the SQL store's, byte for byte: the contract suite (store/storetest) and a
// randomized differential test run against it.
type ReadModel struct {
	src    SnapshotStore
	mu     sync.Mutex // serialises rebuilds
	wanted atomic.Uint64
	built  atomic.Uint64
	gen    atomic.Uint64 // counts the models stored in cur
	cur    atomic.Pointer[model]
}

// ReadModelStats describes the current model.
type ReadModelStats struct {
	Entities  int
	Rows      int           // search rows held
	BuildTime time.Duration // how long the last rebuild took (snapshot read and indexing)
	Ready     bool          // false while reads fall back to SQL after a failed rebuild
	Applied   bool          // the model was last updated by applying a write, not rebuilt
}

// NewReadModel builds the model from src and returns it.
func NewReadModel(ctx context.Context, src SnapshotStore) (*ReadModel, error) {
	m := &ReadModel{src: src}
	if err := m.Reload(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Reload rebuilds the model from a fresh snapshot of the store. Callers that arrive while a
// rebuild they did not see the start of is running wait and rebuild once more.
func (m *ReadModel) Reload(ctx context.Context) error {
	want := m.wanted.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.built.Load() >= want {
		return nil // a rebuild that started after this call's write covered it
	}
	target := m.wanted.Load()
	start := time.Now()
	snap, err := m.src.CatalogSnapshot(context.WithoutCancel(ctx))
	if err != nil {
		m.cur.Store(nil)
		return fmt.Errorf("rebuild catalog read model: %w", err)
	}
	md := buildModel(snap)
	md.buildTime = time.Since(start)
	m.cur.Store(md)
	m.built.Store(target)
	m.gen.Add(1)
	return nil
}

// apply updates the model after a location write: from the current model and the write's
// changes when the model held the state the write started from and the result has the
// state it ended with (no other write came between), else by a rebuild.
func (m *ReadModel) apply(ctx context.Context, ch Changes) error {
	if m.tryApply(ch) {
		return nil
	}
	return m.Reload(ctx)
}

func (m *ReadModel) tryApply(ch Changes) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	md := m.cur.Load()
	if md == nil || ch.Before == "" || md.version != ch.Before {
		return false
	}
	start := time.Now()
	next := md.with(ch)
	if next.version != ch.After {
		return false
	}
	next.buildTime = time.Since(start)
	next.applied = true
	m.cur.Store(next)
	m.gen.Add(1)
	return true
}

// Resync rebuilds the model when the store changed since it was built (writes made by
// other replicas, or directly to the database): a cheap fingerprint read when nothing did.
func (m *ReadModel) Resync(ctx context.Context) error {
	md := m.cur.Load()
	if md != nil {
		v, err := m.src.CatalogVersion(ctx)
		if err != nil {
			return fmt.Errorf("resync catalog read model: %w", err)
		}
		if v == md.version {
			return nil
		}
	}
	return m.Reload(ctx)
}

// Stats describes the current model.
func (m *ReadModel) Stats() ReadModelStats {
	md := m.cur.Load()
	if md == nil {
		return ReadModelStats{}
	}
	return ReadModelStats{Entities: len(md.ents), Rows: len(md.rows), BuildTime: md.buildTime, Ready: true, Applied: md.applied}
}

// Generation identifies the model that answers reads: it grows with every rebuild and
// every applied write, so answers computed while it had one value may be reused until it
// changes. ok is false while reads fall back to SQL after a failed rebuild, when nothing
// may be reused.
func (m *ReadModel) Generation() (gen uint64, ok bool) {
	// gen is added to after cur is stored, so the model a caller reads next is at least as
	// new as gen.
	gen = m.gen.Load()
	return gen, m.cur.Load() != nil
}

// afterWrite rebuilds the model after a write that changed entities; a failed rebuild leaves
// reads on SQL and is reported with the write's result.
func (m *ReadModel) afterWrite(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return m.Reload(ctx)
}

// ReplaceLocationEntities writes through to the store, then, when anything changed, applies
// the write to the model (ChangeStore) or rebuilds it.
func (m *ReadModel) ReplaceLocationEntities(ctx context.Context, locationID string, entities []Processed) (ApplyResult, error) {
	cs, ok := m.src.(ChangeStore)
	if !ok {
		res, err := m.src.ReplaceLocationEntities(ctx, locationID, entities)
		if err != nil || res.Added+res.Updated+res.Removed == 0 {
			return res, err
		}
		return res, m.afterWrite(ctx, nil)
	}
	var pre prebuilt
	res, ch, err := cs.ReplaceLocationEntitiesChanges(ctx, locationID, entities, pre.build(m))
	if err != nil || res.Added+res.Updated+res.Removed == 0 {
		return res, err
	}
	if m.install(pre, ch) {
		return res, nil
	}
	return res, m.apply(ctx, ch)
}

// prebuilt is the model a location write leads to, built from its changes while the write
// finished (ChangeStore's early), and the model it was built from.
type prebuilt struct{ from, next *model }

// build returns the ChangeStore early func that fills p when the current model holds the
// state the write started from.
func (p *prebuilt) build(m *ReadModel) func(Changes) {
	return func(ch Changes) {
		md := m.cur.Load()
		if md == nil || ch.Before == "" || md.version != ch.Before {
			return
		}
		start := time.Now()
		next := md.with(ch)
		next.buildTime = time.Since(start)
		next.applied = true
		p.from, p.next = md, next
	}
}

// install makes p's model current when the write committed the state it holds and the
// model it was built from is still current; it reports whether it did.
func (m *ReadModel) install(p prebuilt, ch Changes) bool {
	if p.next == nil || p.next.version != ch.After {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur.Load() != p.from {
		return false
	}
	m.cur.Store(p.next)
	m.gen.Add(1)
	return true
}

// DeleteEntity writes through to the store, then rebuilds.
func (m *ReadModel) DeleteEntity(ctx context.Context, uid string) error {
	return m.afterWrite(ctx, m.src.DeleteEntity(ctx, uid))
}

// DeleteLocation writes through to the store, then rebuilds.
func (m *ReadModel) DeleteLocation(ctx context.Context, id string) error {
	return m.afterWrite(ctx, m.src.DeleteLocation(ctx, id))
}

// CreateLocation is the store's; a location alone holds no entities.
func (m *ReadModel) CreateLocation(ctx context.Context, typ, target string) (Location, error) {
	return m.src.CreateLocation(ctx, typ, target)
}

// Locations is the store's.
func (m *ReadModel) Locations(ctx context.Context) ([]Location, error) { return m.src.Locations(ctx) }

// Location is the store's.
func (m *ReadModel) Location(ctx context.Context, id string) (Location, error) {
	return m.src.Location(ctx, id)
}

// LocationOfEntity is the store's.
func (m *ReadModel) LocationOfEntity(ctx context.Context, ref string) (Location, error) {
	return m.src.LocationOfEntity(ctx, ref)
}

// EntityByRef answers from the model.
func (m *ReadModel) EntityByRef(ctx context.Context, ref string) (Entity, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.EntityByRef(ctx, ref)
	}
	key := strings.ToLower(ref)
	i, ok := md.byRef[key]
	if !ok {
		return Entity{}, errkind.Errorf(ErrNotFound, "entity by ref %s", key)
	}
	return md.ents[i].e, nil
}

// EntityByUID answers from the model.
func (m *ReadModel) EntityByUID(ctx context.Context, uid string) (Entity, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.EntityByUID(ctx, uid)
	}
	i, ok := md.byUID[uid]
	if !ok {
		return Entity{}, errkind.Errorf(ErrNotFound, "entity by uid %s", uid)
	}
	return md.ents[i].e, nil
}

// ParentRef answers from the model.
func (m *ReadModel) ParentRef(ctx context.Context, ref string) (string, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.ParentRef(ctx, ref)
	}
	i, ok := md.byRef[strings.ToLower(ref)]
	if !ok {
		return "", errkind.Errorf(ErrNotFound, "parent of entity %s", ref)
	}
	return md.ents[i].parent, nil
}

// RelationTargets answers from the model.
func (m *ReadModel) RelationTargets(ctx context.Context, typ string) ([]string, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.RelationTargets(ctx, typ)
	}
	return slices.Clone(md.relTargets[strings.ToLower(strings.TrimSpace(typ))]), nil
}

// EntitiesByRefs answers from the model.
func (m *ReadModel) EntitiesByRefs(ctx context.Context, refs []string, filter Filter) ([]*Entity, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.EntitiesByRefs(ctx, refs, filter)
	}
	if err := checkModelFilter(filter); err != nil {
		return nil, fmt.Errorf("entities by refs: %w", err)
	}
	filter = normalized(filter)
	out := make([]*Entity, len(refs))
	for j, r := range refs {
		if i, ok := md.byRef[strings.ToLower(r)]; ok && md.matches(i, filter) {
			e := md.ents[i].e
			out[j] = &e
		}
	}
	return out, nil
}

// ExistingRefs answers from the model.
func (m *ReadModel) ExistingRefs(ctx context.Context, refs []string, filter Filter) (map[string]bool, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.ExistingRefs(ctx, refs, filter)
	}
	if err := checkModelFilter(filter); err != nil {
		return nil, fmt.Errorf("existing refs: %w", err)
	}
	filter = normalized(filter)
	out := make(map[string]bool, len(refs))
	for _, r := range refs {
		i, ok := md.byRef[strings.ToLower(r)]
		out[r] = ok && md.matches(i, filter)
	}
	return out, nil
}

// Facets answers from the model.
func (m *ReadModel) Facets(ctx context.Context, filter Filter, facets []string) (map[string][]FacetCount, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.Facets(ctx, filter, facets)
	}
	out := make(map[string][]FacetCount, len(facets))
	if len(facets) == 0 {
		return out, nil
	}
	var set bitset
	if !filter.IsZero() {
		var err error
		if set, err = md.eval(filter); err != nil {
			return nil, fmt.Errorf("facets: %w", err)
		}
	}
	for _, f := range facets {
		groups := md.facets[strings.ToLower(f)]
		list := make([]FacetCount, 0, len(groups))
		for _, g := range groups {
			n := len(g.idx)
			if set != nil {
				n = 0
				for _, i := range g.idx {
					if set.has(int(i)) {
						n++
					}
				}
			}
			if n > 0 {
				list = append(list, FacetCount{Value: g.value, Count: n})
			}
		}
		out[f] = list
	}
	return out, nil
}

// QueryEntities answers from the model: the filter is a bitset over the entities, the order
// a permutation of all entities sorted once per snapshot and order, and a cursor a binary
// search in it.
func (m *ReadModel) QueryEntities(ctx context.Context, q Query) (Page, error) {
	md := m.cur.Load()
	if md == nil {
		return m.src.QueryEntities(ctx, q)
	}
	if err := checkModelQuery(q); err != nil {
		return Page{}, fmt.Errorf("query entities: %w", err)
	}
	set, err := md.eval(q.Filter)
	if err != nil {
		return Page{}, fmt.Errorf("query entities: %w", err)
	}
	if q.FullText != nil && strings.TrimSpace(q.FullText.Term) != "" {
		set.and(md.fullText(q.FullText))
	}
	page := Page{Total: set.count(), Entities: []Entity{}, Positions: []Position{}}
	ord := md.order(q.OrderBy)
	n := len(ord.perm)
	reverse := q.Before != nil
	start, step := 0, 1
	switch {
	case q.After != nil:
		// The first entity strictly after the position.
		start = sortSearch(n, func(k int) bool { return ord.compareTo(k, *q.After) > 0 })
	case q.Before != nil:
		// The last entity strictly before the position, walking backwards.
		start = sortSearch(n, func(k int) bool { return ord.compareTo(k, *q.Before) >= 0 }) - 1
		step = -1
	}
	want := -1
	if q.Limit > 0 {
		want = q.Limit + 1 // one more tells whether there are more
	}
	var picked []int32
	skip := q.Offset
	for k := start; k >= 0 && k < n && want != 0; k += step {
		i := ord.perm[k]
		if !set.has(int(i)) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		picked = append(picked, int32(k))
		want--
	}
	if q.Limit > 0 && len(picked) > q.Limit {
		page.HasMore = true
		picked = picked[:q.Limit]
	}
	if reverse {
		slices.Reverse(picked)
	}
	for _, k := range picked {
		i := ord.perm[k]
		page.Entities = append(page.Entities, md.ents[i].e)
		page.Positions = append(page.Positions, ord.position(int(k), md.ents[i].e.Metadata.UID))
	}
	return page, nil
}

// sortSearch is sort.Search without the import.
func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if !f(h) {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// checkModelQuery rejects what the SQL store rejects, with its messages.
func checkModelQuery(q Query) error {
	switch {
	case q.Limit < 0 || q.Offset < 0:
		return errkind.Errorf(ErrInvalid, "negative limit or offset")
	case q.After != nil && q.Before != nil:
		return errkind.Errorf(ErrInvalid, "both after and before positions given")
	}
	for _, o := range q.OrderBy {
		if strings.TrimSpace(o.Field) == "" {
			return errkind.Errorf(ErrInvalid, "order with an empty field")
		}
	}
	for _, p := range []*Position{q.After, q.Before} {
		if p != nil && len(p.Values) != len(q.OrderBy) {
			return errkind.Errorf(ErrInvalid, "cursor has %d sort values but the query orders by %d fields", len(p.Values), len(q.OrderBy))
		}
	}
	return checkModelFilter(q.Filter)
}

// checkModelFilter rejects the filters the SQL store rejects, with its messages.
func checkModelFilter(f Filter) error {
	n := 0
	for _, ok := range []bool{f.Key != "", len(f.AllOf) > 0, len(f.AnyOf) > 0, f.Not != nil} {
		if ok {
			n++
		}
	}
	if n > 1 {
		return errkind.Errorf(ErrInvalid, "filter sets more than one of key, allOf, anyOf and not")
	}
	if f.Key != "" {
		key := strings.ToLower(strings.TrimSpace(f.Key))
		if key == "" {
			return errkind.Errorf(ErrInvalid, "filter has an empty key")
		}
		if typ, ok := strings.CutPrefix(key, relationsKeyPrefix); ok && typ == "" {
			return errkind.Errorf(ErrInvalid, "filter key %q names no relation type", key)
		}
	}
	var errs []error
	for _, sub := range append(slices.Clone(f.AllOf), f.AnyOf...) {
		errs = append(errs, checkModelFilter(sub))
	}
	if f.Not != nil {
		errs = append(errs, checkModelFilter(*f.Not))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

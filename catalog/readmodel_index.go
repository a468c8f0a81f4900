package catalog

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
)

// model is one immutable build of the read model: the entities in uid order, maps from refs
// and uids to them, and per-key posting lists of their search rows and relations.
type model struct {
	ents  []modelEntity
	byRef map[string]int32
	byUID map[string]int32
	// byKey holds every search row of a key, in entity order.
	byKey map[string][]keyRow
	// byValue lists the entities with a (non-nil) value for a key, ascending, per value.
	byValue map[string]map[string][]int32
	// relAll and relTo list, per lowercased relation type, the entities with a relation of
	// that type (to that target).
	relAll     map[string][]int32
	relTo      map[string]map[string][]int32
	relTargets map[string][]string // lowercased type -> sorted distinct lowercased targets
	// facets groups, per key, the rows with an original value by that value (sorted).
	facets    map[string][]facetGroup
	rows      int
	buildTime time.Duration
	version   string
	applied   bool // made by applying a write's Changes

	ordersMu sync.Mutex
	orders   map[string]*ordering // by orderKey
}

type modelEntity struct {
	e          Entity
	ref        string
	parent     string
	search     []SearchRow
	originated []RelationRow // the relation rows stored with this entity
}

// facetGroup is one original value of a key and the entities of its rows (one per row).
type facetGroup struct {
	value string
	idx   []int32
}

// keyRow is one search row of a key: its entity, value and original value.
type keyRow struct {
	idx   int32
	value *string
	orig  *string
}

// buildModel indexes a snapshot. The snapshot's entities are in ascending uid order.
func buildModel(snap Snapshot) *model {
	n := len(snap.Entities)
	md := &model{
		ents:       make([]modelEntity, n),
		byRef:      make(map[string]int32, n),
		byUID:      make(map[string]int32, n),
		byKey:      map[string][]keyRow{},
		byValue:    map[string]map[string][]int32{},
		relAll:     map[string][]int32{},
		relTo:      map[string]map[string][]int32{},
		relTargets: map[string][]string{},
		orders:     map[string]*ordering{},
		version:    snap.Version,
	}
	// The store returns uids in byte order already; sort defensively so binary searches
	// and "entity order is uid order" always hold.
	slices.SortStableFunc(snap.Entities, func(a, b SnapshotEntity) int {
		return strings.Compare(a.Entity.Metadata.UID, b.Entity.Metadata.UID)
	})
	for i, se := range snap.Entities {
		md.byRef[se.Ref] = int32(i)
	}
	rels, distinct := linkRelations(snap.Entities, md.byRef)
	for i, se := range snap.Entities {
		idx := int32(i)
		se.Entity.Relations = rels[i]
		md.ents[i] = modelEntity{e: se.Entity, ref: se.Ref, parent: se.Parent, search: se.Search, originated: se.Originated}
		md.byUID[se.Entity.Metadata.UID] = idx
		for _, r := range se.Search {
			md.rows++
			md.byKey[r.Key] = append(md.byKey[r.Key], keyRow{idx: idx, value: r.Value, orig: r.OriginalValue})
			if r.Value == nil {
				continue
			}
			vs := md.byValue[r.Key]
			if vs == nil {
				vs = map[string][]int32{}
				md.byValue[r.Key] = vs
			}
			if l := vs[*r.Value]; len(l) == 0 || l[len(l)-1] != idx {
				vs[*r.Value] = append(l, idx)
			}
		}
		for _, rel := range se.Entity.Relations {
			typ := strings.ToLower(rel.Type)
			if l := md.relAll[typ]; len(l) == 0 || l[len(l)-1] != idx {
				md.relAll[typ] = append(l, idx)
			}
			to := md.relTo[typ]
			if to == nil {
				to = map[string][]int32{}
				md.relTo[typ] = to
			}
			if l := to[rel.TargetRef]; len(l) == 0 || l[len(l)-1] != idx {
				to[rel.TargetRef] = append(l, idx)
			}
		}
	}
	seen := map[string]map[string]bool{}
	for _, r := range distinct {
		typ, t := strings.ToLower(r.Type), strings.ToLower(r.Target)
		if seen[typ] == nil {
			seen[typ] = map[string]bool{}
		}
		if !seen[typ][t] {
			seen[typ][t] = true
			md.relTargets[typ] = append(md.relTargets[typ], t)
		}
	}
	for _, ts := range md.relTargets {
		slices.Sort(ts)
	}
	md.facets = make(map[string][]facetGroup, len(md.byKey))
	for key, rows := range md.byKey {
		at := map[string]int{}
		var groups []facetGroup
		for _, r := range rows {
			if r.orig == nil {
				continue
			}
			g, ok := at[*r.orig]
			if !ok {
				g = len(groups)
				at[*r.orig] = g
				groups = append(groups, facetGroup{value: *r.orig})
			}
			groups[g].idx = append(groups[g].idx, r.idx)
		}
		slices.SortFunc(groups, func(a, b facetGroup) int { return strings.Compare(a.value, b.value) })
		md.facets[key] = groups
	}
	return md
}

// with returns a new model of md's entities with ch applied: the entities ch removed or
// wrote left out, those it wrote added, and everything else derived afresh.
func (md *model) with(ch Changes) *model {
	drop := make(map[string]bool, len(ch.Removed)+len(ch.Written))
	for _, uid := range ch.Removed {
		drop[uid] = true
	}
	for _, se := range ch.Written {
		drop[se.Entity.Metadata.UID] = true
	}
	ents := make([]SnapshotEntity, 0, len(md.ents)+len(ch.Written))
	for _, me := range md.ents {
		if drop[me.e.Metadata.UID] {
			continue
		}
		e := me.e
		e.Relations = nil // derived again
		ents = append(ents, SnapshotEntity{Entity: e, Ref: me.ref, Parent: me.parent, Search: me.search, Originated: me.originated})
	}
	ents = append(ents, ch.Written...)
	next := buildModel(Snapshot{Entities: ents})
	v := NewVersion()
	for _, me := range next.ents {
		v.Add(me.e.Metadata.UID, me.e.Metadata.Etag)
	}
	next.version = v.String()
	return next
}

// linkRelations derives, from the relation rows the entities produced, each entity's
// Relations as Store.EntityByRef fills them (every distinct row whose source is its ref,
// sorted by type then target; nil when it has none), and every distinct row sorted by
// source, type and target. byRef maps the entities' refs to their indexes.
func linkRelations(ents []SnapshotEntity, byRef map[string]int32) ([][]Relation, []RelationRow) {
	n := 0
	for _, se := range ents {
		n += len(se.Originated)
	}
	rows := make([]RelationRow, 0, n)
	for _, se := range ents {
		rows = append(rows, se.Originated...)
	}
	slices.SortFunc(rows, compareRelationRows)
	rows = slices.Compact(rows)
	rels := make([][]Relation, len(ents))
	for _, r := range rows {
		if i, ok := byRef[r.Source]; ok {
			rels[i] = append(rels[i], Relation{Type: r.Type, TargetRef: r.Target})
		}
	}
	return rels, rows
}

// compareRelationRows orders relation rows by source, type and target, bytewise.
func compareRelationRows(a, b RelationRow) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	return strings.Compare(a.Target, b.Target)
}

// bitset is a set of entity indexes.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// not complements b over n entities.
func (b bitset) not(n int) {
	for i := range b {
		b[i] = ^b[i]
	}
	if r := n & 63; r != 0 && len(b) > 0 {
		b[len(b)-1] &= 1<<uint(r) - 1
	}
}

func (b bitset) count() int {
	c := 0
	for _, w := range b {
		c += bits.OnesCount64(w)
	}
	return c
}

func (md *model) all() bitset {
	b := newBitset(len(md.ents))
	b.not(len(md.ents))
	return b
}

// eval returns the set of entities matching f, as the SQL store's filter does: a leaf
// matches entities with a search row (or, for relations.<type>, a relation) for its key,
// with one of its values when it has any, compared after trimming and lowercasing.
func (md *model) eval(f Filter) (bitset, error) {
	if err := checkModelFilter(f); err != nil {
		return nil, err
	}
	return md.evalChecked(f), nil
}

func (md *model) evalChecked(f Filter) bitset {
	n := len(md.ents)
	switch {
	case f.Key != "":
		return md.leaf(f.Key, f.Values)
	case len(f.AllOf) > 0:
		b := md.evalChecked(f.AllOf[0])
		for _, sub := range f.AllOf[1:] {
			b.and(md.evalChecked(sub))
		}
		return b
	case len(f.AnyOf) > 0:
		b := md.evalChecked(f.AnyOf[0])
		for _, sub := range f.AnyOf[1:] {
			b.or(md.evalChecked(sub))
		}
		return b
	case f.Not != nil:
		b := md.evalChecked(*f.Not)
		b.not(n)
		return b
	default:
		return md.all()
	}
}

// leafArgs normalises a leaf as the SQL store does.
func leafArgs(key string, values []string) (string, []string) {
	key = strings.ToLower(strings.TrimSpace(key))
	vals := make([]string, len(values))
	for i, v := range values {
		vals[i] = strings.ToLower(strings.TrimSpace(v))
	}
	return key, vals
}

func (md *model) leaf(key string, values []string) bitset {
	key, vals := leafArgs(key, values)
	b := newBitset(len(md.ents))
	if typ, ok := strings.CutPrefix(key, relationsKeyPrefix); ok {
		if len(vals) == 0 {
			for _, i := range md.relAll[typ] {
				b.set(int(i))
			}
			return b
		}
		for _, v := range vals {
			for _, i := range md.relTo[typ][v] {
				b.set(int(i))
			}
		}
		return b
	}
	if len(vals) == 0 {
		for _, r := range md.byKey[key] {
			b.set(int(r.idx))
		}
		return b
	}
	for _, v := range vals {
		for _, i := range md.byValue[key][v] {
			b.set(int(i))
		}
	}
	return b
}

// normalized returns f with every leaf's key and values trimmed and lowercased, as the SQL
// store compares them, so matches need not redo it per entity.
func normalized(f Filter) Filter {
	return mapLeaves(f, func(leaf Filter) Filter {
		key, vals := leafArgs(leaf.Key, leaf.Values)
		return Filter{Key: key, Values: vals}
	})
}

// matches reports whether entity i matches f (normalized, and passed checkModelFilter),
// testing its own rows: cheaper than a set when only a few entities are asked about.
func (md *model) matches(i int32, f Filter) bool {
	switch {
	case f.Key != "":
		return md.leafMatches(i, f.Key, f.Values)
	case len(f.AllOf) > 0:
		for _, sub := range f.AllOf {
			if !md.matches(i, sub) {
				return false
			}
		}
		return true
	case len(f.AnyOf) > 0:
		for _, sub := range f.AnyOf {
			if md.matches(i, sub) {
				return true
			}
		}
		return false
	case f.Not != nil:
		return !md.matches(i, *f.Not)
	default:
		return true
	}
}

// leafMatches tests a normalized leaf against entity i.
func (md *model) leafMatches(i int32, key string, vals []string) bool {
	e := &md.ents[i]
	if typ, ok := strings.CutPrefix(key, relationsKeyPrefix); ok {
		for _, r := range e.e.Relations {
			if strings.EqualFold(r.Type, typ) && (len(vals) == 0 || slices.Contains(vals, r.TargetRef)) {
				return true
			}
		}
		return false
	}
	for _, r := range e.search {
		if r.Key != key {
			continue
		}
		if len(vals) == 0 || (r.Value != nil && slices.Contains(vals, *r.Value)) {
			return true
		}
	}
	return false
}

// fullText returns the entities with a value of one of ft's fields containing its term.
func (md *model) fullText(ft *FullText) bitset {
	term := strings.ToLower(strings.TrimSpace(ft.Term))
	fields := ft.Fields
	if len(fields) == 0 {
		fields = []string{"metadata.name", "metadata.title", "metadata.description", "spec.type", "spec.owner", "kind"}
	}
	b := newBitset(len(md.ents))
	for _, f := range fields {
		for _, r := range md.byKey[strings.ToLower(strings.TrimSpace(f))] {
			if r.value != nil && strings.Contains(*r.value, term) {
				b.set(int(r.idx))
			}
		}
	}
	return b
}

// maxCachedOrders bounds the orderings one model keeps: order fields come from callers, so
// beyond this many distinct orders each query sorts for itself.
const maxCachedOrders = 64

// ordering is every entity sorted by a list of Orders: perm[k] is the entity at rank k and
// vals[k] its sort values (the smallest value of each order's key; nil where it has none).
type ordering struct {
	orders []Order
	perm   []int32
	vals   [][]*string
	uids   []string
}

func orderKey(orders []Order) string {
	var b strings.Builder
	for _, o := range orders {
		b.WriteString(strings.ToLower(strings.TrimSpace(o.Field)))
		if o.Desc {
			b.WriteString("\x00d\x01")
		} else {
			b.WriteString("\x00a\x01")
		}
	}
	return b.String()
}

// order returns the ordering for orders, built once per model.
func (md *model) order(orders []Order) *ordering {
	key := orderKey(orders)
	md.ordersMu.Lock()
	defer md.ordersMu.Unlock()
	if o, ok := md.orders[key]; ok {
		return o
	}
	n := len(md.ents)
	o := &ordering{orders: slices.Clone(orders), perm: make([]int32, n), vals: make([][]*string, n), uids: make([]string, n)}
	mins := make([][]*string, len(orders)) // per order, per entity
	for j, ord := range orders {
		mins[j] = make([]*string, n)
		for _, r := range md.byKey[strings.ToLower(strings.TrimSpace(ord.Field))] {
			if r.value != nil && (mins[j][r.idx] == nil || *r.value < *mins[j][r.idx]) {
				mins[j][r.idx] = r.value
			}
		}
	}
	byEntity := make([][]*string, n)
	for i := range n {
		vs := make([]*string, len(orders))
		for j := range orders {
			vs[j] = mins[j][i]
		}
		byEntity[i] = vs
		o.perm[i] = int32(i)
	}
	slices.SortFunc(o.perm, func(a, b int32) int {
		return compareSort(orders, byEntity[a], md.ents[a].e.Metadata.UID, byEntity[b], md.ents[b].e.Metadata.UID)
	})
	for k, i := range o.perm {
		o.vals[k] = byEntity[i]
		o.uids[k] = md.ents[i].e.Metadata.UID
	}
	if len(md.orders) < maxCachedOrders {
		md.orders[key] = o
	}
	return o
}

// compareSort compares two entities' places in the order: each order's value, missing
// values last in either direction, then the uid, descending when the last order is.
func compareSort(orders []Order, av []*string, auid string, bv []*string, buid string) int {
	for j, o := range orders {
		a, b := av[j], bv[j]
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		c := strings.Compare(*a, *b)
		if o.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	c := strings.Compare(auid, buid)
	if len(orders) > 0 && orders[len(orders)-1].Desc {
		c = -c
	}
	return c
}

// compareTo compares the entity at rank k with a position.
func (o *ordering) compareTo(k int, p Position) int {
	return compareSort(o.orders, o.vals[k], o.uids[k], p.Values, p.UID)
}

// position returns the Position of the entity at rank k.
func (o *ordering) position(k int, uid string) Position {
	vals := make([]*string, len(o.orders))
	for j, v := range o.vals[k] {
		if v != nil {
			s := *v
			vals[j] = &s
		}
	}
	return Position{Values: vals, UID: uid}
}

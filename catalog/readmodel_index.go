package catalog

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
)

// model is one immutable build of the read model: the entities in uid order, maps from refs
// and uids to them, and per-key posting lists of their search rows and relations. Its
// strings are interned (readmodel_strings.go): rows name them by id.
type model struct {
	ents  []modelEntity
	byRef map[string]int32
	byUID map[string]int32
	// strs holds every string of the model's rows by id (0: none); ids finds a string's id.
	strs []string
	ids  map[string]uint32
	// rows and rels are every entity's search rows and the relation rows it produced,
	// entity after entity; each modelEntity's spans say which are its own.
	rows []searchRow
	rels []relationRow
	// byKey holds every search row of a key, in entity order.
	byKey map[string][]keyRow
	// byValue lists, per pair(key, value), the entities with that value for the key,
	// ascending.
	byValue postings
	// relAll lists, per lowercased relation type, the entities with a relation of that type;
	// relTo, per pair(lowercased type, target), those with one to that target.
	relAll     map[string][]int32
	relTo      postings
	relTargets map[string][]string // lowercased type -> sorted distinct lowercased targets
	// facets groups, per key, the rows with an original value by that value (sorted).
	facets    map[string][]facetGroup
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
	search     span // in model.rows
	originated span // in model.rels: the relation rows stored with this entity
}

// searchRow is a SearchRow by string ids (0 for a nil value).
type searchRow struct{ key, value, orig uint32 }

// relationRow is a RelationRow by string ids.
type relationRow struct{ source, typ, target uint32 }

// facetGroup is one original value of a key and the entities of its rows (one per row).
type facetGroup struct {
	value string
	idx   []int32
}

// keyRow is one search row of a key: its entity, value and original value (string ids).
type keyRow struct {
	idx         int32
	value, orig uint32
}

// id returns the id of s, false when no row of the model holds it.
func (md *model) id(s string) (uint32, bool) {
	id, ok := md.ids[s]
	return id, ok
}

// searchRows returns the search rows of entity e.
func (md *model) searchRows(e *modelEntity) []searchRow {
	return md.rows[e.search.off : e.search.off+e.search.n]
}

// buildModel indexes a snapshot. The snapshot's entities are in ascending uid order.
func buildModel(snap Snapshot) *model {
	n := len(snap.Entities)
	md := &model{
		ents:       make([]modelEntity, n),
		byRef:      make(map[string]int32, n),
		byUID:      make(map[string]int32, n),
		byKey:      map[string][]keyRow{},
		relAll:     map[string][]int32{},
		relTargets: map[string][]string{},
		orders:     map[string]*ordering{},
		version:    snap.Version,
	}
	// The store returns uids in byte order already; sort defensively so binary searches
	// and "entity order is uid order" always hold.
	slices.SortStableFunc(snap.Entities, func(a, b SnapshotEntity) int {
		return strings.Compare(a.Entity.Metadata.UID, b.Entity.Metadata.UID)
	})
	nrows, nrels := 0, 0
	for _, se := range snap.Entities {
		nrows += len(se.Search)
		nrels += len(se.Originated)
	}
	md.rows = make([]searchRow, 0, nrows)
	md.rels = make([]relationRow, 0, nrels)
	in := newInterner()
	values := postingsBuilder{dedupe: true}
	var origs postingsBuilder
	for i, se := range snap.Entities {
		idx := int32(i)
		e := internEntity(se.Entity, in)
		e.Relations = nil // linkRelations derives them
		me := modelEntity{e: e, ref: in.str(se.Ref), parent: in.str(se.Parent)}
		me.search = span{off: uint32(len(md.rows)), n: uint32(len(se.Search))}
		for _, r := range se.Search {
			row := in.rowIDs(r)
			md.rows = append(md.rows, row)
			key := in.strs[row.key]
			md.byKey[key] = append(md.byKey[key], keyRow{idx: idx, value: row.value, orig: row.orig})
			if row.value != 0 {
				values.add(pair(row.key, row.value), idx)
			}
			if row.orig != 0 {
				origs.add(pair(row.key, row.orig), idx)
			}
		}
		me.originated = span{off: uint32(len(md.rels)), n: uint32(len(se.Originated))}
		for _, r := range se.Originated {
			md.rels = append(md.rels, relationRow{source: in.id(r.Source), typ: in.id(r.Type), target: in.id(r.Target)})
		}
		md.ents[i] = me
		md.byRef[me.ref] = idx
		md.byUID[e.Metadata.UID] = idx
	}
	md.byValue = values.build()
	md.facets = facetGroups(origs.build(), in.strs)
	md.linkRelations(in)
	md.strs, md.ids = in.strs, in.ids
	return md
}

// linkRelations derives, from the relation rows the entities produced, each entity's
// Relations as Store.EntityByRef fills them (every distinct row whose source is its ref,
// sorted by type then target; nil when it has none; all in one backing array), and the
// relation indexes: relAll, relTo and relTargets.
func (md *model) linkRelations(in *interner) {
	rows := slices.Clone(md.rels)
	slices.SortFunc(rows, func(a, b relationRow) int { return compareRelationRows(in.strs, a, b) })
	rows = slices.Compact(rows) // equal ids are equal strings
	own := make([][]relationRow, len(md.ents))
	all := make([]Relation, 0, len(rows)) // never grows: sub-slices stay in it
	for j := 0; j < len(rows); {
		k := j
		for k < len(rows) && rows[k].source == rows[j].source {
			k++
		}
		if i, ok := md.byRef[in.strs[rows[j].source]]; ok {
			from := len(all)
			for _, r := range rows[j:k] {
				all = append(all, Relation{Type: in.strs[r.typ], TargetRef: in.strs[r.target]})
			}
			md.ents[i].e.Relations = all[from:len(all):len(all)]
			own[i] = rows[j:k]
		}
		j = k
	}
	lower := lowerIDs{in: in, ids: map[uint32]uint32{}}
	// In entity order, so that every posting list is ascending.
	targets := postingsBuilder{dedupe: true}
	for i, rs := range own {
		idx := int32(i)
		for _, r := range rs {
			typ := lower.id(r.typ)
			if l := md.relAll[in.strs[typ]]; len(l) == 0 || l[len(l)-1] != idx {
				md.relAll[in.strs[typ]] = append(l, idx)
			}
			targets.add(pair(typ, r.target), idx)
		}
	}
	md.relTo = targets.build()
	md.relTargets = distinctTargets(rows, lower)
}

// lowerIDs maps string ids to the ids of the strings lowercased, remembering those it
// looked up: relation types are few.
type lowerIDs struct {
	in  *interner
	ids map[uint32]uint32
}

func (l lowerIDs) id(id uint32) uint32 {
	low, ok := l.ids[id]
	if !ok {
		low = l.in.lower(id)
		l.ids[id] = low
	}
	return low
}

// distinctTargets returns, per lowercased relation type, the sorted distinct lowercased
// targets of the rows.
func distinctTargets(rows []relationRow, lower lowerIDs) map[string][]string {
	out := map[string][]string{}
	seen := map[uint64]bool{}
	for _, r := range rows {
		typ, t := lower.id(r.typ), lower.in.lower(r.target)
		if !seen[pair(typ, t)] {
			seen[pair(typ, t)] = true
			out[lower.in.strs[typ]] = append(out[lower.in.strs[typ]], lower.in.strs[t])
		}
	}
	for _, ts := range out {
		slices.Sort(ts)
	}
	return out
}

// facetGroups groups the posting lists of pair(key, original value) by key, each key's
// groups sorted by value.
func facetGroups(p postings, strs []string) map[string][]facetGroup {
	out := map[string][]facetGroup{}
	for k := range p.at {
		key, value := strs[k>>32], strs[uint32(k)]
		out[key] = append(out[key], facetGroup{value: value, idx: p.get(k)})
	}
	for _, groups := range out {
		slices.SortFunc(groups, func(a, b facetGroup) int { return strings.Compare(a.value, b.value) })
	}
	return out
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
	// One copy of the strings gives every kept row's *string a place to point to.
	strs := slices.Clone(md.strs)
	ptr := func(id uint32) *string {
		if id == 0 {
			return nil
		}
		return &strs[id]
	}
	ents := make([]SnapshotEntity, 0, len(md.ents)+len(ch.Written))
	for k := range md.ents {
		me := &md.ents[k]
		if drop[me.e.Metadata.UID] {
			continue
		}
		e := me.e
		e.Relations = nil // derived again
		se := SnapshotEntity{Entity: e, Ref: me.ref, Parent: me.parent}
		se.Search = make([]SearchRow, 0, me.search.n)
		for _, r := range md.searchRows(me) {
			se.Search = append(se.Search, SearchRow{Key: strs[r.key], Value: ptr(r.value), OriginalValue: ptr(r.orig)})
		}
		se.Originated = make([]RelationRow, 0, me.originated.n)
		for _, r := range md.rels[me.originated.off : me.originated.off+me.originated.n] {
			se.Originated = append(se.Originated, RelationRow{Source: strs[r.source], Type: strs[r.typ], Target: strs[r.target]})
		}
		ents = append(ents, se)
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

// compareRelationRows orders relation rows by source, type and target, bytewise.
func compareRelationRows(strs []string, a, b relationRow) int {
	if c := strings.Compare(strs[a.source], strs[b.source]); c != 0 {
		return c
	}
	if c := strings.Compare(strs[a.typ], strs[b.typ]); c != 0 {
		return c
	}
	return strings.Compare(strs[a.target], strs[b.target])
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
		md.setPostings(b, &md.relTo, typ, vals)
		return b
	}
	if len(vals) == 0 {
		for _, r := range md.byKey[key] {
			b.set(int(r.idx))
		}
		return b
	}
	md.setPostings(b, &md.byValue, key, vals)
	return b
}

// setPostings adds to b the entities of the posting lists of pair(key, v) for each value.
func (md *model) setPostings(b bitset, p *postings, key string, vals []string) {
	kid, ok := md.id(key)
	if !ok {
		return
	}
	for _, v := range vals {
		vid, ok := md.id(v)
		if !ok {
			continue
		}
		for _, i := range p.get(pair(kid, vid)) {
			b.set(int(i))
		}
	}
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
	for _, r := range md.searchRows(e) {
		if md.strs[r.key] != key {
			continue
		}
		if len(vals) == 0 || (r.value != 0 && slices.Contains(vals, md.strs[r.value])) {
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
			if r.value != 0 && strings.Contains(md.strs[r.value], term) {
				b.set(int(r.idx))
			}
		}
	}
	return b
}

// maxCachedOrders bounds the orderings one model keeps: order fields come from callers, so
// beyond this many distinct orders each query sorts for itself.
const maxCachedOrders = 64

// ordering is every entity sorted by a list of Orders: perm[k] is the entity at rank k,
// vals[k*len(orders)+j] the id of its sort value for order j (the smallest value of the
// order's key; 0 where it has none) and uids[k] its uid.
type ordering struct {
	orders []Order
	strs   []string // the model's
	perm   []int32
	vals   []uint32
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
	n, w := len(md.ents), len(orders)
	o := &ordering{orders: slices.Clone(orders), strs: md.strs, perm: make([]int32, n), vals: make([]uint32, n*w), uids: make([]string, n)}
	mins := make([]uint32, n*w) // per entity, per order
	for j, ord := range orders {
		for _, r := range md.byKey[strings.ToLower(strings.TrimSpace(ord.Field))] {
			m := &mins[int(r.idx)*w+j]
			if r.value != 0 && (*m == 0 || md.strs[r.value] < md.strs[*m]) {
				*m = r.value
			}
		}
	}
	for i := range n {
		o.perm[i] = int32(i)
	}
	at := func(i int32) idValues { return idValues{strs: md.strs, ids: mins[int(i)*w : int(i)*w+w]} }
	slices.SortFunc(o.perm, func(a, b int32) int {
		return compareSort(orders, at(a), md.ents[a].e.Metadata.UID, at(b), md.ents[b].e.Metadata.UID)
	})
	for k, i := range o.perm {
		copy(o.vals[k*w:k*w+w], at(i).ids)
		o.uids[k] = md.ents[i].e.Metadata.UID
	}
	if len(md.orders) < maxCachedOrders {
		md.orders[key] = o
	}
	return o
}

// sortValues are one entity's sort values, by order.
type sortValues interface {
	value(j int) (v string, ok bool) // ok is false where it has none
}

// idValues are sort values by string id.
type idValues struct {
	strs []string
	ids  []uint32
}

func (v idValues) value(j int) (string, bool) { return v.strs[v.ids[j]], v.ids[j] != 0 }

// ptrValues are a Position's sort values.
type ptrValues []*string

func (v ptrValues) value(j int) (string, bool) {
	if v[j] == nil {
		return "", false
	}
	return *v[j], true
}

// compareSort compares two entities' places in the order: each order's value, missing
// values last in either direction, then the uid, descending when the last order is.
func compareSort[A, B sortValues](orders []Order, av A, auid string, bv B, buid string) int {
	for j, o := range orders {
		a, aok := av.value(j)
		b, bok := bv.value(j)
		switch {
		case !aok && !bok:
			continue
		case !aok:
			return 1
		case !bok:
			return -1
		}
		c := strings.Compare(a, b)
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

// at returns the sort values of the entity at rank k.
func (o *ordering) at(k int) idValues {
	w := len(o.orders)
	return idValues{strs: o.strs, ids: o.vals[k*w : k*w+w]}
}

// compareTo compares the entity at rank k with a position.
func (o *ordering) compareTo(k int, p Position) int {
	return compareSort(o.orders, o.at(k), o.uids[k], ptrValues(p.Values), p.UID)
}

// position returns the Position of the entity at rank k.
func (o *ordering) position(k int, uid string) Position {
	vals := make([]*string, len(o.orders))
	for j, id := range o.at(k).ids {
		if id != 0 {
			s := o.strs[id]
			vals[j] = &s
		}
	}
	return Position{Values: vals, UID: uid}
}

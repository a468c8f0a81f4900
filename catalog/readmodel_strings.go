package catalog

import "strings"

// The read model lives as long as the process and its live heap objects are what the
// garbage collector marks on every cycle, which every request's garbage starts. So the
// model keeps its strings and posting lists in a few large allocations instead of one
// small object per row: strings interned into shared chunks and named by a uint32 id,
// posting lists as spans of one []int32 found by pointer-free map keys.

// internChunk is the size of the chunks interned strings are copied into: large enough
// that 10,000 entities' strings take a few hundred objects, small enough that the last,
// partly used chunk wastes little.
const internChunk = 64 << 10

// interner gives every distinct string one id and one copy, in shared chunks. Id 0 is no
// string (a nil *string); the empty string has an id of its own.
type interner struct {
	ids   map[string]uint32
	strs  []string // id -> string
	chunk strings.Builder
	boxes map[uint32]any // a string id's value as an any, shared by every entity holding it
	// The entities' short slices, cut from shared arrays.
	anySlices    slab[any]
	stringSlices slab[string]
	linkSlices   slab[Link]
}

func newInterner() *interner {
	return &interner{ids: map[string]uint32{}, strs: []string{""}, boxes: map[uint32]any{}}
}

// id returns s's id, interning it when it is new.
func (in *interner) id(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	s = in.copy(s)
	id := uint32(len(in.strs))
	in.strs = append(in.strs, s)
	in.ids[s] = id
	return id
}

// ptrID is id for a *string, 0 for nil.
func (in *interner) ptrID(s *string) uint32 {
	if s == nil {
		return 0
	}
	return in.id(*s)
}

// rowIDs returns the ids of a search row's key, value and original value. The two values
// are often equal (already lowercase), and comparing them is cheaper than hashing again.
func (in *interner) rowIDs(r SearchRow) searchRow {
	row := searchRow{key: in.id(r.Key), value: in.ptrID(r.Value)}
	if r.OriginalValue != nil && r.Value != nil && *r.OriginalValue == *r.Value {
		row.orig = row.value
	} else {
		row.orig = in.ptrID(r.OriginalValue)
	}
	return row
}

// lower returns the id of string id lowercased.
func (in *interner) lower(id uint32) uint32 {
	s := in.strs[id]
	if low := strings.ToLower(s); low != s {
		return in.id(low)
	}
	return id
}

// str returns the interned copy of s.
func (in *interner) str(s string) string { return in.strs[in.id(s)] }

// box returns the interned copy of s as an any: an any holding a string points to its own
// small object, so entities share one per distinct string.
func (in *interner) box(s string) any {
	id := in.id(s)
	b, ok := in.boxes[id]
	if !ok {
		b = in.strs[id]
		in.boxes[id] = b
	}
	return b
}

// copy appends s to the current chunk and returns the chunk's bytes that hold it. A
// strings.Builder only ever appends, so what String returned before stays as it was; a
// string that does not fit starts a new chunk (the old one lives on through its strings).
func (in *interner) copy(s string) string {
	if s == "" {
		return ""
	}
	if in.chunk.Cap()-in.chunk.Len() < len(s) {
		in.chunk = strings.Builder{}
		in.chunk.Grow(max(internChunk, len(s)))
	}
	in.chunk.WriteString(s)
	all := in.chunk.String()
	return all[len(all)-len(s):]
}

// slabLen is how many elements the arrays a slab cuts slices from hold.
const slabLen = 1024

// slab cuts short slices from a few large arrays instead of allocating each.
type slab[T any] struct{ free []T }

// make returns a slice of n zero elements, non-nil. Its capacity is n: appending to it
// copies instead of writing over its neighbour.
func (s *slab[T]) make(n int) []T {
	if n == 0 {
		return []T{}
	}
	if n > len(s.free) {
		s.free = make([]T, max(slabLen, n))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// pair is the key of a posting list: two string ids, e.g. a search key's and a value's.
func pair(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// span is where one posting list lies in postings.all.
type span struct{ off, n uint32 }

// postings is many lists of entity indexes in one backing array, each found by its key.
type postings struct {
	at  map[uint64]span
	all []int32
}

// get returns the list of k (nil when there is none); appending to it copies.
func (p *postings) get(k uint64) []int32 {
	s, ok := p.at[k]
	if !ok {
		return nil
	}
	return p.all[s.off : s.off+s.n : s.off+s.n]
}

// postingsBuilder collects (key, entity) pairs in entity order and lays them out as
// postings: each key's entities in the order added.
type postingsBuilder struct {
	keys []uint64
	idx  []int32
	// dedupe drops a pair equal to the last one added for its key.
	dedupe bool
}

func (b *postingsBuilder) add(k uint64, i int32) {
	b.keys = append(b.keys, k)
	b.idx = append(b.idx, i)
}

// build counts each key's entities, gives each key its span, then fills the spans.
func (b *postingsBuilder) build() postings {
	type acc struct {
		span
		last int32
	}
	accs := map[uint64]acc{}
	skip := make([]bool, len(b.keys))
	for j, k := range b.keys {
		a, ok := accs[k]
		if ok && b.dedupe && a.last == b.idx[j] {
			skip[j] = true
			continue
		}
		a.n++
		a.last = b.idx[j]
		accs[k] = a
	}
	p := postings{at: make(map[uint64]span, len(accs))}
	var off uint32
	for k, a := range accs {
		p.at[k] = span{off: off}
		off += a.n
	}
	p.all = make([]int32, off)
	for j, k := range b.keys {
		if skip[j] {
			continue
		}
		s := p.at[k]
		p.all[s.off+s.n] = b.idx[j]
		s.n++
		p.at[k] = s
	}
	return p
}

// internEntity returns a copy of e whose strings are in's and whose maps and slices are new,
// with the same contents: what JSON decoding left as one small object per string and any
// becomes shared chunks. e's own maps and slices are not changed: readers of the model it
// comes from may be reading them. Every model interns all of its entities, so no string of
// an older model's chunks stays live through a newer one.
func internEntity(e Entity, in *interner) Entity {
	e.APIVersion, e.Kind = in.str(e.APIVersion), in.str(e.Kind)
	m := &e.Metadata
	m.UID, m.Etag, m.Name, m.Namespace = in.str(m.UID), in.str(m.Etag), in.str(m.Name), in.str(m.Namespace)
	m.Title, m.Description = in.str(m.Title), in.str(m.Description)
	m.Labels, m.Annotations = internStringMap(m.Labels, in), internStringMap(m.Annotations, in)
	if m.Tags != nil {
		m.Tags = internStrings(m.Tags, in)
	}
	if m.Links != nil {
		links := in.linkSlices.make(len(m.Links))
		for i, l := range m.Links {
			links[i] = Link{URL: in.str(l.URL), Title: in.str(l.Title), Icon: in.str(l.Icon), Type: in.str(l.Type)}
		}
		m.Links = links
	}
	if e.Spec != nil {
		e.Spec = internValue(e.Spec, in).(map[string]any)
	}
	if e.Status != nil {
		st := &Status{}
		if e.Status.Items != nil {
			st.Items = make([]StatusItem, len(e.Status.Items))
			for i, it := range e.Status.Items {
				st.Items[i] = StatusItem{Type: in.str(it.Type), Level: in.str(it.Level), Message: in.str(it.Message)}
			}
		}
		e.Status = st
	}
	return e
}

func internStringMap(m map[string]string, in *interner) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[in.str(k)] = in.str(v)
	}
	return out
}

func internStrings(ss []string, in *interner) []string {
	out := in.stringSlices.make(len(ss))
	for i, s := range ss {
		out[i] = in.str(s)
	}
	return out
}

// internValue interns a decoded JSON value: strings, and the maps and slices holding them,
// copied. Other values (numbers, booleans, anything not from JSON) are kept as they are.
func internValue(v any, in *interner) any {
	switch v := v.(type) {
	case string:
		return in.box(v)
	case map[string]any:
		if v == nil {
			return v
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[in.str(k)] = internValue(x, in)
		}
		return out
	case []any:
		if v == nil {
			return v
		}
		out := in.anySlices.make(len(v))
		for i, x := range v {
			out[i] = internValue(x, in)
		}
		return out
	default:
		return v
	}
}

package finops

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Allocator turns cost rows into Lines by Rules and the entities' cost tags. It is built
// from one reading of the catalog and is safe for concurrent use.
type Allocator struct {
	rules      Rules
	components map[string]*Entity // lower-case name (and ref) -> component
	groups     map[string]*Entity // lower-case name (and ref) -> group
	byTag      map[string]*Entity // "key=value", lower case -> entity claiming it
	byName     map[string]*Entity // lower-case name or ref of any entity, for shared-with
}

// NewAllocator returns an allocator over entities. Where two entities claim the same name
// or tag, the one with the smaller ref wins, so the result does not depend on order.
func NewAllocator(rules Rules, entities []Entity) *Allocator {
	a := &Allocator{rules: rules, components: map[string]*Entity{}, groups: map[string]*Entity{},
		byTag: map[string]*Entity{}, byName: map[string]*Entity{}}
	es := slices.Clone(entities)
	slices.SortFunc(es, func(x, y Entity) int { return strings.Compare(x.Ref, y.Ref) })
	put := func(m map[string]*Entity, k string, e *Entity) {
		k = strings.ToLower(k)
		if _, ok := m[k]; !ok && k != "" {
			m[k] = e
		}
	}
	for i := range es {
		e := &es[i]
		switch strings.ToLower(e.Kind) {
		case "system":
			if e.System == "" {
				e.System = e.Ref
			}
		case "domain":
			if e.Domain == "" {
				e.Domain = e.Ref
			}
		case "group":
			if e.Owner == "" {
				e.Owner = e.Ref
			}
		}
	}
	// Refs first, then names, so that a ref always finds its own entity.
	for i := range es {
		put(a.byName, es[i].Ref, &es[i])
	}
	for i := range es {
		e := &es[i]
		put(a.byName, e.Name, e)
		switch strings.ToLower(e.Kind) {
		case "component":
			put(a.components, e.Name, e)
			put(a.components, e.Ref, e)
		case "group":
			put(a.groups, e.Name, e)
			put(a.groups, e.Ref, e)
		}
		for k, v := range e.CostTags {
			put(a.byTag, k+"="+v, e)
		}
	}
	return a
}

// ParseCostTags reads a CostTagsAnnotation value, "key=value,key=value"; pairs without
// "=" are ignored.
func ParseCostTags(v string) map[string]string {
	var m map[string]string
	for _, p := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(p, "=")
		k, val = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(val)
		if !ok || k == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[k] = val
	}
	return m
}

// Allocate returns the Lines of c: one for the entity its tags name (or the unallocated
// bucket), or, for a shared row, one per entity it is shared with, weighted, whose costs
// add up to c's.
func (a *Allocator) Allocate(c Cost) []Line {
	base := Line{Scope: c.Scope(), Day: dayOf(c.ChargePeriodStart), Currency: c.Currency,
		Service: c.ServiceName, Resource: c.ResourceID, BilledCost: c.BilledCost, EffectiveCost: c.EffectiveCost}
	tags := lowerTags(c.Tags)
	if shares := a.shares(tags); len(shares) > 0 {
		return split(base, shares)
	}
	return []Line{withEntity(base, a.match(tags))}
}

// match finds the entity a row's tags name, nil for none: an entity's own cost tags
// first, then the component rules, then the group rules.
func (a *Allocator) match(tags map[string]string) *Entity {
	var best *Entity
	for k, v := range tags {
		if e := a.byTag[k+"="+strings.ToLower(v)]; e != nil && (best == nil || e.Ref < best.Ref) {
			best = e
		}
	}
	if best != nil {
		return best
	}
	for _, k := range a.rules.Component {
		if e := a.components[tags[strings.ToLower(k)]]; e != nil {
			return e
		}
	}
	for _, k := range a.rules.Group {
		if e := a.groups[tags[strings.ToLower(k)]]; e != nil {
			return e
		}
	}
	return nil
}

type share struct {
	e      *Entity // nil: unallocated
	weight float64
}

// shares reads a shared row's split, nil when the row is not shared.
func (a *Allocator) shares(tags map[string]string) []share {
	shared := false
	for _, k := range a.rules.Shared {
		if v := tags[strings.ToLower(k)]; v == "true" || v == "yes" || v == "1" {
			shared = true
		}
	}
	if !shared {
		return nil
	}
	var list string
	for _, k := range a.rules.SharedWith {
		if v := tags[strings.ToLower(k)]; v != "" {
			list = v
			break
		}
	}
	var out []share
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		name, w, _ := strings.Cut(f, ":")
		weight := 1.0
		if w != "" {
			x, err := strconv.ParseFloat(w, 64)
			if err != nil || x <= 0 {
				continue
			}
			weight = x
		}
		out = append(out, share{e: a.byName[strings.ToLower(name)], weight: weight})
		if len(out) == 100 {
			break
		}
	}
	return out
}

// split divides base across shares by weight; the last share takes what rounding left, so
// the parts add up to the whole.
func split(base Line, shares []share) []Line {
	var total float64
	for _, s := range shares {
		total += s.weight
	}
	out := make([]Line, 0, len(shares))
	var billed, effective float64
	for i, s := range shares {
		l := withEntity(base, s.e)
		if i < len(shares)-1 {
			l.BilledCost = base.BilledCost * s.weight / total
			l.EffectiveCost = base.EffectiveCost * s.weight / total
			billed += l.BilledCost
			effective += l.EffectiveCost
		} else {
			l.BilledCost = base.BilledCost - billed
			l.EffectiveCost = base.EffectiveCost - effective
		}
		out = append(out, l)
	}
	return out
}

func withEntity(l Line, e *Entity) Line {
	if e != nil {
		l.Entity, l.Owner, l.System, l.Domain = e.Ref, e.Owner, e.System, e.Domain
	}
	return l
}

func lowerTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[strings.ToLower(k)] = strings.ToLower(strings.TrimSpace(v))
	}
	return out
}

// dayOf is midnight UTC of t's day: a row counts on the day its charge period starts.
func dayOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

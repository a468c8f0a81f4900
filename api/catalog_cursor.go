package api

import (
	"strings"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/internal/cursor"
)

// queryCursor is what a by-query cursor carries: the whole query, so a cursor request
// needs no other parameters, plus the keyset position to continue from and the direction.
// It travels as base64 JSON, as Backstage's does; clients treat it as opaque.
type queryCursor struct {
	Filter     *cursorFilter    `json:"filter,omitempty"`
	Order      []cursorOrder    `json:"orderFields"`
	FullText   *cursorFullText  `json:"fullTextFilter,omitempty"`
	Position   catalog.Position `json:"position"`
	IsPrevious bool             `json:"isPrevious"`
	Limit      int              `json:"limit,omitempty"`
}

type cursorOrder struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

type cursorFullText struct {
	Term   string   `json:"term"`
	Fields []string `json:"fields,omitempty"`
}

// cursorFilter is catalog.Filter with short, omitempty JSON names.
type cursorFilter struct {
	Key    string         `json:"key,omitempty"`
	Values []string       `json:"values,omitempty"`
	AllOf  []cursorFilter `json:"allOf,omitempty"`
	AnyOf  []cursorFilter `json:"anyOf,omitempty"`
	Not    *cursorFilter  `json:"not,omitempty"`
}

func toCursorFilter(f catalog.Filter) cursorFilter {
	cf := cursorFilter{Key: f.Key, Values: f.Values}
	for _, s := range f.AllOf {
		cf.AllOf = append(cf.AllOf, toCursorFilter(s))
	}
	for _, s := range f.AnyOf {
		cf.AnyOf = append(cf.AnyOf, toCursorFilter(s))
	}
	if f.Not != nil {
		n := toCursorFilter(*f.Not)
		cf.Not = &n
	}
	return cf
}

func (cf cursorFilter) filter() catalog.Filter {
	f := catalog.Filter{Key: cf.Key, Values: cf.Values}
	for _, s := range cf.AllOf {
		f.AllOf = append(f.AllOf, s.filter())
	}
	for _, s := range cf.AnyOf {
		f.AnyOf = append(f.AnyOf, s.filter())
	}
	if cf.Not != nil {
		n := cf.Not.filter()
		f.Not = &n
	}
	return f
}

// newCursor builds the cursor continuing q from pos, backwards when prev.
func newCursor(q catalog.Query, pos catalog.Position, prev bool) queryCursor {
	c := queryCursor{Order: []cursorOrder{}, Position: pos, IsPrevious: prev, Limit: q.Limit}
	if !q.Filter.IsZero() {
		f := toCursorFilter(q.Filter)
		c.Filter = &f
	}
	for _, o := range q.OrderBy {
		dir := "asc"
		if o.Desc {
			dir = "desc"
		}
		c.Order = append(c.Order, cursorOrder{Field: o.Field, Order: dir})
	}
	if q.FullText != nil {
		c.FullText = &cursorFullText{Term: q.FullText.Term, Fields: q.FullText.Fields}
	}
	return c
}

// query rebuilds the query the cursor continues, positioned at its keyset position.
func (c queryCursor) query() catalog.Query {
	q := catalog.Query{Limit: c.Limit}
	if c.Filter != nil {
		q.Filter = c.Filter.filter()
	}
	for _, o := range c.Order {
		q.OrderBy = append(q.OrderBy, catalog.Order{Field: o.Field, Desc: o.Order == "desc"})
	}
	if c.FullText != nil {
		q.FullText = &catalog.FullText{Term: c.FullText.Term, Fields: c.FullText.Fields}
	}
	pos := c.Position
	if c.IsPrevious {
		q.Before = &pos
	} else {
		q.After = &pos
	}
	return q
}

func encodeCursor(c queryCursor) string { return cursor.Std.Encode(c) }

// decodeCursor parses a cursor. A '+' that a careless client left unescaped arrives as a
// space, so spaces are read back as '+'.
func decodeCursor(s string) (queryCursor, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "+")
	if s == "" {
		return queryCursor{}, inputErrorf("Cursor cannot be empty")
	}
	var c queryCursor
	if err := cursor.Std.Decode(s, &c); err != nil {
		return queryCursor{}, inputErrorf("Malformed cursor: it is not one this server made")
	}
	if c.Position.UID == "" {
		return queryCursor{}, inputErrorf("Malformed cursor: it has no position")
	}
	for _, o := range c.Order {
		if o.Field == "" || (o.Order != "asc" && o.Order != "desc") {
			return queryCursor{}, inputErrorf("Malformed cursor: bad order field %q %q", o.Field, o.Order)
		}
	}
	if len(c.Position.Values) != len(c.Order) {
		return queryCursor{}, inputErrorf("Malformed cursor: position does not match its order fields")
	}
	return c, nil
}

package catalog

import (
	"github.com/nextportal/portal/internal/errkind"
	"unicode/utf8"
)

// Bounds of a query, so that no request costs more than a reasonable one. Past them the
// store would fail (SQLite caps compound SELECTs at 500 terms and nests expressions only
// so deep) or do work no client needs; Query and Facets refuse them with ErrInvalid
// instead, and the message names the bound.
const (
	// MaxFilterDepth is how deep a filter may nest: a condition is depth 1, and each
	// allOf, anyOf or not around it adds one.
	MaxFilterDepth = 16
	// MaxFilterConditions is how many conditions (leaves) a filter may hold.
	MaxFilterConditions = 100
	// MaxFilterValues is how many values a filter's conditions may list in all.
	MaxFilterValues = 1000
	// MaxQueryLimit is the largest page a query may ask for.
	MaxQueryLimit = 1000
	// MaxOrderFields is how many fields a query may sort by.
	MaxOrderFields = 8
	// MaxFullTextChars is the longest full-text term, in characters.
	MaxFullTextChars = 1000
	// MaxFacets is how many facets one request may count.
	MaxFacets = 100
)

// CheckFilter returns an error wrapping ErrInvalid when f is beyond the bounds.
func CheckFilter(f Filter) error {
	var depth, conds, values int
	measure(f, 1, &depth, &conds, &values)
	switch {
	case depth > MaxFilterDepth:
		return errkind.Errorf(ErrInvalid, "filter nests %d levels deep: at most %d are allowed", depth, MaxFilterDepth)
	case conds > MaxFilterConditions:
		return errkind.Errorf(ErrInvalid, "filter has %d conditions: at most %d are allowed", conds, MaxFilterConditions)
	case values > MaxFilterValues:
		return errkind.Errorf(ErrInvalid, "filter has %d values: at most %d are allowed", values, MaxFilterValues)
	}
	return nil
}

// measure records the depth of f's deepest node (f being at depth d) and counts its
// conditions and values.
func measure(f Filter, d int, depth, conds, values *int) {
	*depth = max(*depth, d)
	if f.Key != "" {
		*conds++
		*values += len(f.Values)
	}
	for _, s := range f.AllOf {
		measure(s, d+1, depth, conds, values)
	}
	for _, s := range f.AnyOf {
		measure(s, d+1, depth, conds, values)
	}
	if f.Not != nil {
		measure(*f.Not, d+1, depth, conds, values)
	}
}

// Check returns an error wrapping ErrInvalid when q is beyond the bounds.
func (q Query) Check() error {
	if q.Limit < 0 {
		return errkind.Errorf(ErrInvalid, "limit %d is negative: want 0 (the default) to %d", q.Limit, MaxQueryLimit)
	}
	if q.Limit > MaxQueryLimit {
		return errkind.Errorf(ErrInvalid, "limit %d is too large: at most %d are allowed", q.Limit, MaxQueryLimit)
	}
	if n := len(q.OrderBy); n > MaxOrderFields {
		return errkind.Errorf(ErrInvalid, "the query sorts by %d order fields: at most %d are allowed", n, MaxOrderFields)
	}
	if q.FullText != nil {
		if n := utf8.RuneCountInString(q.FullText.Term); n > MaxFullTextChars {
			return errkind.Errorf(ErrInvalid, "full-text term is %d characters long: at most %d are allowed", n, MaxFullTextChars)
		}
		if n := len(q.FullText.Fields); n > MaxOrderFields {
			return errkind.Errorf(ErrInvalid, "full-text filter names %d fields: at most %d are allowed", n, MaxOrderFields)
		}
	}
	return CheckFilter(q.Filter)
}

// checkFacets returns an error wrapping ErrInvalid when a request counts too many facets.
func checkFacets(facets []string) error {
	if n := len(facets); n > MaxFacets {
		return errkind.Errorf(ErrInvalid, "the request counts %d facets: at most %d are allowed", n, MaxFacets)
	}
	return nil
}

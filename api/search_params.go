package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/indexer"
)

// maxSearchLimit is the largest page a search returns, in both search APIs.
const maxSearchLimit = 100

// searchFieldKinds are the default entity kinds of the filter fields that hold entity
// refs, so "owner:team-a" filters on group:default/team-a.
var searchFieldKinds = map[string]string{
	indexer.FieldOwner:  "group",
	indexer.FieldSystem: "system",
	indexer.FieldDomain: "domain",
}

// searchFilter is one field:value filter as the URL gives it, in URL order.
type searchFilter struct {
	Field, Value string
}

// parseSearchParams reads the native search parameters: q, mode, limit, cursor, filters
// (repeated filter=field:value, or field=value for each filter field) and facets (a comma
// list). The filters are also returned in URL order, deduplicated, for the search page.
func parseSearchParams(v url.Values) (indexer.Query, []searchFilter, error) {
	q := indexer.Query{Text: strings.TrimSpace(v.Get("q")), Cursor: strings.TrimSpace(v.Get("cursor"))}
	var err error
	if q.Mode, err = parseSearchMode(v.Get("mode")); err != nil {
		return q, nil, err
	}
	if q.Limit, err = parseSearchLimit(v, "limit"); err != nil {
		return q, nil, err
	}
	var filters []searchFilter
	for _, f := range v["filter"] {
		field, value, ok := strings.Cut(f, ":")
		if !ok {
			return q, nil, inputErrorf("filter %q must be field:value, as in kind:component", f)
		}
		filters = append(filters, searchFilter{Field: field, Value: value})
	}
	for _, field := range indexer.FilterFields {
		for _, value := range v[field] {
			filters = append(filters, searchFilter{Field: field, Value: value})
		}
	}
	if q.Filters, filters, err = searchFilters(filters); err != nil {
		return q, nil, err
	}
	for _, f := range commaList(v["facets"]) {
		f = strings.ToLower(f)
		if !slices.Contains(indexer.FilterFields, f) {
			return q, nil, inputErrorf("unknown facet %q: use one of %s", f, strings.Join(indexer.FilterFields, ", "))
		}
		if !slices.Contains(q.Facets, f) {
			q.Facets = append(q.Facets, f)
		}
	}
	return q, filters, nil
}

// parseSearchMode parses a mode parameter; "" is hybrid.
func parseSearchMode(s string) (indexer.Mode, error) {
	m, ok := indexer.ParseMode(strings.ToLower(strings.TrimSpace(s)))
	if !ok {
		return "", inputErrorf("unknown mode %q: use lexical, vector or hybrid", s)
	}
	return m, nil
}

// parseSearchLimit reads a page size parameter: absent is 0 (the default), else 1..100.
func parseSearchLimit(v url.Values, name string) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, inputErrorf("%s must be an integer, got %q", name, s)
	}
	if n < 1 || n > maxSearchLimit {
		return 0, inputErrorf("%s %d is out of range: use 1 to %d", name, n, maxSearchLimit)
	}
	return n, nil
}

// searchFilters checks and normalises filters: known fields only, values lowercased and
// refs made canonical. It returns them as indexer filters and as a deduplicated list.
func searchFilters(in []searchFilter) (indexer.Filters, []searchFilter, error) {
	var out indexer.Filters
	var list []searchFilter
	for _, f := range in {
		field := strings.ToLower(strings.TrimSpace(f.Field))
		if !slices.Contains(indexer.FilterFields, field) {
			return nil, nil, inputErrorf("unknown filter field %q: use one of %s", f.Field, strings.Join(indexer.FilterFields, ", "))
		}
		value := normalizeFilterValue(field, f.Value)
		if value == "" {
			return nil, nil, inputErrorf("filter %s has an empty value", field)
		}
		if out == nil {
			out = indexer.Filters{}
		}
		if slices.Contains(out[field], value) {
			continue
		}
		out[field] = append(out[field], value)
		list = append(list, searchFilter{Field: field, Value: value})
	}
	return out, list, nil
}

// normalizeFilterValue lowercases a filter value and, for the fields that hold entity refs,
// makes it the canonical ref ("team-a" → "group:default/team-a").
func normalizeFilterValue(field, value string) string {
	value = strings.ToLower(strings.TrimSpace(value))
	if kind, ok := searchFieldKinds[field]; ok && value != "" {
		if ref, err := catalog.ParseRef(value, kind, catalog.DefaultNamespace); err == nil {
			return ref.String()
		}
	}
	return value
}

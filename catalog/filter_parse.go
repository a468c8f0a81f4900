package catalog

import (
	"strings"

	"github.com/nextportal/portal/internal/errkind"
)

// ParseFilterParams parses Backstage's filter query parameters into a Filter. Each element
// of params is one `filter=` value: repeated parameters are alternatives (AnyOf); inside
// one, comma-separated conditions must all hold (AllOf); `key=value` matches a value (the
// same key twice in one parameter accepts either value), and `key` alone matches entities
// that have the key. Blank parameters are ignored. A syntax error (an empty key, as in
// "=x", or an empty condition, as in "a=b,,c=d") is an error wrapping ErrInvalid that names
// the bad part.
func ParseFilterParams(params []string) (Filter, error) {
	var alternatives []Filter
	for _, param := range params {
		if strings.TrimSpace(param) == "" {
			continue
		}
		f, err := parseFilterParam(param)
		if err != nil {
			return Filter{}, err
		}
		alternatives = append(alternatives, f)
	}
	switch len(alternatives) {
	case 0:
		return Filter{}, nil
	case 1:
		return alternatives[0], nil
	}
	return Filter{AnyOf: alternatives}, nil
}

// parseFilterParam parses one filter parameter: conditions joined by commas.
func parseFilterParam(param string) (Filter, error) {
	var leaves []Filter
	byKey := map[string]int{} // key → index in leaves
	for _, cond := range strings.Split(param, ",") {
		cond = strings.TrimSpace(cond)
		if cond == "" {
			return Filter{}, errkind.Errorf(ErrInvalid, "invalid filter %q: empty condition (expected key=value or key, separated by single commas)", param)
		}
		key, value, hasValue := strings.Cut(cond, "=")
		key = strings.TrimSpace(key)
		if key == "" {
			return Filter{}, errkind.Errorf(ErrInvalid, "invalid filter %q: condition %q has no key (expected key=value or key)", param, cond)
		}
		i, seen := byKey[strings.ToLower(key)]
		if !seen {
			i = len(leaves)
			byKey[strings.ToLower(key)] = i
			leaves = append(leaves, Filter{Key: key})
		}
		if hasValue {
			leaves[i].Values = append(leaves[i].Values, strings.TrimSpace(value))
		}
	}
	if len(leaves) == 1 {
		return leaves[0], nil
	}
	return Filter{AllOf: leaves}, nil
}

// ParseOrderParams parses sort orders in either of Backstage's spellings: "asc:field" or
// "desc:field" (the order parameter of GET /entities) and "field,asc" or "field,desc" (the
// orderField parameter of /entities/by-query); a bare "field" sorts ascending. Blank
// parameters are ignored; anything else malformed is an error wrapping ErrInvalid.
func ParseOrderParams(params []string) ([]Order, error) {
	var out []Order
	for _, param := range params {
		p := strings.TrimSpace(param)
		if p == "" {
			continue
		}
		o, err := parseOrder(p)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func parseOrder(p string) (Order, error) {
	field, dir := p, "asc"
	if d, f, ok := strings.Cut(p, ":"); ok && isDirection(d) {
		field, dir = f, d
	} else if f, d, ok := strings.Cut(p, ","); ok {
		field, dir = f, d
	}
	field, dir = strings.TrimSpace(field), strings.ToLower(strings.TrimSpace(dir))
	if field == "" {
		return Order{}, errkind.Errorf(ErrInvalid, "invalid order %q: no field (expected field,asc or asc:field)", p)
	}
	if !isDirection(dir) {
		return Order{}, errkind.Errorf(ErrInvalid, "invalid order %q: direction %q must be asc or desc", p, dir)
	}
	return Order{Field: field, Desc: dir == "desc"}, nil
}

func isDirection(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "asc" || s == "desc"
}

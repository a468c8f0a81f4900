package api

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// queryInt reads a non-negative integer query parameter; ok is false when it is absent.
// Its messages are the ones Backstage's OpenAPI validator gives.
func queryInt(q url.Values, name string) (n int, ok bool, err error) {
	vals, present := q[name]
	if !present {
		return 0, false, nil
	}
	if len(vals) != 1 {
		return 0, false, inputErrorf("request/query/%s must be integer", name)
	}
	n, err = strconv.Atoi(strings.TrimSpace(vals[0]))
	if err != nil {
		return 0, false, inputErrorf("request/query/%s must be integer", name)
	}
	if n < 0 {
		return 0, false, inputErrorf("request/query/%s must be >= 0", name)
	}
	return n, true, nil
}

// commaList splits every value of a repeatable, comma-separated parameter, dropping blanks.
func commaList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// parseFilter parses Backstage's filter query parameters.
func parseFilter(q url.Values) (catalog.Filter, error) {
	if len(q["filter"]) == 0 {
		return catalog.Filter{}, nil
	}
	// A malformed filter is a catalog.ErrInvalid error whose message names the problem.
	return catalog.ParseFilterParams(q["filter"])
}

// parseOrderFields parses by-query's orderField parameters, "field[,asc|desc]".
func parseOrderFields(vals []string) ([]catalog.Order, error) {
	var out []catalog.Order
	for _, v := range vals {
		field, dir, _ := strings.Cut(v, ",")
		field = strings.TrimSpace(field)
		if field == "" {
			return nil, inputErrorf("invalid orderField %q: the field name is empty", v)
		}
		o := catalog.Order{Field: field}
		switch strings.TrimSpace(dir) {
		case "", "asc":
		case "desc":
			o.Desc = true
		default:
			return nil, inputErrorf("Invalid order field order, must be asc or desc (got %q in orderField %q)", dir, v)
		}
		out = append(out, o)
	}
	return out, nil
}

// parseOrder parses /entities' order parameters, "asc:field" or "desc:field".
func parseOrder(vals []string) ([]catalog.Order, error) {
	var out []catalog.Order
	for _, v := range commaList(vals) {
		dir, field, ok := strings.Cut(v, ":")
		if !ok || field == "" || (dir != "asc" && dir != "desc") {
			return nil, inputErrorf(`Invalid order parameter "%s", expected "<asc or desc>:<field name>"`, v)
		}
		out = append(out, catalog.Order{Field: field, Desc: dir == "desc"})
	}
	return out, nil
}

// isTruthy reads a yes/no query parameter the way Backstage's yn package does.
func isTruthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "y", "yes", "true", "on":
		return true
	}
	return false
}

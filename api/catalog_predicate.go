package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/nextportal/portal/catalog"
)

// parsePredicateJSON turns a Backstage filter predicate (the "query" of the POST routes)
// into a catalog.Filter. An absent or null predicate matches everything.
func parsePredicateJSON(raw json.RawMessage) (catalog.Filter, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return catalog.Filter{}, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return catalog.Filter{}, inputErrorf("Invalid query: %v", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return catalog.Filter{}, inputErrorf("Query must be an object")
	}
	f, err := predicate(v, "query", 1)
	if err != nil {
		return catalog.Filter{}, inputErrorf("Invalid query: %v", err)
	}
	return f, nil
}

// predicate converts one predicate node found at path (for messages), depth operators
// deep. It stops past catalog.MaxFilterDepth, before the paths it builds grow long.
func predicate(v any, path string, depth int) (catalog.Filter, error) {
	if depth > catalog.MaxFilterDepth {
		return catalog.Filter{}, fmt.Errorf("%s: the query nests more than %d levels deep: at most %d are allowed",
			path[:min(len(path), 60)]+"…", catalog.MaxFilterDepth, catalog.MaxFilterDepth)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return catalog.Filter{}, fmt.Errorf("%s: expected an object, got %s", path, jsonType(v))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "$") {
			if len(m) != 1 {
				return catalog.Filter{}, fmt.Errorf("%s: operator %s must stand alone in its object", path, k)
			}
			return logicalPredicate(k, m[k], path+"."+k, depth)
		}
	}
	var parts []catalog.Filter
	for _, k := range keys {
		f, err := valuePredicate(k, m[k], path+"."+k)
		if err != nil {
			return catalog.Filter{}, err
		}
		parts = append(parts, f)
	}
	return filterAllOf(parts), nil
}

// matchNothing is a filter no entity passes: no search row has this key.
var matchNothing = catalog.Filter{Key: "nextportal.io/match-nothing"}

// filterAllOf combines filters with AND, dropping the ones that match everything, so the store
// never sees a zero filter inside a tree.
func filterAllOf(fs []catalog.Filter) catalog.Filter {
	var kept []catalog.Filter
	for _, f := range fs {
		if !f.IsZero() {
			kept = append(kept, f)
		}
	}
	switch len(kept) {
	case 0:
		return catalog.Filter{}
	case 1:
		return kept[0]
	}
	return catalog.Filter{AllOf: kept}
}

// filterAnyOf combines filters with OR; one that matches everything makes the whole match
// everything, and an empty list matches nothing, as in Backstage.
func filterAnyOf(fs []catalog.Filter) catalog.Filter {
	if len(fs) == 0 {
		return matchNothing
	}
	for _, f := range fs {
		if f.IsZero() {
			return catalog.Filter{}
		}
	}
	if len(fs) == 1 {
		return fs[0]
	}
	return catalog.Filter{AnyOf: fs}
}

func logicalPredicate(op string, v any, path string, depth int) (catalog.Filter, error) {
	switch op {
	case "$all", "$any":
		list, ok := v.([]any)
		if !ok {
			return catalog.Filter{}, fmt.Errorf("%s: expected an array, got %s", path, jsonType(v))
		}
		subs := make([]catalog.Filter, 0, len(list))
		for i, item := range list {
			f, err := predicate(item, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return catalog.Filter{}, err
			}
			subs = append(subs, f)
		}
		if op == "$all" {
			return filterAllOf(subs), nil
		}
		return filterAnyOf(subs), nil
	case "$not":
		f, err := predicate(v, path, depth+1)
		if err != nil {
			return catalog.Filter{}, err
		}
		if f.IsZero() {
			return matchNothing, nil
		}
		return catalog.Filter{Not: &f}, nil
	}
	return catalog.Filter{}, fmt.Errorf("%s: unknown operator %s (supported: $all, $any, $not)", path, op)
}

// valuePredicate converts the matcher of one key: a primitive (equality), $exists, $in or
// $contains with a primitive.
func valuePredicate(key string, v any, path string) (catalog.Filter, error) {
	// An empty key would make a filter that matches everything (catalog.Filter.IsZero).
	if strings.TrimSpace(key) == "" {
		return catalog.Filter{}, fmt.Errorf("%s: a key is empty", path)
	}
	if s, ok := primitive(v); ok {
		return catalog.Filter{Key: key, Values: []string{s}}, nil
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return catalog.Filter{}, fmt.Errorf("%s: expected a string, number, boolean or one of $exists, $in, $contains", path)
	}
	for op, arg := range m {
		switch op {
		case "$exists":
			b, ok := arg.(bool)
			if !ok {
				return catalog.Filter{}, fmt.Errorf("%s.$exists: expected a boolean", path)
			}
			f := catalog.Filter{Key: key}
			if !b {
				return catalog.Filter{Not: &f}, nil
			}
			return f, nil
		case "$in":
			list, ok := arg.([]any)
			if !ok {
				return catalog.Filter{}, fmt.Errorf("%s.$in: expected an array", path)
			}
			if len(list) == 0 {
				return matchNothing, nil
			}
			vals := make([]string, 0, len(list))
			for i, item := range list {
				s, ok := primitive(item)
				if !ok {
					return catalog.Filter{}, fmt.Errorf("%s.$in[%d]: expected a string, number or boolean", path, i)
				}
				vals = append(vals, s)
			}
			return catalog.Filter{Key: key, Values: vals}, nil
		case "$contains":
			s, ok := primitive(arg)
			if !ok {
				return catalog.Filter{}, fmt.Errorf("%s.$contains: only a string, number or boolean is supported", path)
			}
			// Array items are stored as rows of the array's key, so this is equality.
			return catalog.Filter{Key: key, Values: []string{s}}, nil
		default:
			return catalog.Filter{}, fmt.Errorf("%s: unsupported matcher %s (supported: $exists, $in, $contains)", path, op)
		}
	}
	panic("unreachable")
}

func primitive(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		if t {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	}
	return "a " + fmt.Sprintf("%T", v)
}

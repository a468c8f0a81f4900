package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nextportal/portal/catalog"
)

// FuzzParseFilterParams parses fuzzed filter and order query parameters (parameters
// separated by '&' in the fuzz input, as in a query string). A filter is an ErrInvalid
// error or a tree of the query-string shape: AnyOf of AllOf of leaves with trimmed,
// non-empty keys, one leaf per condition at most. Orders have trimmed, non-empty fields.
func FuzzParseFilterParams(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""}, {" ", "asc:metadata.name"}, {"kind=component", "desc:spec.type"}, {"spec.owner", "metadata.name,desc"},
		{"spec.type=", "metadata.name,ASC"}, {"kind=component, spec.type=service", "metadata.title"},
		{"kind=component,kind=api", "kind,asc&desc:metadata.name"}, {"kind=component&kind=api,spec.type=openapi", "metadata.name,up"},
		{"metadata.annotations.x=a=b", "asc:"}, {"=x", ",desc"}, {"kind=a,,spec.type=b", "desc:a,b"}, {"kind=a,", " , "},
		{"kind=a&=b", "asc:desc"}, {"Kind=A,KIND=b,kind", "DESC:x"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, filters, orders string) {
		params := strings.Split(filters, "&")
		got, err := catalog.ParseFilterParams(params)
		if err != nil {
			if !errors.Is(err, catalog.ErrInvalid) {
				t.Fatalf("ParseFilterParams(%q) error %v does not wrap ErrInvalid", params, err)
			}
		} else {
			conds := 0
			for _, p := range params {
				if strings.TrimSpace(p) != "" {
					conds += strings.Count(p, ",") + 1
				}
			}
			if n := checkFilterShape(t, got, 0); n > conds {
				t.Fatalf("ParseFilterParams(%q) has %d leaves for %d conditions", params, n, conds)
			}
		}

		ops := strings.Split(orders, "&")
		orders2, err := catalog.ParseOrderParams(ops)
		if err != nil {
			if !errors.Is(err, catalog.ErrInvalid) {
				t.Fatalf("ParseOrderParams(%q) error %v does not wrap ErrInvalid", ops, err)
			}
			return
		}
		if len(orders2) > len(ops) {
			t.Fatalf("ParseOrderParams(%q) = %d orders", ops, len(orders2))
		}
		for _, o := range orders2 {
			if o.Field == "" || strings.TrimSpace(o.Field) != o.Field {
				t.Fatalf("ParseOrderParams(%q) has the field %q", ops, o.Field)
			}
		}
	})
}

// checkFilterShape checks that f is a filter ParseFilterParams can make at depth (0: AnyOf
// or below, 1: AllOf or a leaf, 2: a leaf) and returns its number of leaves.
func checkFilterShape(t *testing.T, f catalog.Filter, depth int) int {
	t.Helper()
	set := 0
	for _, b := range []bool{f.Key != "", len(f.AllOf) > 0, len(f.AnyOf) > 0, f.Not != nil} {
		if b {
			set++
		}
	}
	switch {
	case f.IsZero() && depth == 0:
		return 0
	case set != 1 || f.Not != nil:
		t.Fatalf("filter %+v: want exactly one of a key, AllOf or AnyOf", f)
	case f.Key != "":
		if strings.TrimSpace(f.Key) != f.Key {
			t.Fatalf("filter key %q is not trimmed", f.Key)
		}
		for _, v := range f.Values {
			if strings.TrimSpace(v) != v {
				t.Fatalf("filter value %q is not trimmed", v)
			}
		}
		return 1
	case len(f.AnyOf) > 0 && depth == 0:
		n := 0
		for _, s := range f.AnyOf {
			if s.IsZero() {
				t.Fatalf("AnyOf holds a filter matching everything: %+v", f)
			}
			n += checkFilterShape(t, s, 1)
		}
		return n
	case len(f.AllOf) > 1 && depth <= 1:
		keys := map[string]bool{}
		for _, s := range f.AllOf {
			if s.Key == "" || keys[strings.ToLower(s.Key)] {
				t.Fatalf("AllOf %+v: want distinct leaves", f)
			}
			keys[strings.ToLower(s.Key)] = true
		}
		return len(f.AllOf)
	}
	t.Fatalf("filter %+v at depth %d is not of the query-string shape", f, depth)
	return 0
}

package api

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nextportal/portal/catalog"
)

// FuzzParsePredicateJSON parses fuzzed filter predicates (the "query" of the POST routes):
// a predicate is a 400 or a filter tree the store can run, in which every node is exactly one
// of a leaf with a key, AllOf, AnyOf or Not, none of them matches everything (only the whole
// tree may), and which has no more leaves than the JSON has bytes. Parsing is deterministic.
func FuzzParsePredicateJSON(f *testing.F) {
	for _, in := range []string{``, `null`, `{}`, `{"kind":"Component"}`, `{"spec.type":"service","kind":"component"}`,
		`{"spec.type":{"$in":["service","website"]}}`, `{"spec.owner":{"$exists":true}}`, `{"spec.owner":{"$exists":false}}`,
		`{"a":7,"b":true}`, `{"metadata.tags":{"$contains":"java"}}`, `{"$any":[{"kind":"api"},{"$not":{"kind":"user"}}]}`,
		`{"$all":[]}`, `{"$any":[]}`, `[1]`, `{"$xor":[]}`, `{"$all":[],"kind":"x"}`, `{"metadata.name":{"$startsWith":"a"}}`,
		`{"kind":{"$in":"x"}}`, `{"kind":null}`, `{"$not":{"$all":[]}}`, `{"$any":[{"$all":[]},{"kind":"x"}]}`,
		`{"":"x"}`, `{"kind":{"$in":[]}}`, `{"a":1e400}`, `{"a":"x"} {"b":"y"}`} {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := parsePredicateJSON(json.RawMessage(raw))
		if err != nil {
			wantInputError(t, "parsePredicateJSON", err)
			return
		}
		if !got.IsZero() {
			if n := checkPredicateTree(t, got); n > len(raw) {
				t.Fatalf("parsePredicateJSON(%q): %d leaves from %d bytes", raw, n, len(raw))
			}
		}
		again, err := parsePredicateJSON(json.RawMessage(raw))
		if err != nil || !cmp.Equal(got, again) {
			t.Fatalf("parsePredicateJSON(%q) is not deterministic: %+v then %+v, %v", raw, got, again, err)
		}
	})
}

// checkPredicateTree checks one node of a non-zero filter tree and returns its leaves.
func checkPredicateTree(t *testing.T, f catalog.Filter) int {
	t.Helper()
	set, leaves := 0, 0
	if f.Key != "" {
		set, leaves = set+1, 1
	}
	for _, subs := range [][]catalog.Filter{f.AllOf, f.AnyOf} {
		if len(subs) > 0 {
			set++
		}
		for _, s := range subs {
			leaves += checkPredicateTree(t, s)
		}
	}
	if f.Not != nil {
		set++
		leaves += checkPredicateTree(t, *f.Not)
	}
	if set != 1 || f.IsZero() {
		t.Fatalf("filter node %+v: want exactly one of a key, AllOf, AnyOf and Not", f)
	}
	return leaves
}

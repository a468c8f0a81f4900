package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSortSearchRows(t *testing.T) {
	str := func(s string) *string { return &s }
	// byComparison is the order search_key_value_idx keeps: key, value with NULL first, uid.
	byComparison := func(rows []searchRow) []searchRow {
		out := slices.Clone(rows)
		slices.SortFunc(out, func(a, b searchRow) int {
			if c := strings.Compare(a.key, b.key); c != 0 {
				return c
			}
			if c := cmpPtr(a.value, b.value); c != 0 {
				return c
			}
			return strings.Compare(a.uid, b.uid)
		})
		return out
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var many []searchRow
	for e := range 500 {
		uid := fmt.Sprintf("uid-%03d", rng.IntN(1000))
		for k := range 1 + rng.IntN(20) {
			var value *string
			if rng.IntN(5) > 0 {
				value = str(fmt.Sprintf("v%d", rng.IntN(30)))
			}
			many = append(many, searchRow{uid: fmt.Sprintf("%s-%d", uid, e), key: fmt.Sprintf("key.%d", (k*7)%13), value: value})
		}
	}
	tests := []struct {
		name string
		rows []searchRow
	}{
		{"empty", nil},
		{"one", []searchRow{{uid: "a", key: "kind", value: str("component")}}},
		{"null value first", []searchRow{
			{uid: "b", key: "spec.type", value: str("")},
			{uid: "a", key: "spec.type", value: nil},
			{uid: "c", key: "kind", value: str("api")},
		}},
		{"uid breaks ties", []searchRow{
			{uid: "b", key: "kind", value: str("api")},
			{uid: "a", key: "kind", value: str("api")},
		}},
		{"many keys and values", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := sortSearchRows(slices.Clone(tt.rows)), byComparison(tt.rows)
			if len(got) != len(want) {
				t.Fatalf("sortSearchRows() has %d rows, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.uid != w.uid || g.key != w.key || deref(g.value) != deref(w.value) || (g.value == nil) != (w.value == nil) {
					t.Fatalf("row %d = %s %s %v, want %s %s %v", i, g.key, g.uid, g.value, w.key, w.uid, w.value)
				}
			}
		})
	}
}

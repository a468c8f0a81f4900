package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nextportal/portal/catalog"
)

// TestWriteRowsOf: the rows of a write's candidates that another location's refs turned
// away are dropped, the written ones keep theirs; each pending record decodes to the rows
// derived for its entity, and the table rows come in index order.
func TestWriteRowsOf(t *testing.T) {
	title := func(s string) *string { return &s }
	var candidates []change
	for _, name := range []string{"a", "b", "c"} {
		p := catalog.Processed{
			Entity: catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: name, Namespace: "default"}},
			Search: []catalog.SearchRow{
				{Key: "Metadata.Title", Value: title("T"), OriginalValue: title("T")},
				{Key: "metadata.title", Value: title("t"), OriginalValue: title("t")}, // a duplicate once lower-cased
				{Key: "spec.definition", OriginalValue: title("long")},                // a value too long to index
				{Key: "metadata.uid", Value: title("made-up"), OriginalValue: title("made-up")},
			},
			Relations: []catalog.RelationRow{{Source: "Component:default/" + name, Type: "ownedBy", Target: "group:default/X"}},
		}
		candidates = append(candidates, change{p: &p, ref: "component:default/" + name, uid: "uid-" + name})
	}
	written := []change{candidates[0], candidates[2]} // b went to another location
	pending, err := rowsLater(append([]change(nil), candidates...))().of(written)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 2 || pending[0][0] != "uid-a" || pending[1][0] != "uid-c" {
		t.Fatalf("pending records %v, want uid-a's and uid-c's", pending)
	}
	for i, c := range written {
		wantKeys := []string{"metadata.title", "spec.definition", "metadata.uid"}
		var keys []string
		for _, r := range c.search {
			keys = append(keys, r.Key)
		}
		if !reflect.DeepEqual(keys, wantKeys) {
			t.Errorf("%s: search keys %q, want %q", c.ref, keys, wantKeys)
		}
		if last := c.search[len(c.search)-1]; *last.Value != c.uid {
			t.Errorf("%s: metadata.uid row %q, want the store's uid %q", c.ref, *last.Value, c.uid)
		}
		if len(c.rels) != 1 || c.rels[0].Source != "component:default/"+c.ref[len("component:default/"):] || c.rels[0].Target != "group:default/x" {
			t.Errorf("%s: relations %+v, want one with lower-cased refs", c.ref, c.rels)
		}
		back, err := pendingChange(pending[i][0].(string), pending[i][1].(string))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.search, c.search) || !reflect.DeepEqual(back.rels, c.rels) {
			t.Errorf("%s: pending record decodes to %+v %+v, want %+v %+v", c.ref, back.search, back.rels, c.search, c.rels)
		}
	}
	search, rels := searchAndRelationRows(written)
	var got []string
	for _, r := range search {
		got = append(got, r[0].(string)+" "+r[1].(string))
	}
	want := []string{"uid-a metadata.title", "uid-c metadata.title", "uid-a metadata.uid", "uid-c metadata.uid", "uid-a spec.definition", "uid-c spec.definition"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("search rows %q, want %q", got, want)
	}
	if len(rels) != 2 || rels[0][0] != "uid-a" || rels[1][0] != "uid-c" {
		t.Fatalf("relation rows %v, want uid-a's and uid-c's", rels)
	}
}

// TestPendingPayloadRoundTrip: rows with every kind of string come back from their pending
// record as they went in.
func TestPendingPayloadRoundTrip(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name        string
		value, orig *string
	}{
		{"lower-cased original", str("abc"), str("ABC")},
		{"value not the original lower-cased", str("x"), str("y")},
		{"no value", nil, str("a long one")},
		{"neither", nil, nil},
		{"empty", str(""), str("")},
		{"quotes and backslashes", str(`a"b\c`), str(`A"B\C`)},
		{"control characters", str("tab\tline\nbell\x07\x1f"), str("tab\tline\nbell\x07\x1f")},
		{"html and unicode", str("<a&b> é ✓ \u2028"), str("<A&B> É ✓ \u2028")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := catalog.Processed{
				Search:    []catalog.SearchRow{{Key: "metadata.k", Value: tt.value, OriginalValue: tt.orig}},
				Relations: []catalog.RelationRow{{Source: `component:default/"q"`, Type: "ownedBy", Target: "group:default/\\x"}},
			}
			c := change{p: &p, ref: "component:default/a", uid: "u1"}
			if err := derive(&c); err != nil {
				t.Fatal(err)
			}
			back, err := pendingChange(c.uid, c.payload)
			if err != nil {
				t.Fatalf("payload %s: %v", c.payload, err)
			}
			if !reflect.DeepEqual(back.search, c.search) || !reflect.DeepEqual(back.rels, c.rels) {
				t.Errorf("payload %s reads back as %+v %+v, want %+v %+v", c.payload, back.search, back.rels, c.search, c.rels)
			}
		})
	}
}

// TestDeriveRefusesWhatTablesCannotHold: a NUL, invalid UTF-8 or an over-long string fails
// the write with ErrInvalid before it commits, instead of failing the later load.
func TestDeriveRefusesWhatTablesCannotHold(t *testing.T) {
	str := func(s string) *string { return &s }
	for name, p := range map[string]catalog.Processed{
		"NUL in a value":     {Search: []catalog.SearchRow{{Key: "k", Value: str("a\x00b"), OriginalValue: str("a\x00b")}}},
		"invalid UTF-8":      {Search: []catalog.SearchRow{{Key: "k", Value: str("v"), OriginalValue: str("V\xff")}}},
		"over-long original": {Search: []catalog.SearchRow{{Key: "k", OriginalValue: str(strings.Repeat("x", maxRowCell+1))}}},
		"NUL in a relation":  {Relations: []catalog.RelationRow{{Source: "a", Type: "ownedBy", Target: "b\x00"}}},
		"over-long relation": {Relations: []catalog.RelationRow{{Source: strings.Repeat("a", maxRowCell+1), Type: "ownedBy", Target: "b"}}},
	} {
		c := change{p: &p, ref: "component:default/a", uid: "u1"}
		if err := derive(&c); !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestPendingChangeRejectsBadPayload: a damaged record fails the load instead of loading
// wrong rows.
func TestPendingChangeRejectsBadPayload(t *testing.T) {
	for _, payload := range []string{"", "{", `{"s":[[null,"v","v"]]}`, `{"s":[["k"]]}`, `{"s":[["k",null]]}`, `{"s":[["k","a","b","c"]]}`, `{"s":"x"}`} {
		if _, err := pendingChange("u", payload); err == nil {
			t.Errorf("payload %q: no error", payload)
		}
	}
}

package store

import (
	"testing"

	"github.com/nextportal/portal/catalog"
)

// TestWriteRowsOf: the rows of a write's candidates that another location's refs turned
// away are dropped, the written ones keep theirs, in index order.
func TestWriteRowsOf(t *testing.T) {
	title := func(s string) *string { return &s }
	var candidates []change
	for _, name := range []string{"a", "b", "c"} {
		p := catalog.Processed{
			Entity:    catalog.Entity{Kind: "Component", Metadata: catalog.Metadata{Name: name, Namespace: "default"}},
			Search:    []catalog.SearchRow{{Key: "Metadata.Title", Value: title("T"), OriginalValue: title("T")}},
			Relations: []catalog.RelationRow{{Source: "component:default/" + name, Type: "ownedBy", Target: "group:default/x"}},
		}
		candidates = append(candidates, change{p: &p, ref: "component:default/" + name, uid: "uid-" + name})
	}
	written := []change{candidates[0], candidates[2]} // b went to another location
	search, rels := rowsLater(append([]change(nil), candidates...), true)().of(written)
	var uids []string
	for _, r := range search {
		uids = append(uids, r[0].(string)+" "+r[1].(string))
	}
	want := []string{"uid-a metadata.title", "uid-c metadata.title", "uid-a metadata.uid", "uid-c metadata.uid"}
	if len(uids) != len(want) {
		t.Fatalf("search rows %q, want %q", uids, want)
	}
	for i := range want {
		if uids[i] != want[i] {
			t.Fatalf("search rows %q, want %q", uids, want)
		}
	}
	if len(rels) != 2 || rels[0][0] != "uid-a" || rels[1][0] != "uid-c" {
		t.Fatalf("relation rows %v, want uid-a's and uid-c's", rels)
	}
	for _, c := range written {
		if len(c.search) != 2 || len(c.rels) != 1 {
			t.Errorf("%s: %d search rows and %d relations kept, want 2 and 1", c.ref, len(c.search), len(c.rels))
		}
	}
}

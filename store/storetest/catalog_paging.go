package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/catalog"
)

// testPaging pages through queries forwards by After, backwards by Before and by Offset,
// and checks each walk yields exactly the unpaged result, in order.
func testPaging(t *testing.T, s catalog.Store) {
	ps := fixture()
	for i := range 16 {
		e := Entity("Component", fmt.Sprintf("extra-%02d", i), Spec{"type": []string{"service", "library", "website"}[i%3], "owner": "group:default/team-a"})
		if i%4 == 0 {
			delete(e.Spec, "type") // some without the order field, to page across nil values
		}
		ps = append(ps, Process(e))
	}
	seed(t, s, "/srv/catalog", ps)
	orders := [][]catalog.Order{
		nil,
		{{Field: "metadata.name"}},
		{{Field: "metadata.name", Desc: true}},
		{{Field: "spec.type"}},
		{{Field: "spec.type", Desc: true}},
		{{Field: "spec.type"}, {Field: "metadata.name", Desc: true}},
		{{Field: "spec.lifecycle", Desc: true}, {Field: "spec.type"}},
	}
	filters := []catalog.Filter{{}, leaf("kind", "component"), {Not: &catalog.Filter{Key: "relations.ownedby", Values: []string{"group:default/team-b"}}}}
	for _, order := range orders {
		for _, filter := range filters {
			for _, limit := range []int{1, 3, 7} {
				name := fmt.Sprintf("order=%v/filter=%v/limit=%d", order, filter, limit)
				t.Run(name, func(t *testing.T) { checkPaging(t, s, catalog.Query{Filter: filter, OrderBy: order}, limit) })
			}
		}
	}

	_, err := s.QueryEntities(t.Context(), catalog.Query{OrderBy: []catalog.Order{{Field: "metadata.name"}}, After: &catalog.Position{UID: "x"}})
	wantErr(t, "QueryEntities(cursor with the wrong number of values)", err, catalog.ErrInvalid)
	_, err = s.QueryEntities(t.Context(), catalog.Query{After: &catalog.Position{UID: "x"}, Before: &catalog.Position{UID: "y"}})
	wantErr(t, "QueryEntities(after and before)", err, catalog.ErrInvalid)
	_, err = s.QueryEntities(t.Context(), catalog.Query{Limit: -1})
	wantErr(t, "QueryEntities(negative limit)", err, catalog.ErrInvalid)
}

func checkPaging(t *testing.T, s catalog.Store, q catalog.Query, limit int) {
	all, full := queryRefs(t, s, q)
	if full.Total != len(all) || len(all) == 0 {
		t.Fatalf("unpaged query: %d entities, Total %d", len(all), full.Total)
	}

	// Forwards by After.
	var fwd []string
	var lastPage catalog.Page
	q.Limit = limit
	for n := 0; ; n++ {
		refs, page := queryRefs(t, s, q)
		checkPage(t, page, full.Total, limit)
		fwd = append(fwd, refs...)
		lastPage = page
		if !page.HasMore || n > len(all) {
			break
		}
		q.After = &page.Positions[len(page.Positions)-1]
	}
	if diff := cmp.Diff(all, fwd); diff != "" {
		t.Errorf("paging forwards (-unpaged +paged):\n%s", diff)
	}

	// Backwards by Before, from the last page.
	bwd := refsOf(lastPage.Entities)
	q.After, q.Before = nil, &lastPage.Positions[0]
	for n := 0; ; n++ {
		refs, page := queryRefs(t, s, q)
		checkPage(t, page, full.Total, limit)
		bwd = append(slices.Clone(refs), bwd...)
		if !page.HasMore || n > len(all) {
			break
		}
		q.Before = &page.Positions[0]
	}
	if diff := cmp.Diff(all, bwd); diff != "" {
		t.Errorf("paging backwards (-unpaged +paged):\n%s", diff)
	}

	// By Offset.
	q.Before = nil
	var off []string
	for q.Offset = 0; q.Offset <= len(all); q.Offset += limit {
		refs, page := queryRefs(t, s, q)
		off = append(off, refs...)
		if page.HasMore != (q.Offset+limit < len(all)) {
			t.Errorf("offset %d: HasMore = %v with %d entities", q.Offset, page.HasMore, len(all))
		}
	}
	if diff := cmp.Diff(all, off); diff != "" {
		t.Errorf("paging by offset (-unpaged +paged):\n%s", diff)
	}
}

func checkPage(t *testing.T, p catalog.Page, total, limit int) {
	t.Helper()
	if p.Total != total {
		t.Errorf("page Total = %d, want %d", p.Total, total)
	}
	if len(p.Entities) > limit || len(p.Entities) != len(p.Positions) || (p.HasMore && len(p.Entities) != limit) {
		t.Fatalf("page of %d entities, %d positions, HasMore %v with limit %d", len(p.Entities), len(p.Positions), p.HasMore, limit)
	}
	for i, pos := range p.Positions {
		if pos.UID != p.Entities[i].Metadata.UID {
			t.Fatalf("Positions[%d].UID = %s, want %s", i, pos.UID, p.Entities[i].Metadata.UID)
		}
	}
}

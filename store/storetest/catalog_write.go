package storetest

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nextportal/portal/catalog"
)

func testLocations(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	a, err := s.CreateLocation(ctx, "file", "/srv/a")
	if err != nil {
		t.Fatalf("CreateLocation: %v", err)
	}
	if a.ID == "" || a.CreatedAt.IsZero() || a.Type != "file" || a.Target != "/srv/a" {
		t.Errorf("CreateLocation = %+v, want ID, CreatedAt, type and target set", a)
	}
	b, err := s.CreateLocation(ctx, "file", "/srv/b")
	if err != nil {
		t.Fatalf("CreateLocation: %v", err)
	}
	_, err = s.CreateLocation(ctx, "file", "/srv/a")
	wantErr(t, "CreateLocation twice", err, catalog.ErrConflict)
	_, err = s.CreateLocation(ctx, "", "/srv/c")
	wantErr(t, "CreateLocation without type", err, catalog.ErrInvalid)

	got, err := s.Location(ctx, a.ID)
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("Location(%s) differs from what CreateLocation returned (-want +got):\n%s", a.ID, diff)
	}
	_, err = s.Location(ctx, "no-such-id")
	wantErr(t, "Location(unknown)", err, catalog.ErrNotFound)

	all, err := s.Locations(ctx)
	if err != nil {
		t.Fatalf("Locations: %v", err)
	}
	if diff := cmp.Diff([]catalog.Location{a, b}, all); diff != "" {
		t.Errorf("Locations, oldest first (-want +got):\n%s", diff)
	}

	fx := fixture()
	if _, err := s.ReplaceLocationEntities(ctx, a.ID, fx[6:7]); err != nil { // group team-a
		t.Fatalf("ReplaceLocationEntities: %v", err)
	}
	if _, err := s.ReplaceLocationEntities(ctx, b.ID, fx[:2]); err != nil {
		t.Fatalf("ReplaceLocationEntities: %v", err)
	}
	of, err := s.LocationOfEntity(ctx, fixtureRefs[0])
	if err != nil || of.ID != b.ID {
		t.Errorf("LocationOfEntity(%s) = %+v, %v; want location %s", fixtureRefs[0], of, err, b.ID)
	}
	_, err = s.LocationOfEntity(ctx, "component:default/nope")
	wantErr(t, "LocationOfEntity(unknown)", err, catalog.ErrNotFound)
	if rels := mustGet(t, s, "group:default/team-a").Relations; len(rels) != 1 {
		t.Errorf("team-a relations before DeleteLocation = %v, want ownerOf payments-api", rels)
	}

	if err := s.DeleteLocation(ctx, b.ID); err != nil {
		t.Fatalf("DeleteLocation: %v", err)
	}
	wantErr(t, "DeleteLocation twice", s.DeleteLocation(ctx, b.ID), catalog.ErrNotFound)
	_, err = s.EntityByRef(ctx, fixtureRefs[0])
	wantErr(t, "entity of a deleted location", err, catalog.ErrNotFound)
	_, err = s.Location(ctx, b.ID)
	wantErr(t, "deleted location", err, catalog.ErrNotFound)
	if refs, _ := queryRefs(t, s, catalog.Query{}); !slices.Equal(refs, []string{"group:default/team-a"}) {
		t.Errorf("entities after DeleteLocation = %v, want only team-a", refs)
	}
	if refs, _ := queryRefs(t, s, catalog.Query{Filter: leaf("metadata.name", "orders")}); len(refs) != 0 {
		t.Errorf("search rows of a deleted location's entity still match: %v", refs)
	}
	if rels := mustGet(t, s, "group:default/team-a").Relations; len(rels) != 0 {
		t.Errorf("team-a relations after DeleteLocation = %v, want none (the rows belonged to payments-api)", rels)
	}
}

func testReplace(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	loc, err := s.CreateLocation(ctx, "file", "/srv/catalog")
	if err != nil {
		t.Fatalf("CreateLocation: %v", err)
	}
	fx := fixture()
	res, err := s.ReplaceLocationEntities(ctx, loc.ID, fx)
	if err != nil {
		t.Fatalf("ReplaceLocationEntities: %v", err)
	}
	if diff := cmp.Diff(catalog.ApplyResult{Added: len(fx)}, res); diff != "" {
		t.Errorf("first apply (-want +got):\n%s", diff)
	}
	first := mustGet(t, s, fixtureRefs[0])
	if first.Metadata.UID == "" || first.Metadata.Etag == "" || first.Metadata.Generation != 1 {
		t.Errorf("new entity metadata = uid %q etag %q generation %d, want uid and etag set, generation 1",
			first.Metadata.UID, first.Metadata.Etag, first.Metadata.Generation)
	}
	want := fx[0].Entity
	want.Metadata.UID, want.Metadata.Etag, want.Metadata.Generation = first.Metadata.UID, first.Metadata.Etag, 1
	want.Relations = []catalog.Relation{{Type: "dependsOn", TargetRef: "resource:default/ledger-db"}, {Type: "ownedBy", TargetRef: "group:default/team-a"}}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("stored entity round trip (-want +got):\n%s", diff)
	}

	res, err = s.ReplaceLocationEntities(ctx, loc.ID, fixture())
	if err != nil {
		t.Fatalf("ReplaceLocationEntities again: %v", err)
	}
	if diff := cmp.Diff(catalog.ApplyResult{Unchanged: len(fx)}, res); diff != "" {
		t.Errorf("unchanged apply (-want +got):\n%s", diff)
	}
	if again := mustGet(t, s, fixtureRefs[0]); again.Metadata.Etag != first.Metadata.Etag || again.Metadata.Generation != 1 {
		t.Errorf("unchanged entity was rewritten: etag %q -> %q, generation %d", first.Metadata.Etag, again.Metadata.Etag, again.Metadata.Generation)
	}

	// Change payments-api (new owner), drop orders, add a new component.
	next := fixture()
	next[0].Entity.Spec["owner"] = "group:default/team-b"
	next[0] = Process(next[0].Entity)
	next = slices.Delete(next, 1, 2)
	next = append(next, Process(Entity("Component", "fresh", Spec{"type": "library", "owner": "group:default/team-a"})))
	res, err = s.ReplaceLocationEntities(ctx, loc.ID, next)
	if err != nil {
		t.Fatalf("ReplaceLocationEntities with changes: %v", err)
	}
	if diff := cmp.Diff(catalog.ApplyResult{Added: 1, Updated: 1, Unchanged: len(fx) - 2, Removed: 1}, res); diff != "" {
		t.Errorf("apply with changes (-want +got):\n%s", diff)
	}
	changed := mustGet(t, s, fixtureRefs[0])
	if changed.Metadata.UID != first.Metadata.UID || changed.Metadata.Etag == first.Metadata.Etag || changed.Metadata.Generation != 2 {
		t.Errorf("changed entity: uid %q->%q etag %q->%q generation %d; want same uid, new etag, generation 2",
			first.Metadata.UID, changed.Metadata.UID, first.Metadata.Etag, changed.Metadata.Etag, changed.Metadata.Generation)
	}
	if owner := changed.Spec["owner"]; owner != "group:default/team-b" {
		t.Errorf("changed entity spec.owner = %v, want group:default/team-b", owner)
	}
	wantRels := map[string][]catalog.Relation{
		"group:default/team-a": {{Type: "ownerOf", TargetRef: "api:default/payments-http"}, {Type: "ownerOf", TargetRef: "component:default/fresh"},
			{Type: "ownerOf", TargetRef: "component:default/web-site"}},
		"group:default/team-b": {{Type: "ownerOf", TargetRef: "component:default/payments-api"}, {Type: "ownerOf", TargetRef: "component:other/legacy_thing"},
			{Type: "ownerOf", TargetRef: "resource:default/ledger-db"}},
	}
	for ref, want := range wantRels {
		if diff := cmp.Diff(want, mustGet(t, s, ref).Relations); diff != "" {
			t.Errorf("relations of %s after changes (-want +got):\n%s", ref, diff)
		}
	}
	_, err = s.EntityByRef(ctx, "component:default/orders")
	wantErr(t, "removed entity", err, catalog.ErrNotFound)
	if refs, _ := queryRefs(t, s, catalog.Query{Filter: leaf("metadata.name", "orders")}); len(refs) != 0 {
		t.Errorf("search rows of a removed entity still match: %v", refs)
	}
	if refs, _ := queryRefs(t, s, catalog.Query{Filter: leaf("spec.owner", "group:default/team-a"), OrderBy: []catalog.Order{{Field: "metadata.name"}}}); !slices.Equal(refs,
		[]string{"component:default/fresh", "api:default/payments-http", "component:default/web-site"}) {
		t.Errorf("search rows after update: spec.owner=team-a matches %v", refs)
	}
	if refs, _ := queryRefs(t, s, catalog.Query{Filter: leaf("metadata.uid", changed.Metadata.UID)}); !slices.Equal(refs, fixtureRefs[:1]) {
		t.Errorf("filter metadata.uid=%s matches %v, want %v", changed.Metadata.UID, refs, fixtureRefs[:1])
	}

	_, err = s.ReplaceLocationEntities(ctx, "no-such-location", fixture())
	wantErr(t, "ReplaceLocationEntities(unknown location)", err, catalog.ErrNotFound)

	res, err = s.ReplaceLocationEntities(ctx, loc.ID, nil)
	if err != nil {
		t.Fatalf("ReplaceLocationEntities(nil): %v", err)
	}
	if res.Removed != len(next) || count(t, s, catalog.Filter{}) != 0 {
		t.Errorf("emptying a location: %+v and %d entities left; want all %d removed", res, count(t, s, catalog.Filter{}), len(next))
	}
}

func testConflicts(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	a := seed(t, s, "/srv/a", fixture()[:3])
	b, err := s.CreateLocation(ctx, "file", "/srv/b")
	if err != nil {
		t.Fatalf("CreateLocation: %v", err)
	}
	before := mustGet(t, s, fixtureRefs[0])
	stolen := fixture()[0]
	stolen.Entity.Metadata.Description = "claimed by b"
	stolen = Process(stolen.Entity)
	dup := Process(Entity("Component", "twice", Spec{"type": "service"}))
	dup2 := Process(Entity("component", "Twice", Spec{"type": "library"}))
	res, err := s.ReplaceLocationEntities(ctx, b.ID, []catalog.Processed{stolen, fixture()[4], dup, dup2})
	if err != nil {
		t.Fatalf("ReplaceLocationEntities: %v", err)
	}
	wantRes := catalog.ApplyResult{Added: 2, Conflicts: []string{"component:default/twice", fixtureRefs[0]}}
	if diff := cmp.Diff(wantRes, res, cmpSortConflicts); diff != "" {
		t.Errorf("apply with conflicts (-want +got):\n%s", diff)
	}
	if after := mustGet(t, s, fixtureRefs[0]); !cmp.Equal(before, after) {
		t.Errorf("conflicting write changed the other location's entity:\n%s", cmp.Diff(before, after))
	}
	if l, err := s.LocationOfEntity(ctx, fixtureRefs[0]); err != nil || l.ID != a.ID {
		t.Errorf("LocationOfEntity(%s) = %v, %v; want the first location", fixtureRefs[0], l.ID, err)
	}
	if e := mustGet(t, s, "component:default/twice"); e.Spec["type"] != "service" {
		t.Errorf("duplicate ref in one apply: stored spec.type %v, want the first one (service)", e.Spec["type"])
	}
	// Removing the conflicting entity from b must not delete a's entity.
	if _, err := s.ReplaceLocationEntities(ctx, b.ID, nil); err != nil {
		t.Fatalf("ReplaceLocationEntities(nil): %v", err)
	}
	mustGet(t, s, fixtureRefs[0])
}

var cmpSortConflicts = cmp.Transformer("sortConflicts", func(r catalog.ApplyResult) catalog.ApplyResult {
	r.Conflicts = sorted(r.Conflicts)
	return r
})

func testFailedWrite(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	loc := seed(t, s, "/srv/catalog", fixture())
	snapshot := func() []catalog.Entity {
		_, p := queryRefs(t, s, catalog.Query{OrderBy: []catalog.Order{{Field: "metadata.name"}}})
		return p.Entities
	}
	before := snapshot()

	// A batch that removes, changes and adds entities, then hits one that cannot be encoded.
	bad := fixture()[2:]
	bad[0].Entity.Spec["lifecycle"] = "retired"
	bad[0] = Process(bad[0].Entity)
	bad = append(bad, Process(Entity("Component", "new-one", Spec{"type": "service"})))
	broken := Entity("Component", "broken", Spec{"type": "service"})
	broken.Spec["weight"] = math.Inf(1)
	bad = append(bad, catalog.Processed{Entity: broken, Hash: "x"})
	if _, err := s.ReplaceLocationEntities(ctx, loc.ID, bad); err == nil {
		t.Fatal("ReplaceLocationEntities with an unencodable entity succeeded, want an error")
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("failed write changed stored state (-before +after):\n%s", diff)
	}

	if _, err := s.ReplaceLocationEntities(cancelled(), loc.ID, fixture()[:1]); err == nil {
		t.Error("ReplaceLocationEntities with a cancelled context succeeded, want an error")
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("cancelled write changed stored state (-before +after):\n%s", diff)
	}
	if err := s.DeleteLocation(cancelled(), loc.ID); err == nil {
		t.Error("DeleteLocation with a cancelled context succeeded, want an error")
	}
	if diff := cmp.Diff(before, snapshot()); diff != "" {
		t.Errorf("cancelled DeleteLocation changed stored state (-before +after):\n%s", diff)
	}
}

func testDelete(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	loc := seed(t, s, "/srv/catalog", fixture())
	victim := mustGet(t, s, fixtureRefs[0])
	if err := s.DeleteEntity(ctx, victim.Metadata.UID); err != nil {
		t.Fatalf("DeleteEntity: %v", err)
	}
	wantErr(t, "DeleteEntity twice", s.DeleteEntity(ctx, victim.Metadata.UID), catalog.ErrNotFound)
	_, err := s.EntityByUID(ctx, victim.Metadata.UID)
	wantErr(t, "EntityByUID(deleted)", err, catalog.ErrNotFound)
	if refs, _ := queryRefs(t, s, catalog.Query{Filter: leaf("metadata.tags", "java")}); len(refs) != 0 {
		t.Errorf("search rows of a deleted entity still match: %v", refs)
	}
	for _, r := range mustGet(t, s, "group:default/team-a").Relations {
		if r.TargetRef == fixtureRefs[0] {
			t.Errorf("relation %v produced by the deleted entity is still stored", r)
		}
	}
	if n := count(t, s, catalog.Filter{}); n != len(fixtureRefs)-1 {
		t.Errorf("entities after DeleteEntity = %d, want %d", n, len(fixtureRefs)-1)
	}
	// The next refresh of its location brings it back.
	res, err := s.ReplaceLocationEntities(ctx, loc.ID, fixture())
	if err != nil {
		t.Fatalf("ReplaceLocationEntities: %v", err)
	}
	if res.Added != 1 || res.Unchanged != len(fixtureRefs)-1 {
		t.Errorf("refresh after delete = %+v, want 1 added", res)
	}
}

func testConcurrentWrites(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	const writers = 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*10)
	for w := range writers {
		wg.Go(func() {
			loc, err := s.CreateLocation(ctx, "file", fmt.Sprintf("/srv/w%d", w))
			if err != nil {
				errs <- err
				return
			}
			for i := range 5 {
				var ps []catalog.Processed
				for j := range 20 {
					ps = append(ps, Process(Entity("Component", fmt.Sprintf("w%d-c%d", w, j), Spec{"type": "service", "lifecycle": fmt.Sprint(i)})))
				}
				if _, err := s.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil {
					errs <- err
				}
				if _, err := s.QueryEntities(ctx, catalog.Query{Filter: leaf("kind", "component"), Limit: 10}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	if n := count(t, s, catalog.Filter{}); n != writers*20 {
		t.Errorf("entities after concurrent writes = %d, want %d", n, writers*20)
	}
}

// count returns how many entities match f.
func count(t *testing.T, s catalog.Store, f catalog.Filter) int {
	t.Helper()
	_, p := queryRefs(t, s, catalog.Query{Filter: f})
	return p.Total
}

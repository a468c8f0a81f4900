package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nextportal/portal/catalog"
)

// Catalog runs the catalog.Store contract against stores from newStore, which must return
// an empty, migrated store for each call.
func Catalog(t *testing.T, newStore func(t *testing.T) catalog.Store) {
	t.Run("Locations", func(t *testing.T) { testLocations(t, newStore(t)) })
	t.Run("Replace", func(t *testing.T) { testReplace(t, newStore(t)) })
	t.Run("Conflicts", func(t *testing.T) { testConflicts(t, newStore(t)) })
	t.Run("FailedWriteKeepsState", func(t *testing.T) { testFailedWrite(t, newStore(t)) })
	t.Run("Reads", func(t *testing.T) { testReads(t, newStore(t)) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, newStore(t)) })
	t.Run("Order", func(t *testing.T) { testOrder(t, newStore(t)) })
	t.Run("Paging", func(t *testing.T) { testPaging(t, newStore(t)) })
	t.Run("Facets", func(t *testing.T) { testFacets(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("ConcurrentWrites", func(t *testing.T) { testConcurrentWrites(t, newStore(t)) })
}

// fixture is a small catalog: components, an API, groups and a user, in two namespaces.
func fixture() []catalog.Processed {
	payments := Entity("Component", "payments-api", Spec{"type": "service", "lifecycle": "production",
		"owner": "group:default/team-a", "dependsOn": []any{"resource:default/ledger-db"}})
	payments.Metadata.Title = "Payments API"
	payments.Metadata.Description = "Handles card payments"
	payments.Metadata.Tags = []string{"java", "payments"}
	payments.Metadata.Annotations = map[string]string{"backstage.io/techdocs-ref": "dir:."}
	orders := Entity("Component", "orders", Spec{"type": "service", "lifecycle": "experimental", "owner": "group:default/team-b"})
	orders.Metadata.Tags = []string{"kafka"}
	web := Entity("Component", "web-site", Spec{"type": "website", "lifecycle": "production", "owner": "group:default/team-a"})
	legacy := Entity("Component", "other/legacy_thing", Spec{"type": "service", "lifecycle": "deprecated", "owner": "group:default/team-b"})
	legacy.Metadata.Title = "Legacy 100% thing"
	api := Entity("API", "payments-http", Spec{"type": "openapi", "lifecycle": "production", "owner": "group:default/team-a", "definition": "openapi: 3.0.0"})
	ledger := Entity("Resource", "ledger-db", Spec{"type": "database", "owner": "group:default/team-b"})
	teamA := Entity("Group", "team-a", Spec{"type": "team", "children": []any{}})
	teamB := Entity("Group", "team-b", Spec{"type": "team", "children": []any{}})
	alice := Entity("User", "alice", Spec{})
	var out []catalog.Processed
	for _, e := range []catalog.Entity{payments, orders, web, legacy, api, ledger, teamA, teamB, alice} {
		out = append(out, Process(e))
	}
	return out
}

// fixtureRefs are the refs of fixture(), in its order.
var fixtureRefs = []string{
	"component:default/payments-api", "component:default/orders", "component:default/web-site",
	"component:other/legacy_thing", "api:default/payments-http", "resource:default/ledger-db",
	"group:default/team-a", "group:default/team-b", "user:default/alice",
}

// seed registers a location and stores entities from it.
func seed(t *testing.T, s catalog.Store, target string, ps []catalog.Processed) catalog.Location {
	t.Helper()
	ctx := t.Context()
	loc, err := s.CreateLocation(ctx, "file", target)
	if err != nil {
		t.Fatalf("CreateLocation: %v", err)
	}
	if _, err := s.ReplaceLocationEntities(ctx, loc.ID, ps); err != nil {
		t.Fatalf("ReplaceLocationEntities: %v", err)
	}
	return loc
}

// mustGet returns the stored entity with ref.
func mustGet(t *testing.T, s catalog.Store, ref string) catalog.Entity {
	t.Helper()
	e, err := s.EntityByRef(t.Context(), ref)
	if err != nil {
		t.Fatalf("EntityByRef(%q): %v", ref, err)
	}
	return e
}

// refsOf returns the canonical refs of es.
func refsOf(es []catalog.Entity) []string {
	out := make([]string, len(es))
	for i := range es {
		out[i] = es[i].Ref().String()
	}
	return out
}

// sorted returns a sorted copy of ss.
func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

// queryRefs runs q and returns the refs of the page.
func queryRefs(t *testing.T, s catalog.Store, q catalog.Query) ([]string, catalog.Page) {
	t.Helper()
	p, err := s.QueryEntities(t.Context(), q)
	if err != nil {
		t.Fatalf("QueryEntities(%+v): %v", q, err)
	}
	return refsOf(p.Entities), p
}

// wantErr fails unless err wraps want.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want %v", what, err, want)
	}
}

// cancelled returns a context that is already cancelled.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// leaf is a filter leaf, for brevity in tables.
func leaf(key string, values ...string) catalog.Filter {
	return catalog.Filter{Key: key, Values: values}
}

func lower(s string) *string {
	l := strings.ToLower(s)
	return &l
}

package store_test

import (
	"errors"
	"testing"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

// readModel wraps db in the catalog's in-memory read model: the contract suite then checks
// that the model answers exactly as the SQL store does.
func readModel(t *testing.T, db *store.DB) catalog.Store {
	t.Helper()
	m, err := catalog.NewReadModel(t.Context(), db)
	if err != nil {
		t.Fatalf("NewReadModel: %v", err)
	}
	return m
}

func TestCatalogReadModelSQLite(t *testing.T) {
	storetest.Catalog(t, func(t *testing.T) catalog.Store { return readModel(t, storetest.SQLite(t)) })
}

func TestCatalogReadModelPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Catalog(t, func(t *testing.T) catalog.Store { return readModel(t, storetest.Postgres(t)) })
}

// TestReadModelResync: a write made to the database behind the model's back (another
// replica's) is seen after Resync, and the version fingerprint follows the snapshot's.
func TestReadModelResync(t *testing.T) {
	ctx := t.Context()
	db := storetest.SQLite(t)
	loc, err := db.CreateLocation(ctx, "file", "/resync")
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Process(storetest.Entity("Component", "a", storetest.Spec{"owner": "group:default/team"}))
	b := storetest.Process(storetest.Entity("Component", "b", storetest.Spec{"owner": "group:default/team"}))
	if _, err := db.ReplaceLocationEntities(ctx, loc.ID, []catalog.Processed{a}); err != nil {
		t.Fatal(err)
	}
	m, err := catalog.NewReadModel(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := db.CatalogSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.CatalogVersion(ctx)
	if err != nil || v1 != snap.Version || v1 == "" {
		t.Fatalf("CatalogVersion = %q, %v; want the snapshot's %q", v1, err, snap.Version)
	}
	if _, err := db.ReplaceLocationEntities(ctx, loc.ID, []catalog.Processed{a, b}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.EntityByRef(ctx, "component:default/b"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("before Resync: EntityByRef(b) error %v, want not found (the model is a snapshot)", err)
	}
	if v2, _ := db.CatalogVersion(ctx); v2 == v1 {
		t.Fatal("CatalogVersion did not change with a new entity")
	}
	if err := m.Resync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.EntityByRef(ctx, "component:default/b"); err != nil {
		t.Fatalf("after Resync: EntityByRef(b): %v", err)
	}
	built := m.Stats().BuildTime
	if err := m.Resync(ctx); err != nil {
		t.Fatal(err)
	}
	if m.Stats().BuildTime != built {
		t.Error("Resync rebuilt an unchanged catalog")
	}
}

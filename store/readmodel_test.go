package store_test

import (
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

package store_test

import (
	"context"
	"testing"

	"github.com/nextportal/portal/catalog"
	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

func TestCatalogSQLite(t *testing.T) {
	storetest.Catalog(t, func(t *testing.T) catalog.Store { return storetest.SQLite(t) })
}

func TestCatalogPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Catalog(t, func(t *testing.T) catalog.Store { return storetest.Postgres(t) })
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	for _, url := range []string{"mysql://user:secret@host/db", "sqlite:/tmp/x.db"} {
		_, err := store.Open(context.Background(), store.Options{URL: url})
		if err == nil {
			t.Errorf("Open(%q) succeeded, want an error", url)
		}
	}
	if _, err := store.Open(context.Background(), store.Options{}); err == nil {
		t.Error("Open with neither URL nor DataDir succeeded, want an error")
	}
}

package store_test

import (
	"testing"

	"github.com/nextportal/portal/store"
	"github.com/nextportal/portal/store/storetest"
)

func TestIndexSQLite(t *testing.T) {
	storetest.Index(t, func(t *testing.T) *store.DB { return storetest.SQLite(t) })
}

func TestIndexPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Index(t, func(t *testing.T) *store.DB { return storetest.Postgres(t) })
}

func TestIndexVectorsPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.IndexVectors(t, func(t *testing.T) *store.DB { return storetest.Postgres(t) })
}

package store_test

import (
	"testing"

	"github.com/nextportal/portal/scaffolder"
	"github.com/nextportal/portal/store/storetest"
)

func TestScaffolderSQLite(t *testing.T) {
	storetest.Scaffolder(t, func(t *testing.T) scaffolder.Store { return storetest.SQLite(t) })
}

func TestScaffolderPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Scaffolder(t, func(t *testing.T) scaffolder.Store { return storetest.Postgres(t) })
}

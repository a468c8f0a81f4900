package store_test

import (
	"testing"

	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/store/storetest"
)

func TestFinOpsSQLite(t *testing.T) {
	storetest.FinOps(t, func(t *testing.T) finops.Store { return storetest.SQLite(t) })
}

func TestFinOpsPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.FinOps(t, func(t *testing.T) finops.Store { return storetest.Postgres(t) })
}

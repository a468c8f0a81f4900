package store_test

import (
	"testing"

	"github.com/nextportal/portal/finops"
	"github.com/nextportal/portal/store/storetest"
)

func TestBudgetsSQLite(t *testing.T) {
	storetest.Budgets(t, func(t *testing.T) finops.BudgetStore { return storetest.SQLite(t) })
}

func TestBudgetsPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Budgets(t, func(t *testing.T) finops.BudgetStore { return storetest.Postgres(t) })
}

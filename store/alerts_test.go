package store_test

import (
	"testing"

	"github.com/nextportal/portal/store/storetest"
)

func TestAlertsSQLite(t *testing.T) {
	storetest.Alerts(t, func(t *testing.T) storetest.AlertStore { return storetest.SQLite(t) })
}

func TestAlertsPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Alerts(t, func(t *testing.T) storetest.AlertStore { return storetest.Postgres(t) })
}

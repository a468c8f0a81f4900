package store_test

import (
	"testing"

	"github.com/nextportal/portal/store/storetest"
)

func TestIncidentsSQLite(t *testing.T) {
	storetest.Incidents(t, func(t *testing.T) storetest.IncidentStore { return storetest.SQLite(t) })
}

func TestIncidentsPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Incidents(t, func(t *testing.T) storetest.IncidentStore { return storetest.Postgres(t) })
}

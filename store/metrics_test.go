package store_test

import (
	"testing"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/store/storetest"
)

func TestMetricsSQLite(t *testing.T) {
	storetest.Metrics(t, func(t *testing.T) anomaly.Store { return storetest.SQLite(t) })
}

func TestMetricsPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Metrics(t, func(t *testing.T) anomaly.Store { return storetest.Postgres(t) })
}

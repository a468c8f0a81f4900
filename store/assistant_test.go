package store_test

import (
	"testing"

	"github.com/nextportal/portal/store/storetest"
)

func TestAssistantSQLite(t *testing.T) {
	storetest.Assistant(t, func(t *testing.T) storetest.AssistantStore { return storetest.SQLite(t) })
}

func TestAssistantPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Assistant(t, func(t *testing.T) storetest.AssistantStore { return storetest.Postgres(t) })
}

package store_test

import (
	"testing"

	"github.com/nextportal/portal/internal/notify"
	"github.com/nextportal/portal/store/storetest"
)

func TestNotifySQLite(t *testing.T) {
	storetest.Notify(t, func(t *testing.T) notify.Store { return storetest.SQLite(t) })
}

func TestNotifyPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Notify(t, func(t *testing.T) notify.Store { return storetest.Postgres(t) })
}

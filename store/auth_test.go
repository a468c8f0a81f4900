package store_test

import (
	"testing"

	"github.com/nextportal/portal/auth"
	"github.com/nextportal/portal/store/storetest"
)

func TestAuthSQLite(t *testing.T) {
	storetest.Auth(t, func(t *testing.T) auth.Store { return storetest.SQLite(t) })
}

func TestAuthPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Auth(t, func(t *testing.T) auth.Store { return storetest.Postgres(t) })
}

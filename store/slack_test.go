package store_test

import (
	"testing"

	"github.com/nextportal/portal/assistant/slack"
	"github.com/nextportal/portal/store/storetest"
)

func TestSlackSQLite(t *testing.T) {
	storetest.Slack(t, func(t *testing.T) slack.Store { return storetest.SQLite(t) })
}

func TestSlackPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	storetest.Slack(t, func(t *testing.T) slack.Store { return storetest.Postgres(t) })
}

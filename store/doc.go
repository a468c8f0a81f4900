// Package store is the portal's SQL adapter. DB implements the feature packages' Store
// interfaces (catalog.Store first) on database/sql, on two engines: SQLite through
// modernc.org/sqlite, the embedded default, and PostgreSQL through pgx, chosen by a
// postgres:// URL.
//
// Both engines run the same query text (both take $1 placeholders); what differs between
// them (DDL, driver errors, locking) lives in dialect.go and in the per-engine migrations
// under migrations/, which Open applies before it returns.
//
// Only cmd/portal and tests import this package; feature packages depend on their own
// Store interfaces instead.
package store

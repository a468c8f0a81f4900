// Package storetest provides test databases and the contract tests every store engine passes.
//
// New(t) gives a test a fresh, migrated database: PostgreSQL (a schema of its own) when
// DATABASE_URL is set, else SQLite in t.TempDir(). Catalog(t, newStore) is the catalog.Store
// contract, run by package store on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for the admin connection

	"github.com/nextportal/portal/store"
)

// New returns a fresh, migrated database that is closed (and, on PostgreSQL, dropped) when
// the test ends: PostgreSQL when DATABASE_URL is set, else SQLite in t.TempDir().
func New(t testing.TB) *store.DB {
	t.Helper()
	if os.Getenv("DATABASE_URL") != "" {
		return Postgres(t)
	}
	return SQLite(t)
}

// SQLite returns a fresh, migrated SQLite database in t.TempDir().
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir(), Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Engine is one database engine the store runs on, for tests that run on each.
type Engine struct {
	Name string
	Open func(t testing.TB) *store.DB
}

// Engines are SQLite and PostgreSQL (which skips or fails as Postgres does without a server).
var Engines = []Engine{{"sqlite", SQLite}, {"postgres", Postgres}}

// Postgres returns a fresh, migrated PostgreSQL database: a new schema t_<random> in the
// database DATABASE_URL names, searched before public (where the vector type lives) and
// dropped when the test ends. Without DATABASE_URL it skips the test, or fails it when
// PORTAL_REQUIRE_POSTGRES=1.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{URL: PostgresURL(t), Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL creates an empty schema t_<random> in the database DATABASE_URL names and
// returns a URL whose connections search it before public; the schema is dropped when the
// test ends. It skips or fails like RequirePostgres when DATABASE_URL is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	RequirePostgres(t)
	base := os.Getenv("DATABASE_URL")
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to DATABASE_URL: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := ensureVector(ctx, admin); err != nil {
		t.Fatalf("create extension vector: %v", err)
	}
	schema := "t_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// RequirePostgres skips the test when DATABASE_URL is unset, or fails it when
// PORTAL_REQUIRE_POSTGRES=1 (as CI sets), so that nothing is silently skipped there.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if os.Getenv("DATABASE_URL") != "" {
		return
	}
	if os.Getenv("PORTAL_REQUIRE_POSTGRES") == "1" {
		t.Fatal("DATABASE_URL not set but PORTAL_REQUIRE_POSTGRES=1: PostgreSQL tests cannot run")
	}
	t.Skip("DATABASE_URL not set: PostgreSQL contract tests skipped")
}

// ensureVector creates the vector extension in public once, so that per-test schemas (which
// are dropped) never own it; the advisory lock keeps parallel test packages from racing.
func ensureVector(ctx context.Context, admin *sql.DB) error {
	tx, err := admin.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(112111114116097109)"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public"); err != nil {
		return err
	}
	return tx.Commit()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/nextportal/portal/catalog"
)

var _ catalog.Store = (*DB)(nil)

// Options says which database Open connects to.
type Options struct {
	// URL is a postgres:// or postgresql:// connection URL. When empty, Open uses SQLite.
	URL string
	// DataDir is the directory of the SQLite database file portal.db (created if missing).
	DataDir string
	// Logger receives lifecycle messages such as applied migrations; nil means slog.Default().
	Logger *slog.Logger
	// NoMigrate opens without applying migrations, for read-only commands that must not
	// upgrade a production schema: when the database lacks a migration this binary knows,
	// Open fails with ErrSchemaOutdated.
	NoMigrate bool
}

// DB is an open portal database on SQLite or PostgreSQL. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	dialect dialect
	logger  *slog.Logger
	pgConf  *pgx.ConnConfig // PostgreSQL only: for the single-connection migration runner
	// wmu serializes writers on SQLite, which allows one writer at a time; waiting here
	// instead of in SQLite's busy handler keeps writes from failing with "database is locked".
	wmu sync.Mutex
	// bg counts background work that Close stops and waits for: maintenance after bulk
	// loads (maintainLater) and loading the search and relation rows that location writes
	// leave pending (deriveLater).
	bg                      sync.WaitGroup
	maintenance, derivation backgroundJob
}

// Open connects to the database o names and applies pending migrations before returning
// (or, with o.NoMigrate, checks that none is pending).
func Open(ctx context.Context, o Options) (*DB, error) {
	db, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	db.derivation.finish = true
	// Rows a write left pending when the process stopped (entities_pending.go).
	db.deriveLater()
	return db, nil
}

func open(ctx context.Context, o Options) (*DB, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "store")
	switch {
	case o.URL == "":
		return openSQLite(ctx, o.DataDir, o.NoMigrate, logger)
	case strings.HasPrefix(o.URL, "postgres://"), strings.HasPrefix(o.URL, "postgresql://"):
		return openPostgres(ctx, o.URL, o.NoMigrate, logger)
	default:
		scheme, _, _ := strings.Cut(o.URL, ":")
		return nil, fmt.Errorf("open store: unsupported database URL scheme %q (want postgres:// or postgresql://, or no URL for SQLite)", scheme)
	}
}

func openSQLite(ctx context.Context, dataDir string, noMigrate bool, logger *slog.Logger) (*DB, error) {
	if dataDir == "" {
		return nil, errors.New("open sqlite store: no data directory given")
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dataDir, "portal.db"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: %w", err)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqliteParams
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(max(4, runtime.NumCPU()))
	sdb.SetMaxIdleConns(max(4, runtime.NumCPU()))
	db := &DB{sql: sdb, dialect: sqliteDialect, logger: logger}
	if err := db.prepareSchema(ctx, noMigrate); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open sqlite store %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, rawURL string, noMigrate bool, logger *slog.Logger) (*DB, error) {
	conf, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	// Search rows are very skewed (a few keys hold most rows), so a plan made for the actual
	// key and values beats the generic plan PostgreSQL would otherwise settle on for
	// pgx's cached prepared statements.
	if _, ok := conf.RuntimeParams["plan_cache_mode"]; !ok {
		conf.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	db := &DB{dialect: postgresDialect, logger: logger, pgConf: conf}
	// Migrate first, on its own connection: pgx learns type OIDs when a connection opens,
	// so pool connections must only open once the vector extension exists.
	if err := db.prepareSchema(ctx, noMigrate); err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	db.sql = stdlib.OpenDB(*conf, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		return pgxvec.RegisterTypes(ctx, c)
	}))
	db.sql.SetMaxOpenConns(16)
	db.sql.SetMaxIdleConns(8)
	if err := db.sql.PingContext(ctx); err != nil {
		db.sql.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	return db, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect.engine, err)
	}
	return nil
}

// Close stops background work (a statistics refresh after a bulk load), waits for pending
// search and relation rows being loaded, then closes every connection.
func (db *DB) Close() error {
	db.stopBackground()
	return db.sql.Close()
}

// Engine returns "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.engine }

// lockWrites serializes writers where the engine needs it, and returns the unlock func.
func (db *DB) lockWrites() func() {
	if !db.dialect.serializeWrites {
		return func() {}
	}
	db.wmu.Lock()
	return db.wmu.Unlock
}

package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    TEXT PRIMARY KEY,
	applied_at TIMESTAMP NOT NULL
)`

// Migrate applies the migrations the database lacks, each file in its own transaction, and
// logs how many it applied. It is idempotent and safe to run from several processes at once.
func (db *DB) Migrate(ctx context.Context) error {
	conn := db.sql
	if db.pgConf != nil {
		// One dedicated connection, without the pool's vector type registration, which
		// fails before the first migration has created the extension.
		conn = stdlib.OpenDB(*db.pgConf)
		conn.SetMaxOpenConns(1)
		defer conn.Close() // ends the session, releasing the run lock
		if _, err := conn.ExecContext(ctx, db.dialect.migrationRunLock); err != nil {
			return fmt.Errorf("migrate: take migration lock: %w", err)
		}
	}
	defer db.lockWrites()()
	files, err := fs.Glob(migrationFS, "migrations/"+db.dialect.engine+"/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied := 0
	if db.dialect.migrationRunLock == "" {
		// SQLite has no lock to hold across transactions, so the whole run is one
		// transaction: a process starting while another migrates waits for all of it (or
		// retries it), instead of taking turns with it file by file.
		err := retry(ctx, 50, 20*time.Millisecond, isBusy, func() (err error) {
			applied, err = db.applyMigrations(ctx, conn, files)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	for _, f := range fileByFile(db.dialect, files) { // fs.Glob sorts, so 0001 runs before 0002
		var did int
		err := retry(ctx, 50, 20*time.Millisecond, isBusy, func() (err error) {
			did, err = db.applyMigrations(ctx, conn, []string{f})
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", f, err)
		}
		applied += did
	}
	db.logger.Info("migrations applied", "engine", db.dialect.engine, "applied", applied, "known", len(files))
	return nil
}

// fileByFile is the files a dialect with a run lock applies one transaction each; without one
// (SQLite) Migrate has applied them all in one transaction already.
func fileByFile(d dialect, files []string) []string {
	if d.migrationRunLock == "" {
		return nil
	}
	return files
}

// retry calls op until it succeeds, fails with an error retryable does not accept, or has
// been retried tries times, waiting wait between calls. It stops waiting when ctx ends and
// returns ctx's error.
func retry(ctx context.Context, tries int, wait time.Duration, retryable func(error) bool, op func() error) error {
	err := op()
	for try := 0; err != nil && retryable(err) && try < tries; try++ {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (retrying after: %w)", ctx.Err(), err)
		case <-t.C:
		}
		err = op()
	}
	return err
}

// ErrSchemaOutdated is Open's error, with Options.NoMigrate, for a database that lacks
// migrations this binary knows: `portal migrate` (or `portal serve`) upgrades it.
var ErrSchemaOutdated = errors.New("the database schema is older than this portal binary")

// prepareSchema applies pending migrations, or with noMigrate checks there are none.
func (db *DB) prepareSchema(ctx context.Context, noMigrate bool) error {
	if !noMigrate {
		return db.Migrate(ctx)
	}
	conn := db.sql
	if db.pgConf != nil {
		conn = stdlib.OpenDB(*db.pgConf) // no vector types yet: the extension may be missing
		defer conn.Close()
	}
	known, err := fs.Glob(migrationFS, "migrations/"+db.dialect.engine+"/*.sql")
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	applied := map[string]bool{}
	if versions, err := collectRows(ctx, conn, `SELECT version FROM schema_migrations`, nil, scanString); err == nil {
		for _, v := range versions {
			applied[v] = true
		}
	} else if err := conn.PingContext(ctx); err != nil {
		return fmt.Errorf("check schema: %w", err)
	} // else: no schema_migrations table, so nothing is applied
	var missing []string
	for _, f := range known {
		if v := strings.TrimSuffix(path.Base(f), ".sql"); !applied[v] {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: it lacks %d migration(s) (%s); run 'portal migrate' to upgrade it",
			ErrSchemaOutdated, len(missing), strings.Join(missing, ", "))
	}
	return nil
}

// applyMigrations runs, in one transaction holding the migration lock, each of files that
// schema_migrations does not record, and reports how many ran.
func (db *DB) applyMigrations(ctx context.Context, conn *sql.DB, files []string) (int, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := db.dialect.lockMigrations(ctx, tx); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := 0
	for _, file := range files {
		did, err := applyMigration(ctx, tx, file)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path.Base(file), err)
		}
		if did {
			applied++
		}
	}
	return applied, tx.Commit()
}

// applyMigration applies one migration file in tx unless schema_migrations records it.
func applyMigration(ctx context.Context, tx *sql.Tx, file string) (bool, error) {
	body, err := migrationFS.ReadFile(file)
	if err != nil {
		return false, err
	}
	version := strings.TrimSuffix(path.Base(file), ".sql")
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return false, fmt.Errorf("read schema_migrations: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		version, time.Now().UTC().Truncate(time.Microsecond)); err != nil {
		return false, fmt.Errorf("record version: %w", err)
	}
	return true, nil
}

// AppliedMigrations returns the versions recorded in schema_migrations, in order.
func (db *DB) AppliedMigrations(ctx context.Context) ([]string, error) {
	out, err := collectRows(ctx, db.sql, `SELECT version FROM schema_migrations ORDER BY version`, nil, scanString)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return out, nil
}

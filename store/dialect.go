package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds everything that differs between the two engines; all query text elsewhere
// is shared. DDL differences live in the per-engine migration files.
type dialect struct {
	engine string
	// serializeWrites makes writers wait on a Go mutex (SQLite allows a single writer).
	serializeWrites bool
	// migrationLock, when set, is run first in each migration transaction so that
	// concurrently starting replicas apply migrations one at a time.
	migrationLock string
	// migrationRunLock, when set, is run once on the migration connection before the first
	// file and held until it closes, so that a replica starting while another migrates waits
	// for the whole run instead of taking turns with it, file by file.
	migrationRunLock string
	// unlimited is the LIMIT clause that means "no limit" (needed before OFFSET).
	unlimited string
	// maintain, when set, is run in the background after a location write that changed at
	// least maintainAfter entities has committed (maintainLater). On PostgreSQL it refreshes
	// the planner's statistics after a bulk load, so that the first queries after loading a
	// large catalog don't get plans made for an empty one. On SQLite it checkpoints the WAL,
	// which location writes leave to it (bulkWrite).
	maintain      string
	maintainAfter int
	// maxParams bounds the bind parameters of one statement (bulk inserts, IN lists). SQLite
	// resolves each $n by a linear scan of the statement's parameters, so a statement with n
	// parameters costs O(n²) to prepare and bind; a few hundred keeps that negligible.
	maxParams int
	// filterSets writes filters as set algebra (INTERSECT, UNION, EXCEPT) rather than as IN
	// predicates: SQLite then drives from the index ranges, while PostgreSQL plans the
	// predicate form as hash semi-joins (measured at 10,000 entities: each form is about
	// twice as fast on its own engine as the other).
	filterSets bool
	// bulkWrite, when set, is run on a connection before a transaction that writes many
	// rows, and bulkWriteReset after it. bulkInsert is how that transaction's INSERTs begin.
	// On SQLite they spare statements that insert many rows the statement journal (a copy
	// of every page a statement touches, kept to undo just that statement, which cost more
	// than the inserts): foreign keys are off, as the writer keeps the rows consistent
	// itself, and a failing row fails the statement without undoing its earlier rows, which
	// is never seen because the transaction is rolled back on any error. They also turn off
	// the connection's automatic checkpoint: SQLite runs it inside the COMMIT that crosses
	// 1,000 WAL pages, copying every page the write made into the database file (with two
	// fsyncs) before the write returns, 0.4–1 s of a 10,000-entity import. maintain runs
	// it in the background instead. The write is committed to the WAL either way; the
	// checkpoint only moves it, so no committed data depends on when it runs.
	bulkWrite, bulkWriteReset string
	bulkInsert                string
	// bulkArrays inserts many rows as one INSERT … SELECT from unnest(column arrays)
	// (PostgreSQL); otherwise as prepared multi-row VALUES statements.
	bulkArrays bool
	// tableIndexes lists the (name, CREATE INDEX statement) of the indexes of table $1 that
	// back no constraint; tableForeignKeys, when set, its foreign keys' (name, definition).
	// loadTable drops and makes them again around a bulk load.
	tableIndexes, tableForeignKeys string
}

// sqliteParams configures every SQLite connection: WAL so readers never block on the
// writer, a busy timeout for other processes (the CLI) writing the same file, foreign keys
// for ON DELETE CASCADE, BEGIN IMMEDIATE so a transaction holds the write lock from its
// start, and a time format that sorts as text.
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_txlock=immediate&_time_format=sqlite"

var (
	sqliteDialect = dialect{
		engine:          "sqlite",
		serializeWrites: true,
		unlimited:       "LIMIT -1",
		maxParams:       256,
		filterSets:      true,
		bulkWrite:       "PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 0",
		bulkWriteReset:  "PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 1000",
		maintain:        "PRAGMA wal_checkpoint(PASSIVE)",
		maintainAfter:   1,
		bulkInsert:      "INSERT OR FAIL INTO ",
		tableIndexes: `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL
			ORDER BY name`,
	}
	postgresDialect = dialect{
		engine: "postgres",
		// An arbitrary constant key shared by every portal replica: "portal" in ASCII.
		migrationLock:    "SELECT pg_advisory_xact_lock(112111114116097108)",
		migrationRunLock: "SELECT pg_advisory_lock(112111114116097108)",
		unlimited:        "LIMIT ALL",
		maintain:         "VACUUM (ANALYZE) entities, search, relations",
		maintainAfter:    bulkLoad,
		maxParams:        8000,
		bulkInsert:       "INSERT INTO ",
		bulkArrays:       true,
		tableIndexes: `SELECT quote_ident(i.relname), pg_get_indexdef(i.oid) FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid
			WHERE x.indrelid = $1::text::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
			ORDER BY i.relname`,
		tableForeignKeys: `SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
			WHERE conrelid = $1::text::regclass AND contype = 'f' ORDER BY conname`,
	}
)

// limitOffset returns the LIMIT/OFFSET clause; limit 0 means no limit.
func (d dialect) limitOffset(limit, offset int) string {
	s := d.unlimited
	if limit > 0 {
		s = "LIMIT " + strconv.Itoa(limit)
	}
	if offset > 0 {
		s += " OFFSET " + strconv.Itoa(offset)
	}
	return s
}

// lockMigrations takes the migration lock inside tx, where the engine has one.
func (d dialect) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if d.migrationLock == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, d.migrationLock); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is the driver's unique-constraint error.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isBusy reports whether err is SQLite's "database is locked", which SQLite returns without
// waiting in a few cases, such as two processes switching a new database file to WAL.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

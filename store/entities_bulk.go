package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// bulkChunk is how many rows one PostgreSQL bulk statement carries: large statements make
// bulk loads fast, and the bound keeps one statement's arguments at a few MiB.
const bulkChunk = 20_000

// sqliteBulkParams is how many bind parameters one SQLite bulk statement carries (SQLite
// allows 32,766). Its placeholders are anonymous ("?"): SQLite numbers those as it parses,
// while each "$n" costs a scan of the names seen so far.
const sqliteBulkParams = 8_000

// unnestSource returns a row source for a set-based INSERT … SELECT on PostgreSQL: the
// SELECT list of width text columns and the FROM clause, with one text array per column
// added to b as arguments. Every value is a string or a *string (nil is NULL).
func unnestSource(b *builder, width int, rows [][]any) (cols, from string) {
	names := make([]string, width)
	sel := make([]string, width)
	arrays := make([]string, width)
	for c := range width {
		col := make([]*string, len(rows))
		var vals []string // the column's string values, one allocation for all
		for r, row := range rows {
			switch v := row[c].(type) {
			case string:
				if vals == nil {
					vals = make([]string, len(rows))
				}
				vals[r] = v
				col[r] = &vals[r]
			case *string:
				col[r] = v
			}
		}
		arrays[c] = b.arg(col) + "::text[]"
		names[c] = "c" + strconv.Itoa(c)
		sel[c] = "u." + names[c]
	}
	return strings.Join(sel, ", "), "unnest(" + strings.Join(arrays, ", ") + ") AS u(" + strings.Join(names, ", ") + ")"
}

// sqliteValues runs head, a VALUES list of one tuple per row, and tail for each chunk of
// rows, as many rows per statement as sqliteBulkParams allows. tuple is the row's
// placeholders, "(?, ?)", taking the row's values in order. The statement for a full chunk
// is prepared once and reused. run executes a statement with its arguments.
func sqliteValues(ctx context.Context, tx *sql.Tx, head, tuple, tail string, rows [][]any,
	run func(stmt *sql.Stmt, args []any) error) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, sqliteBulkParams/len(rows[0]))
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for _, chunk := range chunks(rows, per) {
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for _, row := range chunk {
			args = append(args, row...)
		}
		stmt := full
		if stmt == nil || len(chunk) != per {
			q := head + strings.Repeat(tuple+", ", len(chunk)-1) + tuple + tail
			s, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
			if len(chunk) == per {
				full = s
			} else {
				defer s.Close()
			}
			stmt = s
		}
		if err := run(stmt, args); err != nil {
			return err
		}
	}
	return nil
}

// anonTuple returns "(?, ?, …)" with n anonymous placeholders.
func anonTuple(n int) string {
	return "(" + strings.Repeat("?, ", n-1) + "?)"
}

// loadTable runs insert, which adds n rows to table inside tx. When the table holds fewer
// rows than that (a bulk load, such as a first import), the table's indexes and, on
// PostgreSQL, its foreign keys are dropped before the insert and made again after it, in the
// same transaction: building an index by sorting all rows once costs far less than inserting
// the rows into it one by one, and a foreign key checked once by a join less than row by row
// (PostgreSQL's manual, "Populating a Database", advises both). The schema after the
// transaction is the same. On PostgreSQL dropping an index or foreign key locks the table
// (and the referenced table) against every other session, readers too, until commit.
func loadTable(ctx context.Context, tx *sql.Tx, d dialect, table string, n int, insert func() error) error {
	if n < bulkLoad {
		return insert()
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` LIMIT $1) t`, n).Scan(&have); err != nil {
		return fmt.Errorf("count rows of %s: %w", table, err)
	}
	if have >= n {
		return insert()
	}
	var drop, build []string
	err := eachRow(ctx, tx, d.tableIndexes, []any{table}, func(rows *sql.Rows) error {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		drop = append(drop, "DROP INDEX "+name)
		build = append(build, def)
		return nil
	})
	if err != nil {
		return fmt.Errorf("indexes of %s: %w", table, err)
	}
	if d.tableForeignKeys != "" {
		err := eachRow(ctx, tx, d.tableForeignKeys, []any{table}, func(rows *sql.Rows) error {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				return err
			}
			drop = append(drop, "ALTER TABLE "+table+" DROP CONSTRAINT "+name)
			build = append(build, "ALTER TABLE "+table+" ADD CONSTRAINT "+name+" "+def)
			return nil
		})
		if err != nil {
			return fmt.Errorf("foreign keys of %s: %w", table, err)
		}
	}
	for _, q := range drop {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load of %s: %w", table, err)
		}
	}
	if err := insert(); err != nil {
		return err
	}
	for _, q := range build {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bulk load of %s: %w", table, err)
		}
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly"
)

// pointsPerInsert keeps a multi-row insert within SQLite's parameter budget.
const pointsPerInsert = 80

// forUpdate is the row lock a read inside a transaction takes on PostgreSQL; SQLite's
// transactions hold the whole database already.
func (db *DB) forUpdate(skipLocked bool) string {
	if db.dialect.engine != "postgres" {
		return ""
	}
	if skipLocked {
		return " FOR UPDATE SKIP LOCKED"
	}
	return " FOR UPDATE"
}

// AppendPoints adds points to an existing series in one transaction, refusing (with
// anomaly.ErrInvalid, storing nothing) any that is not later than the series' last point
// and the one before it.
func (db *DB) AppendPoints(ctx context.Context, series string, pts []anomaly.Point) error {
	what := "append points to series " + series
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if _, err := db.seriesOn(ctx, tx, series, db.forUpdate(false)); err != nil {
		return err
	}
	var last sql.NullTime
	if err := tx.QueryRowContext(ctx, `SELECT last_at FROM metric_series WHERE name = $1`, series).Scan(&last); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	for i := range pts {
		pts[i].T = dbTime(pts[i].T)
	}
	if err := anomaly.ValidatePoints(series, last.Time, pts); err != nil {
		return err
	}
	for start := 0; start < len(pts); start += pointsPerInsert {
		chunk := pts[start:min(start+pointsPerInsert, len(pts))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO metric_points (series, at, value) VALUES ")
		args := make([]any, 0, 3*len(chunk))
		for i, p := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, series, p.T, p.V)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return translate(what, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE metric_series SET last_at = $2 WHERE name = $1`, series, pts[len(pts)-1].T); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return translate(what, tx.Commit())
}

// Points returns the series' points with from <= T < to (zero: unbounded), oldest first.
func (db *DB) Points(ctx context.Context, series string, from, to time.Time, limit int) ([]anomaly.Point, error) {
	return db.pointsOn(ctx, db.sql, series, from, to, limit)
}

func (db *DB) pointsOn(ctx context.Context, qr querier, series string, from, to time.Time, limit int) ([]anomaly.Point, error) {
	query := `SELECT at, value FROM metric_points WHERE series = $1`
	args := []any{series}
	if !from.IsZero() {
		args = append(args, dbTime(from))
		query += fmt.Sprintf(" AND at >= $%d", len(args))
	}
	if !to.IsZero() {
		args = append(args, dbTime(to))
		query += fmt.Sprintf(" AND at < $%d", len(args))
	}
	query += " ORDER BY at " + db.dialect.limitOffset(limit, 0)
	out, err := collectRows(ctx, qr, query, args, scanPoint)
	return out, translate("read points of series "+series, err)
}

func scanPoint(sc scanner) (anomaly.Point, error) {
	var p anomaly.Point
	err := sc.Scan(&p.T, &p.V)
	p.T = p.T.UTC()
	return p, err
}

// DeletePointsBefore removes every point older than before and returns how many went.
func (db *DB) DeletePointsBefore(ctx context.Context, before time.Time) (int64, error) {
	defer db.lockWrites()()
	res, err := db.sql.ExecContext(ctx, `DELETE FROM metric_points WHERE at < $1`, dbTime(before))
	if err != nil {
		return 0, translate("delete old points", err)
	}
	n, err := res.RowsAffected()
	return n, translate("delete old points", err)
}

// Score lets fn score the series' pending points while holding the series: FOR UPDATE SKIP
// LOCKED on PostgreSQL, so a second replica skips it, and the write lock on SQLite.
func (db *DB) Score(ctx context.Context, series string, historyLimit int, fn anomaly.ScoreFunc) (bool, error) {
	what := "score series " + series
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	s, err := db.seriesOn(ctx, tx, series, db.forUpdate(true))
	if err != nil {
		if db.dialect.engine == "postgres" {
			// Locked by another replica, or gone: either way not ours to score.
			return false, nil
		}
		return false, err
	}
	var scored sql.NullTime
	if err := tx.QueryRowContext(ctx, `SELECT scored_through FROM metric_series WHERE name = $1`, series).Scan(&scored); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	var from time.Time
	if scored.Valid {
		from = scored.Time.Add(time.Microsecond)
	}
	pending, err := db.pointsOn(ctx, tx, series, from, time.Time{}, 0)
	if err != nil || len(pending) == 0 {
		return false, err
	}
	history := func() ([]anomaly.Point, error) {
		if !scored.Valid || historyLimit <= 0 {
			return nil, nil
		}
		// The newest historyLimit scored points, oldest first.
		h, err := collectRows(ctx, tx, `SELECT at, value FROM (SELECT at, value FROM metric_points
			WHERE series = $1 AND at <= $2 ORDER BY at DESC `+db.dialect.limitOffset(historyLimit, 0)+`) h ORDER BY at`,
			[]any{series, scored.Time}, scanPoint)
		if err != nil {
			return nil, fmt.Errorf("%s: history: %w", what, err)
		}
		return h, nil
	}
	var through time.Time
	if scored.Valid {
		through = scored.Time.UTC()
	}
	found, err := fn(s, through, history, pending)
	if err != nil {
		return false, err
	}
	seq, err := db.reserveSeq(ctx, tx, counterAnomalySeq, len(found))
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	for i, a := range found {
		if _, err := tx.ExecContext(ctx, `INSERT INTO anomalies (series, detector, at, value, score, entity, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (series, detector, at) DO NOTHING`,
			a.Series, a.Detector, dbTime(a.At), a.Value, a.Score, a.Entity, seq+int64(i)); err != nil {
			return false, fmt.Errorf("%s: record anomaly: %w", what, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE metric_series SET scored_through = $2 WHERE name = $1`,
		series, pending[len(pending)-1].T); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return false, translate(what, err)
	}
	return true, nil
}

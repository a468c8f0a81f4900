package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/internal/errkind"
)

var _ anomaly.Store = (*DB)(nil)

// PutSeries creates the series or replaces its labels and entity.
func (db *DB) PutSeries(ctx context.Context, s anomaly.Series) error {
	labels, err := json.Marshal(s.Labels)
	if err != nil {
		return fmt.Errorf("put series %s: %w", s.Name, err)
	}
	if s.Labels == nil {
		labels = []byte("{}")
	}
	defer db.lockWrites()()
	_, err = db.sql.ExecContext(ctx, `INSERT INTO metric_series (name, labels, entity, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, entity = excluded.entity`,
		s.Name, string(labels), s.Entity, dbTime(time.Now()))
	return translate("put series "+s.Name, err)
}

// Series returns one series; anomaly.ErrNotFound when it does not exist.
func (db *DB) Series(ctx context.Context, name string) (anomaly.Series, error) {
	return db.seriesOn(ctx, db.sql, name, "")
}

func (db *DB) seriesOn(ctx context.Context, qr rowQuerier, name, lock string) (anomaly.Series, error) {
	var s anomaly.Series
	var labels string
	err := qr.QueryRowContext(ctx, `SELECT name, labels, entity FROM metric_series WHERE name = $1`+lock, name).
		Scan(&s.Name, &labels, &s.Entity)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errkind.Errorf(anomaly.ErrNotFound, "series %s", name)
	}
	if err != nil {
		return s, fmt.Errorf("read series %s: %w", name, err)
	}
	if err := json.Unmarshal([]byte(labels), &s.Labels); err != nil {
		return s, fmt.Errorf("read series %s labels: %w", name, err)
	}
	return s, nil
}

// rowQuerier is a *sql.DB or *sql.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// LastPoint is the time of the series' last point, zero when it has none.
func (db *DB) LastPoint(ctx context.Context, series string) (time.Time, error) {
	var last sql.NullTime
	err := db.sql.QueryRowContext(ctx, `SELECT last_at FROM metric_series WHERE name = $1`, series).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, errkind.Errorf(anomaly.ErrNotFound, "series %s", series)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last point of series %s: %w", series, err)
	}
	return last.Time.UTC(), nil
}

// PendingSeries names the series with points not yet scored, at most limit.
func (db *DB) PendingSeries(ctx context.Context, limit int) ([]string, error) {
	out, err := collectRows(ctx, db.sql, `SELECT name FROM metric_series
		WHERE last_at IS NOT NULL AND (scored_through IS NULL OR last_at > scored_through)
		ORDER BY name `+db.dialect.limitOffset(limit, 0), nil, scanString)
	return out, translate("pending series", err)
}

// Anomalies returns the anomalies matching q, oldest first.
func (db *DB) Anomalies(ctx context.Context, q anomaly.AnomalyQuery) ([]anomaly.Anomaly, error) {
	query := `SELECT series, detector, at, value, score, entity FROM anomalies WHERE 1 = 1`
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		query += fmt.Sprintf(" AND "+cond, len(args))
	}
	if q.Entity != "" {
		add("entity = $%d", q.Entity)
	}
	if q.Series != "" {
		add("series = $%d", q.Series)
	}
	if !q.From.IsZero() {
		add("at >= $%d", dbTime(q.From))
	}
	if !q.To.IsZero() {
		add("at < $%d", dbTime(q.To))
	}
	query += " ORDER BY at, series, detector " + db.dialect.limitOffset(q.Limit, 0)
	out, err := collectRows(ctx, db.sql, query, args, func(sc scanner) (anomaly.Anomaly, error) {
		var a anomaly.Anomaly
		err := sc.Scan(&a.Series, &a.Detector, &a.At, &a.Value, &a.Score, &a.Entity)
		a.At = a.At.UTC()
		return a, err
	})
	return out, translate("list anomalies", err)
}

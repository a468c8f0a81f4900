package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Counters in incident_counters.
const (
	counterIncidentSeq   = "incident_seq"   // the last incident Seq handed out
	counterAnomalySeq    = "anomaly_seq"    // the last anomaly seq handed out
	counterAnomalyCursor = "anomaly_cursor" // the last anomaly seq folded into incidents
)

// reserveSeq takes n consecutive values of counter inside tx and returns the first (n 0
// takes none and returns 0). The UPDATE locks the counter row until tx ends, so writers
// take values in commit order: every value a reader can see is below every value a
// transaction still running holds, and a follower reading "seq > cursor" never skips a
// change that commits later. On SQLite the single writer gives the same order.
func (db *DB) reserveSeq(ctx context.Context, tx *sql.Tx, counter string, n int) (int64, error) {
	if n <= 0 {
		return 0, nil
	}
	var last int64
	err := tx.QueryRowContext(ctx, `UPDATE incident_counters SET value = value + $2 WHERE name = $1 RETURNING value`,
		counter, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("reserve %s: %w", counter, err)
	}
	return last - int64(n) + 1, nil
}

// lockCounter reads counter inside tx, holding its row until tx ends (an UPDATE that
// changes nothing takes the row lock on both engines, where SELECT … FOR UPDATE would not
// parse on SQLite).
func lockCounter(ctx context.Context, tx *sql.Tx, counter string) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `UPDATE incident_counters SET value = value WHERE name = $1 RETURNING value`, counter).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("lock %s: %w", counter, err)
	}
	return v, nil
}

// setCounter sets counter inside tx.
func setCounter(ctx context.Context, tx *sql.Tx, counter string, v int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE incident_counters SET value = $2 WHERE name = $1`, counter, v); err != nil {
		return fmt.Errorf("set %s: %w", counter, err)
	}
	return nil
}

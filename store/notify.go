package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/internal/notify"
)

var _ notify.Store = (*DB)(nil)

// deliveryColumns are the columns scanDelivery reads, in its order.
const deliveryColumns = `id, key, channel, message, state, attempts, next_at, last_error, created_at, updated_at, sent_at`

// EnqueueDeliveries stores ds, skipping any whose (key, channel) exists, and returns how
// many were new.
func (db *DB) EnqueueDeliveries(ctx context.Context, ds []notify.Delivery) (int, error) {
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue deliveries: %w", err)
	}
	defer tx.Rollback()
	n, err := enqueueDeliveriesTx(ctx, tx, ds)
	if err != nil {
		return 0, err
	}
	return n, translate("enqueue deliveries", tx.Commit())
}

// enqueueDeliveriesTx inserts ds in tx (see EnqueueDeliveries), so that another write can
// enqueue its notifications in its own transaction.
func enqueueDeliveriesTx(ctx context.Context, tx *sql.Tx, ds []notify.Delivery) (int, error) {
	const q = `INSERT INTO notify_deliveries (key, channel, kind, severity, title, message, state, next_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8) ON CONFLICT (key, channel) DO NOTHING`
	n := 0
	for _, d := range ds {
		what := fmt.Sprintf("enqueue delivery %s to %s", d.Key, d.Channel)
		msg, err := json.Marshal(d.Message)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		created := createdAt(d.CreatedAt)
		next := d.NextAt
		if next.IsZero() {
			next = created
		}
		res, err := tx.ExecContext(ctx, q, d.Key, d.Channel, d.Message.Kind, d.Message.Severity, d.Message.Title,
			string(msg), dbTime(next), created)
		if err != nil {
			return 0, translate(what, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		n += int(k)
	}
	return n, nil
}

// ClaimDeliveries leases due pending deliveries to token. On PostgreSQL the candidates are
// locked with SKIP LOCKED and checked again after any wait, so concurrent workers take
// disjoint sets; on SQLite the single writer does the same.
func (db *DB) ClaimDeliveries(ctx context.Context, token string, now, leaseUntil time.Time, limit int) ([]notify.Delivery, error) {
	if limit <= 0 || token == "" {
		return nil, errkind.Errorf(notify.ErrInvalid, "claim deliveries: a token and a positive limit are required")
	}
	// The candidates are a CTE: PostgreSQL never inlines one that locks rows, so they are
	// chosen once (an IN subquery may be rescanned and pick more than limit).
	q := `WITH c AS (SELECT id FROM notify_deliveries
			WHERE state = 'pending' AND next_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
			ORDER BY next_at, id LIMIT $4` + db.forUpdate(true) + `)
		UPDATE notify_deliveries SET lease_token = $1, lease_until = $3
		WHERE id IN (SELECT id FROM c) AND state = 'pending' AND (lease_until IS NULL OR lease_until <= $2)
		RETURNING ` + deliveryColumns
	defer db.lockWrites()()
	ds, err := collectRows(ctx, db.sql, q, []any{token, dbTime(now), dbTime(leaseUntil), limit}, scanDelivery)
	return ds, translate("claim deliveries", err)
}

// FinishDelivery records an attempt's outcome and releases the lease, if token holds it.
func (db *DB) FinishDelivery(ctx context.Context, token string, o notify.Outcome) error {
	if !o.State.Valid() {
		return errkind.Errorf(notify.ErrInvalid, "finish delivery %d: state %q", o.ID, o.State)
	}
	var sent sql.NullTime
	if o.State == notify.Sent {
		sent = sql.NullTime{Time: dbTime(o.At), Valid: true}
	}
	return db.execOne(ctx, fmt.Sprintf("finish delivery %d", o.ID), notify.ErrConflict, ": the lease was lost",
		`UPDATE notify_deliveries SET state = $3, attempts = $4, next_at = $5, last_error = $6, sent_at = $7,
			updated_at = $8, lease_token = '', lease_until = NULL
		WHERE id = $1 AND lease_token = $2 AND state = 'pending'`,
		o.ID, token, string(o.State), o.Attempts, dbTime(o.NextAt), o.Error, sent, dbTime(o.At))
}

// ReleaseDelivery gives up token's lease on a delivery.
func (db *DB) ReleaseDelivery(ctx context.Context, token string, id int64) error {
	return db.execOne(ctx, fmt.Sprintf("release delivery %d", id), notify.ErrConflict, ": the lease was lost",
		`UPDATE notify_deliveries SET lease_token = '', lease_until = NULL WHERE id = $1 AND lease_token = $2`, id, token)
}

// Delivery returns one delivery.
func (db *DB) Delivery(ctx context.Context, id int64) (notify.Delivery, error) {
	rows, err := collectRows(ctx, db.sql, `SELECT `+deliveryColumns+` FROM notify_deliveries WHERE id = $1`, []any{id}, scanDelivery)
	if err != nil {
		return notify.Delivery{}, translate(fmt.Sprintf("delivery %d", id), err)
	}
	if len(rows) == 0 {
		return notify.Delivery{}, errkind.Errorf(notify.ErrNotFound, "delivery %d", id)
	}
	return rows[0], nil
}

// Deliveries returns the deliveries matching q, highest ID first.
func (db *DB) Deliveries(ctx context.Context, q notify.DeliveryQuery) ([]notify.Delivery, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if q.State != "" {
		add("state = $%d", string(q.State))
	}
	if q.Key != "" {
		add("key = $%d", q.Key)
	}
	if q.Channel != "" {
		add("channel = $%d", q.Channel)
	}
	if q.Before > 0 {
		add("id < $%d", q.Before)
	}
	query := `SELECT ` + deliveryColumns + ` FROM notify_deliveries`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC " + db.dialect.limitOffset(q.Limit, 0)
	ds, err := collectRows(ctx, db.sql, query, args, scanDelivery)
	return ds, translate("list deliveries", err)
}

// ResendDelivery puts a dead or sent delivery back to pending, due at now.
func (db *DB) ResendDelivery(ctx context.Context, id int64, now time.Time) (notify.Delivery, error) {
	what := fmt.Sprintf("resend delivery %d", id)
	defer db.lockWrites()()
	ds, err := collectRows(ctx, db.sql, `UPDATE notify_deliveries SET state = 'pending', attempts = 0, next_at = $2,
			last_error = '', sent_at = NULL, updated_at = $2, lease_token = '', lease_until = NULL
		WHERE id = $1 AND state <> 'pending' RETURNING `+deliveryColumns, []any{id, dbTime(now)}, scanDelivery)
	if err != nil {
		return notify.Delivery{}, translate(what, err)
	}
	if len(ds) == 1 {
		return ds[0], nil
	}
	var state string
	err = db.sql.QueryRowContext(ctx, `SELECT state FROM notify_deliveries WHERE id = $1`, id).Scan(&state)
	if err != nil {
		return notify.Delivery{}, translate(what, err)
	}
	return notify.Delivery{}, errkind.Errorf(notify.ErrConflict, "%s: it is still pending", what)
}

func scanDelivery(sc scanner) (notify.Delivery, error) {
	var (
		d     notify.Delivery
		msg   string
		state string
		sent  sql.NullTime
	)
	if err := sc.Scan(&d.ID, &d.Key, &d.Channel, &msg, &state, &d.Attempts, &d.NextAt, &d.LastError,
		&d.CreatedAt, &d.UpdatedAt, &sent); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(msg), &d.Message); err != nil {
		return d, fmt.Errorf("delivery %d: message: %w", d.ID, err)
	}
	d.State = notify.State(state)
	d.NextAt, d.CreatedAt, d.UpdatedAt = d.NextAt.UTC(), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if sent.Valid {
		d.SentAt = sent.Time.UTC()
	}
	return d, nil
}

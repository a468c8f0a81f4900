package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/nextportal/portal/auth"
)

// AppendAudit stores an event; the database assigns its id.
func (db *DB) AppendAudit(ctx context.Context, e auth.AuditEvent) error {
	defer db.lockWrites()()
	_, err := db.sql.ExecContext(ctx, `INSERT INTO audit (at, actor, action, target, status, remote, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		createdAt(e.At), e.Actor, e.Action, e.Target, e.Status, e.Remote, e.Details)
	if err != nil {
		return fmt.Errorf("append audit event %s: %w", e.Action, err)
	}
	return nil
}

// Audit returns the events matching q, newest (highest id) first: Actor matches exactly,
// Action as a case-insensitive substring, BeforeID pages, Limit 0 means 100.
func (db *DB) Audit(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEvent, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Actor != "" {
		where = append(where, "actor = "+arg(q.Actor))
	}
	if q.Action != "" {
		where = append(where, `LOWER(action) LIKE `+arg("%"+escapeLike(strings.ToLower(q.Action))+"%")+` ESCAPE '\'`)
	}
	if q.BeforeID > 0 {
		where = append(where, "id < "+arg(q.BeforeID))
	}
	sqlText := `SELECT id, at, actor, action, target, status, remote, details FROM audit`
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	sqlText += " ORDER BY id DESC " + db.dialect.limitOffset(limit, 0)
	out, err := collectRows(ctx, db.sql, sqlText, args, func(sc scanner) (auth.AuditEvent, error) {
		var e auth.AuditEvent
		err := sc.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Target, &e.Status, &e.Remote, &e.Details)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/alert"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/errkind"
	"github.com/nextportal/portal/internal/notify"
)

var _ alert.Store = (*DB)(nil)

// ruleSpec is a rule's matching and timing as stored in alert_rules.spec.
type ruleSpec struct {
	Entities      []string          `json:"entities,omitempty"`
	Kinds         []string          `json:"kinds,omitempty"`
	Owner         string            `json:"owner,omitempty"`
	Selector      map[string]string `json:"selector,omitempty"`
	Series        string            `json:"series,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Sources       []string          `json:"sources,omitempty"`
	MinSeverity   string            `json:"min_severity,omitempty"`
	ForSeconds    int64             `json:"for_seconds,omitempty"`
	RepeatSeconds int64             `json:"repeat_seconds,omitempty"`
	Channels      []string          `json:"channels,omitempty"`
}

func encodeRule(r alert.Rule) (string, error) {
	b, err := json.Marshal(ruleSpec{Entities: r.Entities, Kinds: r.Kinds, Owner: r.Owner, Selector: r.Selector, Series: r.Series,
		Labels: r.Labels, Sources: r.Sources, MinSeverity: string(r.MinSeverity), ForSeconds: int64(r.For / time.Second),
		RepeatSeconds: int64(r.Repeat / time.Second), Channels: r.Channels})
	if err != nil {
		return "", fmt.Errorf("encode rule %s: %w", r.ID, err)
	}
	return string(b), nil
}

const ruleColumns = `id, name, enabled, spec, created_at, updated_at`

func scanRule(sc scanner) (alert.Rule, error) {
	var r alert.Rule
	var spec string
	if err := sc.Scan(&r.ID, &r.Name, &r.Enabled, &spec, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, err
	}
	var s ruleSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		return r, fmt.Errorf("rule %s: spec: %w", r.ID, err)
	}
	r.Entities, r.Kinds, r.Owner, r.Selector, r.Series = s.Entities, s.Kinds, s.Owner, s.Selector, s.Series
	r.Labels, r.Sources, r.MinSeverity, r.Channels = s.Labels, s.Sources, incident.Severity(s.MinSeverity), s.Channels
	r.For, r.Repeat = time.Duration(s.ForSeconds)*time.Second, time.Duration(s.RepeatSeconds)*time.Second
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// AlertRules returns every rule, by ID.
func (db *DB) AlertRules(ctx context.Context) ([]alert.Rule, error) {
	rs, err := collectRows(ctx, db.sql, `SELECT `+ruleColumns+` FROM alert_rules ORDER BY id`, nil, scanRule)
	return rs, translate("list alert rules", err)
}

// AlertRule returns one rule.
func (db *DB) AlertRule(ctx context.Context, id string) (alert.Rule, error) {
	rs, err := collectRows(ctx, db.sql, `SELECT `+ruleColumns+` FROM alert_rules WHERE id = $1`, []any{id}, scanRule)
	if err != nil {
		return alert.Rule{}, translate("alert rule "+id, err)
	}
	if len(rs) == 0 {
		return alert.Rule{}, errkind.Errorf(alert.ErrNotFound, "alert rule %s", id)
	}
	return rs[0], nil
}

// CreateAlertRule stores a new rule.
func (db *DB) CreateAlertRule(ctx context.Context, r alert.Rule) error {
	spec, err := encodeRule(r)
	if err != nil {
		return err
	}
	defer db.lockWrites()()
	_, err = db.sql.ExecContext(ctx, `INSERT INTO alert_rules (`+ruleColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		r.ID, r.Name, r.Enabled, spec, dbTime(r.CreatedAt), dbTime(r.UpdatedAt))
	return translate("create alert rule "+r.ID, err)
}

// UpdateAlertRule replaces a rule.
func (db *DB) UpdateAlertRule(ctx context.Context, r alert.Rule) error {
	spec, err := encodeRule(r)
	if err != nil {
		return err
	}
	return db.execOne(ctx, "alert rule "+r.ID, alert.ErrNotFound, "", `UPDATE alert_rules SET name = $2, enabled = $3, spec = $4, updated_at = $5 WHERE id = $1`,
		r.ID, r.Name, r.Enabled, spec, dbTime(r.UpdatedAt))
}

// DeleteAlertRule removes a rule.
func (db *DB) DeleteAlertRule(ctx context.Context, id string) error {
	return db.execOne(ctx, "alert rule "+id, alert.ErrNotFound, "", `DELETE FROM alert_rules WHERE id = $1`, id)
}

const alertColumns = `body`

func scanAlert(sc scanner) (alert.Alert, error) {
	var a alert.Alert
	var body string
	if err := sc.Scan(&body); err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		return a, fmt.Errorf("alert: body: %w", err)
	}
	return a, nil
}

// Alert returns one alert.
func (db *DB) Alert(ctx context.Context, id string) (alert.Alert, error) {
	as, err := collectRows(ctx, db.sql, `SELECT `+alertColumns+` FROM alerts WHERE id = $1`, []any{id}, scanAlert)
	if err != nil {
		return alert.Alert{}, translate("alert "+id, err)
	}
	if len(as) == 0 {
		return alert.Alert{}, errkind.Errorf(alert.ErrNotFound, "alert %s", id)
	}
	return as[0], nil
}

// severityRanks lists, for each severity, it and the worse ones.
var severityRanks = map[incident.Severity][]string{
	incident.SeverityInfo:     {"info", "warning", "high", "critical"},
	incident.SeverityWarning:  {"warning", "high", "critical"},
	incident.SeverityHigh:     {"high", "critical"},
	incident.SeverityCritical: {"critical"},
}

// Alerts returns the alerts matching q, newest created first.
func (db *DB) Alerts(ctx context.Context, q alert.Query) ([]alert.Alert, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.State != "" {
		where = append(where, "state = "+arg(string(q.State)))
	}
	if q.RuleID != "" {
		where = append(where, "rule_id = "+arg(q.RuleID))
	}
	if q.Incident != "" {
		where = append(where, "incident_id = "+arg(q.Incident))
	}
	if q.Entity != "" {
		where = append(where, "entity = "+arg(q.Entity))
	}
	if q.Owner != "" {
		where = append(where, "owner = "+arg(q.Owner))
	}
	if q.Severity != "" {
		var in []string
		for _, s := range severityRanks[q.Severity] {
			in = append(in, arg(s))
		}
		if len(in) == 0 {
			return []alert.Alert{}, nil
		}
		where = append(where, "severity IN ("+strings.Join(in, ", ")+")")
	}
	if !q.AfterCreated.IsZero() {
		c, id := arg(dbTime(q.AfterCreated)), arg(q.AfterID)
		where = append(where, fmt.Sprintf("(created_at < %s OR (created_at = %s AND id < %s))", c, c, id))
	}
	query := `SELECT ` + alertColumns + ` FROM alerts`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY created_at DESC, id DESC " + db.dialect.limitOffset(q.Limit, 0)
	as, err := collectRows(ctx, db.sql, query, args, scanAlert)
	return as, translate("list alerts", err)
}

// DueAlerts returns the alerts whose wake time has come, earliest first.
func (db *DB) DueAlerts(ctx context.Context, now time.Time, limit int) ([]alert.Alert, error) {
	as, err := collectRows(ctx, db.sql, `SELECT `+alertColumns+` FROM alerts WHERE wake_at <= $1
		ORDER BY wake_at, id `+db.dialect.limitOffset(limit, 0), []any{dbTime(now)}, scanAlert)
	return as, translate("list due alerts", err)
}

// SaveAlert stores a if it is still at version prev, with its deliveries, in one
// transaction.
func (db *DB) SaveAlert(ctx context.Context, a alert.Alert, prev int, out []notify.Delivery) error {
	what := "save alert " + a.ID
	body, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	args := []any{a.ID, a.RuleID, a.IncidentID, string(a.State), a.Version, string(a.Severity), a.Title, a.Entity, a.Owner,
		a.IncidentSeq, string(body), dbTime(a.OpenedAt), optTime(a.FiredAt), optTime(a.NotifiedAt), optTime(a.SnoozedUntil),
		optTime(a.ResolvedAt), createdAt(a.CreatedAt), dbTime(a.UpdatedAt), optTime(a.WakeAt())}
	var res sql.Result
	if prev < 0 {
		res, err = tx.ExecContext(ctx, `INSERT INTO alerts (id, rule_id, incident_id, state, version, severity, title, entity, owner,
			incident_seq, body, opened_at, fired_at, notified_at, snoozed_until, resolved_at, created_at, updated_at, wake_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
			ON CONFLICT DO NOTHING`, args...)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE alerts SET rule_id = $2, incident_id = $3, state = $4, version = $5, severity = $6,
			title = $7, entity = $8, owner = $9, incident_seq = $10, body = $11, opened_at = $12, fired_at = $13, notified_at = $14,
			snoozed_until = $15, resolved_at = $16, created_at = $17, updated_at = $18, wake_at = $19 WHERE id = $1 AND version = $20`,
			append(args, prev)...)
	}
	if err != nil {
		return translate(what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return errkind.Errorf(alert.ErrConflict, "%s: changed by another writer", what)
	}
	if _, err := enqueueDeliveriesTx(ctx, tx, out); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return translate(what, tx.Commit())
}

// optTime is a nullable time column: NULL for the zero time.
func optTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: dbTime(t), Valid: true}
}

// AlertCursor returns the engine cursor's position.
func (db *DB) AlertCursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := db.sql.QueryRowContext(ctx, `SELECT seq FROM alert_cursors WHERE name = $1`, name).Scan(&seq)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return seq, translate("alert cursor "+name, err)
}

// SetAlertCursor moves a cursor from from to to.
func (db *DB) SetAlertCursor(ctx context.Context, name string, from, to int64, at time.Time) error {
	what := "move alert cursor " + name
	defer db.lockWrites()()
	var res sql.Result
	var err error
	if from == 0 {
		res, err = db.sql.ExecContext(ctx, `INSERT INTO alert_cursors (name, seq, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at WHERE alert_cursors.seq = 0`,
			name, to, dbTime(at))
	} else {
		res, err = db.sql.ExecContext(ctx, `UPDATE alert_cursors SET seq = $3, updated_at = $4 WHERE name = $1 AND seq = $2`,
			name, from, to, dbTime(at))
	}
	if err != nil {
		return translate(what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return errkind.Errorf(alert.ErrConflict, "%s: moved by another writer", what)
	}
	return nil
}

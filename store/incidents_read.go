package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/errkind"
)

var _ incident.Store = (*DB)(nil)

// Incident list page sizes: the default (limit 0) and the most one page holds.
const (
	defaultIncidentPage = 50
	maxIncidentPage     = 1000
)

const incidentColumns = `id, source, fingerprint, title, summary, severity, status, series, entities, labels,
	root_cause, resolution, links, opened_at, updated_at, resolved_at, last_seen_at, signal_count, seq`

// scanIncident scans one row of incidentColumns.
func scanIncident(sc scanner) (incident.Incident, error) {
	var inc incident.Incident
	var sev, status, entities, labels, links string
	var resolved, seen sql.NullTime
	err := sc.Scan(&inc.ID, &inc.Source, &inc.Fingerprint, &inc.Title, &inc.Summary, &sev, &status, &inc.Series,
		&entities, &labels, &inc.RootCause, &inc.Resolution, &links, &inc.OpenedAt, &inc.UpdatedAt, &resolved, &seen,
		&inc.Count, &inc.Seq)
	if err != nil {
		return inc, err
	}
	inc.Severity, inc.Status = incident.Severity(sev), incident.Status(status)
	inc.OpenedAt, inc.UpdatedAt = inc.OpenedAt.UTC(), inc.UpdatedAt.UTC()
	if resolved.Valid {
		inc.ResolvedAt = resolved.Time.UTC()
	}
	if seen.Valid {
		inc.LastSeenAt = seen.Time.UTC()
	}
	for _, f := range []struct {
		src string
		dst any
	}{{entities, &inc.Entities}, {labels, &inc.Labels}, {links, &inc.Links}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return inc, fmt.Errorf("incident %s: %w", inc.ID, err)
		}
	}
	return inc, nil
}

// Incident returns one incident with its timeline; incident.ErrNotFound when there is none.
func (db *DB) Incident(ctx context.Context, id string) (incident.Incident, error) {
	return db.incidentOn(ctx, db.sql, id, "")
}

// incidentOn reads one incident and its timeline through qr, with lock appended to the
// incident's SELECT.
func (db *DB) incidentOn(ctx context.Context, qr incidentQuerier, id, lock string) (incident.Incident, error) {
	row := qr.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = $1`+lock, id)
	inc, err := scanIncident(row)
	if errors.Is(err, sql.ErrNoRows) {
		return inc, errkind.Errorf(incident.ErrNotFound, "incident %.80s", id)
	}
	if err != nil {
		return inc, translate("read incident", err)
	}
	inc.Timeline, err = collectRows(ctx, qr, `SELECT at, kind, text, actor FROM incident_events
		WHERE incident_id = $1 ORDER BY id`, []any{id}, func(sc scanner) (incident.Event, error) {
		var e incident.Event
		err := sc.Scan(&e.At, &e.Kind, &e.Text, &e.Actor)
		e.At = e.At.UTC()
		return e, err
	})
	return inc, translate("read incident timeline", err)
}

// Incidents returns the incidents matching q, newest opened first.
func (db *DB) Incidents(ctx context.Context, q incident.Query) ([]incident.Incident, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultIncidentPage
	}
	limit = min(limit, maxIncidentPage)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.Status != "" {
		where = append(where, "status = "+arg(string(q.Status)))
	}
	if q.Severity != "" {
		where = append(where, "severity_rank >= "+arg(q.Severity.Rank()))
	}
	if q.Source != "" {
		where = append(where, "source = "+arg(q.Source))
	}
	if q.Entity != "" {
		where = append(where, "id IN (SELECT incident_id FROM incident_entities WHERE entity = "+arg(q.Entity)+")")
	}
	if len(q.Entities) > 0 {
		ph := make([]string, len(q.Entities))
		for i, e := range q.Entities {
			ph[i] = arg(e)
		}
		where = append(where, "id IN (SELECT incident_id FROM incident_entities WHERE entity IN ("+strings.Join(ph, ", ")+"))")
	}
	if !q.AfterOpened.IsZero() {
		t := arg(dbTime(q.AfterOpened))
		where = append(where, "(opened_at < "+t+" OR (opened_at = "+t+" AND id < "+arg(q.AfterID)+"))")
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY opened_at DESC, id DESC " + db.dialect.limitOffset(limit, 0)
	out, err := collectRows(ctx, db.sql, query, args, scanIncident)
	return out, translate("list incidents", err)
}

// Changed returns the incidents with Seq > after, ascending by Seq, at most limit.
func (db *DB) Changed(ctx context.Context, after int64, limit int) ([]incident.Incident, error) {
	if limit <= 0 {
		limit = defaultIncidentPage
	}
	limit = min(limit, maxIncidentPage)
	out, err := collectRows(ctx, db.sql, `SELECT `+incidentColumns+` FROM incidents WHERE seq > $1 ORDER BY seq `+
		db.dialect.limitOffset(limit, 0), []any{after}, scanIncident)
	return out, translate("list changed incidents", err)
}

// OpenAnomalyIncidents returns unresolved anomaly incidents last seen before before.
func (db *DB) OpenAnomalyIncidents(ctx context.Context, before time.Time, limit int) ([]incident.Incident, error) {
	if limit <= 0 {
		limit = defaultIncidentPage
	}
	limit = min(limit, maxIncidentPage)
	out, err := collectRows(ctx, db.sql, `SELECT `+incidentColumns+` FROM incidents
		WHERE status <> $1 AND source = $2 AND last_seen_at < $3 ORDER BY last_seen_at, id `+db.dialect.limitOffset(limit, 0),
		[]any{string(incident.StatusResolved), incident.SourceAnomaly, dbTime(before)}, scanIncident)
	return out, translate("list quiet anomaly incidents", err)
}

// incidentQuerier is a *sql.DB or *sql.Tx.
type incidentQuerier interface {
	querier
	rowQuerier
}

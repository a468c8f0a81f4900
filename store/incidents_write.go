package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nextportal/portal/anomaly"
	"github.com/nextportal/portal/anomaly/incident"
	"github.com/nextportal/portal/internal/errkind"
)

// Upsert loads the incident of source and fingerprint, lets fn change it and stores it.
func (db *DB) Upsert(ctx context.Context, source, fingerprint string, fn incident.UpdateFunc) (incident.Incident, error) {
	what := "record incident"
	return db.updateIncident(ctx, what, func(tx *sql.Tx) (string, error) {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM incidents WHERE source = $1 AND fingerprint = $2`+db.forUpdate(false),
			source, fingerprint).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return id, err
	}, incident.Incident{Source: source, Fingerprint: fingerprint}, fn)
}

// Update is Upsert by ID; incident.ErrNotFound when there is no such incident.
func (db *DB) Update(ctx context.Context, id string, fn incident.UpdateFunc) (incident.Incident, error) {
	what := "update incident"
	return db.updateIncident(ctx, what, func(tx *sql.Tx) (string, error) {
		var got string
		err := tx.QueryRowContext(ctx, `SELECT id FROM incidents WHERE id = $1`+db.forUpdate(false), id).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return "", errkind.Errorf(incident.ErrNotFound, "incident %.80s", id)
		}
		return got, err
	}, incident.Incident{}, fn)
}

// updateIncident runs one read-modify-write of an incident in a transaction: find returns
// the ID of the incident to change ("" for a new one, blank being its template).
func (db *DB) updateIncident(ctx context.Context, what string, find func(*sql.Tx) (string, error), blank incident.Incident, fn incident.UpdateFunc) (incident.Incident, error) {
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return incident.Incident{}, translate(what, err)
	}
	defer tx.Rollback()
	id, err := find(tx)
	if err != nil {
		if errors.Is(err, incident.ErrNotFound) {
			return incident.Incident{}, err
		}
		return incident.Incident{}, translate(what, err)
	}
	cur, found := blank, false
	if id != "" {
		if cur, err = db.incidentOn(ctx, tx, id, ""); err != nil {
			return incident.Incident{}, err
		}
		found = true
	}
	events, err := fn(&cur, found)
	if err != nil {
		return incident.Incident{}, err
	}
	if len(events) == 0 {
		return cur, nil
	}
	if found && cur.ID != id {
		return incident.Incident{}, fmt.Errorf("%s %s: the update changed its id", what, id)
	}
	if err := db.writeIncident(ctx, tx, &cur, events); err != nil {
		return incident.Incident{}, fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return incident.Incident{}, translate(what, err)
	}
	return cur, nil
}

const upsertIncident = `INSERT INTO incidents (id, source, fingerprint, title, summary, severity, severity_rank, status,
	series, entities, labels, root_cause, resolution, links, opened_at, updated_at, resolved_at, last_seen_at, signal_count, seq)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
	ON CONFLICT (id) DO UPDATE SET title = excluded.title, summary = excluded.summary, severity = excluded.severity,
	severity_rank = excluded.severity_rank, status = excluded.status, series = excluded.series, entities = excluded.entities,
	labels = excluded.labels, root_cause = excluded.root_cause, resolution = excluded.resolution, links = excluded.links,
	updated_at = excluded.updated_at, resolved_at = excluded.resolved_at, last_seen_at = excluded.last_seen_at,
	signal_count = excluded.signal_count, seq = excluded.seq`

// writeIncident stores inc (created when its ID is new) with the next Seq, replaces its
// entities and appends events to its timeline, inside tx. inc gets its Seq and events.
func (db *DB) writeIncident(ctx context.Context, tx *sql.Tx, inc *incident.Incident, events []incident.Event) error {
	if err := incident.Validate(*inc); err != nil {
		return err
	}
	seq, err := db.reserveSeq(ctx, tx, counterIncidentSeq, 1)
	if err != nil {
		return err
	}
	inc.Seq = seq
	ents := slices.Clone(inc.Entities)
	slices.Sort(ents)
	ents = slices.Compact(ents)
	inc.Entities = ents
	entities, _ := json.Marshal(nonNil(inc.Entities))
	labels, _ := json.Marshal(inc.Labels)
	if inc.Labels == nil {
		labels = []byte("{}")
	}
	links, _ := json.Marshal(nonNil(inc.Links))
	_, err = tx.ExecContext(ctx, upsertIncident, inc.ID, inc.Source, inc.Fingerprint, inc.Title, inc.Summary,
		string(inc.Severity), inc.Severity.Rank(), string(inc.Status), inc.Series, string(entities), string(labels),
		inc.RootCause, inc.Resolution, string(links), dbTime(inc.OpenedAt), dbTime(inc.UpdatedAt),
		zeroNull(inc.ResolvedAt), zeroNull(inc.LastSeenAt), inc.Count, seq)
	if err != nil {
		return translate("store incident "+inc.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM incident_entities WHERE incident_id = $1`, inc.ID); err != nil {
		return translate("store incident entities", err)
	}
	for _, e := range inc.Entities {
		if _, err := tx.ExecContext(ctx, `INSERT INTO incident_entities (incident_id, entity) VALUES ($1, $2)`, inc.ID, e); err != nil {
			return translate("store incident entities", err)
		}
	}
	for _, ev := range events {
		ev.At = dbTime(ev.At)
		if _, err := tx.ExecContext(ctx, `INSERT INTO incident_events (incident_id, at, kind, text, actor) VALUES ($1, $2, $3, $4, $5)`,
			inc.ID, ev.At, ev.Kind, ev.Text, ev.Actor); err != nil {
			return translate("store incident event", err)
		}
		inc.Timeline = append(inc.Timeline, ev)
	}
	return nil
}

// nonNil returns s, or an empty slice for nil, so lists encode as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// zeroNull is an optional time for a query argument: NULL for the zero time.
func zeroNull(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: dbTime(t), Valid: true}
}

// FoldAnomalies folds the anomalies stored after the cursor into incidents, moving the
// cursor in the same transaction.
func (db *DB) FoldAnomalies(ctx context.Context, limit int, fn incident.FoldFunc) (int, error) {
	const what = "fold anomalies into incidents"
	if limit <= 0 {
		limit = defaultIncidentPage
	}
	defer db.lockWrites()()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, translate(what, err)
	}
	defer tx.Rollback()
	// Holding the cursor row makes replicas fold one at a time.
	cursor, err := lockCounter(ctx, tx, counterAnomalyCursor)
	if err != nil {
		return 0, translate(what, err)
	}
	type seqAnomaly struct {
		seq int64
		a   anomaly.Anomaly
	}
	rows, err := collectRows(ctx, tx, `SELECT seq, series, detector, at, value, score, entity FROM anomalies
		WHERE seq > $1 ORDER BY seq `+db.dialect.limitOffset(limit, 0), []any{cursor}, func(sc scanner) (seqAnomaly, error) {
		var r seqAnomaly
		err := sc.Scan(&r.seq, &r.a.Series, &r.a.Detector, &r.a.At, &r.a.Value, &r.a.Score, &r.a.Entity)
		r.a.At = r.a.At.UTC()
		return r, err
	})
	if err != nil || len(rows) == 0 {
		return 0, translate(what, err)
	}
	type group struct {
		series, entity string
		as             []anomaly.Anomaly
	}
	var groups []*group
	byKey := map[[2]string]*group{}
	for _, r := range rows {
		k := [2]string{r.a.Series, r.a.Entity}
		g := byKey[k]
		if g == nil {
			g = &group{series: r.a.Series, entity: r.a.Entity}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.as = append(g.as, r.a)
	}
	for _, g := range groups {
		var latest *incident.Incident
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM incidents WHERE source = $1 AND series = $2
			ORDER BY opened_at DESC, id DESC `+db.dialect.limitOffset(1, 0)+db.forUpdate(false), incident.SourceAnomaly, g.series).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return 0, translate(what, err)
		default:
			inc, err := db.incidentOn(ctx, tx, id, "")
			if err != nil {
				return 0, err
			}
			latest = &inc
		}
		writes, err := fn(g.series, g.entity, g.as, latest)
		if err != nil {
			return 0, err
		}
		for _, w := range writes {
			if len(w.Events) == 0 {
				continue
			}
			if err := db.writeIncident(ctx, tx, &w.Incident, w.Events); err != nil {
				return 0, fmt.Errorf("%s: %w", what, err)
			}
		}
	}
	if err := setCounter(ctx, tx, counterAnomalyCursor, rows[len(rows)-1].seq); err != nil {
		return 0, translate(what, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, translate(what, err)
	}
	return len(rows), nil
}

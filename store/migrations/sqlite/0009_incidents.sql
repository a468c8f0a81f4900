-- 0009: incidents, their affected entities and timelines, and the counters behind the change
-- feeds. seq is the incident change sequence: every write takes the next value of the
-- incident_seq counter in its own transaction, and the counter row stays locked until that
-- transaction commits, so a reader of seq > cursor never skips a change that commits later
-- (on PostgreSQL the row lock orders writers; SQLite has one writer anyway).
-- anomalies.seq numbers stored anomalies the same way (counter anomaly_seq), and
-- anomaly_cursor is the last anomaly seq folded into incidents. Anomalies stored before this
-- migration keep seq 0 and are not folded.

CREATE TABLE incidents (
    id            TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    severity      TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    status        TEXT NOT NULL,
    series        TEXT NOT NULL DEFAULT '',
    entities      TEXT NOT NULL DEFAULT '[]',
    labels        TEXT NOT NULL DEFAULT '{}',
    root_cause    TEXT NOT NULL DEFAULT '',
    resolution    TEXT NOT NULL DEFAULT '',
    links         TEXT NOT NULL DEFAULT '[]',
    opened_at     TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    resolved_at   TIMESTAMP,
    last_seen_at  TIMESTAMP,
    signal_count  INTEGER NOT NULL DEFAULT 0,
    seq           BIGINT NOT NULL,
    UNIQUE (source, fingerprint)
);
CREATE UNIQUE INDEX incidents_seq_idx ON incidents (seq);
CREATE INDEX incidents_opened_idx ON incidents (opened_at, id);
CREATE INDEX incidents_series_idx ON incidents (source, series, opened_at);
CREATE INDEX incidents_status_idx ON incidents (status, last_seen_at);

CREATE TABLE incident_entities (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    entity      TEXT NOT NULL,
    PRIMARY KEY (incident_id, entity)
);
CREATE INDEX incident_entities_entity_idx ON incident_entities (entity, incident_id);

CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          TIMESTAMP NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, id);

CREATE TABLE incident_counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO incident_counters (name, value) VALUES ('incident_seq', 0), ('anomaly_seq', 0), ('anomaly_cursor', 0);

ALTER TABLE anomalies ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX anomalies_seq_idx ON anomalies (seq);

-- 0010: the notification outbox, alert rules, alerts and the alert engine's cursor.
--
-- notify_deliveries holds one row per message and channel; (key, channel) is unique, so a
-- message enqueued twice is delivered once. A worker claims a pending row that is due by
-- setting lease_token and lease_until, sends it, and records the outcome under its token.
CREATE TABLE notify_deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    severity    TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    message     TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMP NOT NULL,
    lease_token TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMP,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    UNIQUE (key, channel)
);
CREATE INDEX notify_deliveries_due_idx ON notify_deliveries (state, next_at);

-- spec is the rule's matching and timing as JSON.
CREATE TABLE alert_rules (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    spec       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One alert per rule and incident; version counts its notified state changes. body holds
-- the whole alert as JSON (enrichment included); wake_at is when time alone changes it
-- next (fires, wakes from a snooze, repeats), NULL when it never will.
CREATE TABLE alerts (
    id            TEXT PRIMARY KEY,
    rule_id       TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    state         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    severity      TEXT NOT NULL,
    title         TEXT NOT NULL,
    entity        TEXT NOT NULL DEFAULT '',
    owner         TEXT NOT NULL DEFAULT '',
    incident_seq  INTEGER NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    opened_at     TIMESTAMP NOT NULL,
    fired_at      TIMESTAMP,
    notified_at   TIMESTAMP,
    snoozed_until TIMESTAMP,
    resolved_at   TIMESTAMP,
    wake_at       TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (rule_id, incident_id)
);
CREATE INDEX alerts_wake_idx ON alerts (wake_at);
CREATE INDEX alerts_incident_idx ON alerts (incident_id);
CREATE INDEX alerts_created_idx ON alerts (created_at, id);
CREATE INDEX alerts_entity_idx ON alerts (entity, created_at);

-- The alert engine's position in the incidents' change feed.
CREATE TABLE alert_cursors (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The default rule: every entity, severity warning and above, re-notified every 4 hours
-- while firing, on every configured channel.
INSERT INTO alert_rules (id, name, enabled, spec, created_at, updated_at) VALUES
    ('default', 'Every entity, warning and above', TRUE,
     '{"min_severity":"warning","repeat_seconds":14400}', '2026-01-01 00:00:00', '2026-01-01 00:00:00');

-- 0010: the notification outbox, alert rules, alerts and the alert engine's cursor.
--
-- notify_deliveries holds one row per message and channel; (key, channel) is unique, so a
-- message enqueued twice is delivered once. A worker claims a pending row that is due by
-- setting lease_token and lease_until, sends it, and records the outcome under its token.
CREATE TABLE notify_deliveries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    severity    TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL,
    message     TEXT NOT NULL,
    state       TEXT COLLATE "C" NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMPTZ NOT NULL,
    lease_token TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ,
    UNIQUE (key, channel)
);
CREATE INDEX notify_deliveries_due_idx ON notify_deliveries (state, next_at);

-- spec is the rule's matching and timing as JSON.
CREATE TABLE alert_rules (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    spec       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- One alert per rule and incident; version counts its notified state changes. body holds
-- the whole alert as JSON (enrichment included); wake_at is when time alone changes it
-- next (fires, wakes from a snooze, repeats), NULL when it never will.
CREATE TABLE alerts (
    id            TEXT COLLATE "C" PRIMARY KEY,
    rule_id       TEXT COLLATE "C" NOT NULL,
    incident_id   TEXT COLLATE "C" NOT NULL,
    state         TEXT COLLATE "C" NOT NULL,
    version       INTEGER NOT NULL,
    severity      TEXT NOT NULL,
    title         TEXT NOT NULL,
    entity        TEXT COLLATE "C" NOT NULL DEFAULT '',
    owner         TEXT COLLATE "C" NOT NULL DEFAULT '',
    incident_seq  BIGINT NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    opened_at     TIMESTAMPTZ NOT NULL,
    fired_at      TIMESTAMPTZ,
    notified_at   TIMESTAMPTZ,
    snoozed_until TIMESTAMPTZ,
    resolved_at   TIMESTAMPTZ,
    wake_at       TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (rule_id, incident_id)
);
CREATE INDEX alerts_wake_idx ON alerts (wake_at);
CREATE INDEX alerts_incident_idx ON alerts (incident_id);
CREATE INDEX alerts_created_idx ON alerts (created_at, id);
CREATE INDEX alerts_entity_idx ON alerts (entity, created_at);

-- The alert engine's position in the incidents' change feed.
CREATE TABLE alert_cursors (
    name       TEXT COLLATE "C" PRIMARY KEY,
    seq        BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The default rule: every entity, severity warning and above, re-notified every 4 hours
-- while firing, on every configured channel.
INSERT INTO alert_rules (id, name, enabled, spec, created_at, updated_at) VALUES
    ('default', 'Every entity, warning and above', TRUE,
     '{"min_severity":"warning","repeat_seconds":14400}', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00');

-- 0007: metric series, their points and the anomalies the detectors found in them.
-- scored_through is the time of the last point a detector has scored; points after it are
-- pending. entity is the catalog entity the series belongs to (its entity label).

CREATE TABLE metric_series (
    name           TEXT COLLATE "C" PRIMARY KEY,
    labels         TEXT NOT NULL DEFAULT '{}',
    entity         TEXT COLLATE "C" NOT NULL DEFAULT '',
    last_at        TIMESTAMPTZ,
    scored_through TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX metric_series_pending_idx ON metric_series (last_at, scored_through);

CREATE TABLE metric_points (
    series TEXT COLLATE "C" NOT NULL REFERENCES metric_series (name) ON DELETE CASCADE,
    at     TIMESTAMPTZ NOT NULL,
    value  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (series, at)
);
CREATE INDEX metric_points_at_idx ON metric_points (at);

CREATE TABLE anomalies (
    series   TEXT COLLATE "C" NOT NULL,
    detector TEXT COLLATE "C" NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    value    DOUBLE PRECISION NOT NULL,
    score    DOUBLE PRECISION NOT NULL,
    entity   TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (series, detector, at)
);
CREATE INDEX anomalies_entity_idx ON anomalies (entity, at);
CREATE INDEX anomalies_at_idx ON anomalies (at);

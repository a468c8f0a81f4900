-- 0001: the catalog: locations, entities, their flattened search rows and relation edges.
-- Text columns use the "C" collation so sorting and keyset paging compare bytes, as SQLite does.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE locations (
    id         TEXT COLLATE "C" PRIMARY KEY,
    type       TEXT COLLATE "C" NOT NULL,
    target     TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (type, target)
);

CREATE TABLE entities (
    uid         TEXT COLLATE "C" PRIMARY KEY,
    ref         TEXT COLLATE "C" NOT NULL UNIQUE,
    kind        TEXT COLLATE "C" NOT NULL,
    namespace   TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    location_id TEXT COLLATE "C" NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    parent_ref  TEXT COLLATE "C" NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    etag        TEXT NOT NULL,
    generation  BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX entities_location_idx ON entities (location_id);

CREATE TABLE search (
    entity_uid     TEXT COLLATE "C" NOT NULL REFERENCES entities (uid) ON DELETE CASCADE,
    key            TEXT COLLATE "C" NOT NULL,
    value          TEXT COLLATE "C",
    original_value TEXT COLLATE "C"
);
CREATE INDEX search_key_value_idx ON search (key, value, entity_uid);
CREATE INDEX search_entity_idx ON search (entity_uid, key, value);
CREATE INDEX search_facet_idx ON search (key, original_value, entity_uid);
-- key and value are strongly correlated; without this the planner underestimates filters
-- like (key = 'spec.type' AND value = 'service') and picks plans made for a few rows.
CREATE STATISTICS search_key_value_stats (dependencies, mcv) ON key, value FROM search;

CREATE TABLE relations (
    originating_uid TEXT COLLATE "C" NOT NULL REFERENCES entities (uid) ON DELETE CASCADE,
    source_ref      TEXT COLLATE "C" NOT NULL,
    type            TEXT COLLATE "C" NOT NULL,
    target_ref      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX relations_source_idx ON relations (source_ref, type, target_ref);
CREATE INDEX relations_target_idx ON relations (target_ref, source_ref);
CREATE INDEX relations_originating_idx ON relations (originating_uid);

-- 0001: the catalog: locations, entities, their flattened search rows and relation edges.

CREATE TABLE locations (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (type, target)
);

CREATE TABLE entities (
    uid         TEXT PRIMARY KEY,
    ref         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    namespace   TEXT NOT NULL,
    name        TEXT NOT NULL,
    location_id TEXT NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    parent_ref  TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    etag        TEXT NOT NULL,
    generation  INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX entities_location_idx ON entities (location_id);

CREATE TABLE search (
    entity_uid     TEXT NOT NULL REFERENCES entities (uid) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    value          TEXT,
    original_value TEXT
);
CREATE INDEX search_key_value_idx ON search (key, value, entity_uid);
CREATE INDEX search_entity_idx ON search (entity_uid, key, value);
CREATE INDEX search_facet_idx ON search (key, original_value, entity_uid);

CREATE TABLE relations (
    originating_uid TEXT NOT NULL REFERENCES entities (uid) ON DELETE CASCADE,
    source_ref      TEXT NOT NULL,
    type            TEXT NOT NULL,
    target_ref      TEXT NOT NULL
);
CREATE INDEX relations_source_idx ON relations (source_ref, type, target_ref);
CREATE INDEX relations_target_idx ON relations (target_ref, source_ref);
CREATE INDEX relations_originating_idx ON relations (originating_uid);

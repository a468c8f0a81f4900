-- 0013: entities whose search and relation rows a location write has not loaded into the
-- search and relations tables yet. A write commits its entities with their rows here, one
-- record per entity (payload: JSON, see store/entities_pending.go); a background run then
-- loads them and deletes the record, and every read of those tables loads what is pending
-- first, so no reader sees an entity without its rows.
CREATE TABLE pending_rows (
    entity_uid TEXT PRIMARY KEY REFERENCES entities (uid) ON DELETE CASCADE,
    payload    TEXT NOT NULL
);

-- 0013: entities whose search and relation rows a location write has not loaded into the
-- search and relations tables yet. A write commits its entities with their rows here, one
-- record per entity (payload: JSON, see store/entities_pending.go); a background run then
-- loads them and deletes the record, and every read of those tables loads what is pending
-- first, so no reader sees an entity without its rows. No foreign key: checking one per
-- record cost PostgreSQL 0.2 s of a 10,000-entity import; a location write deletes the
-- records of the entities it removes, and a load drops those of entities deleted otherwise.
CREATE TABLE pending_rows (
    entity_uid TEXT COLLATE "C" PRIMARY KEY,
    payload    TEXT NOT NULL
);

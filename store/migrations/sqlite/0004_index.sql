-- 0004: the indexer's truth: documents (tombstoned on delete, so the change feed can report
-- deletions), their chunks with vectors, the embedding cache and the local embedder's model.
-- index_state.seq numbers every document write; epoch names this set of tables, so that an
-- index derived from another database (or from before a reset) is recognised as stale.

CREATE TABLE index_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    epoch TEXT NOT NULL
);
INSERT INTO index_state (id, seq, epoch) VALUES (1, 0, lower(hex(randomblob(16))));

CREATE TABLE index_documents (
    id         TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    kind       TEXT NOT NULL,
    source     TEXT NOT NULL,
    entity_ref TEXT NOT NULL,
    title      TEXT NOT NULL,
    text       TEXT NOT NULL,
    url        TEXT NOT NULL,
    fields     TEXT NOT NULL, -- JSON object: field -> values
    visibility TEXT NOT NULL,
    allowed    TEXT NOT NULL, -- JSON array of refs
    updated_at TIMESTAMP NOT NULL,
    hash       TEXT NOT NULL
);
CREATE UNIQUE INDEX index_documents_seq_idx ON index_documents (seq);
CREATE INDEX index_documents_source_idx ON index_documents (source, deleted);

-- Chunks repeat their document's visibility, allowed refs and filter values
-- ("field=value", "source=<source>"), so a vector search filters without a join.
CREATE TABLE index_chunks (
    id            TEXT PRIMARY KEY,
    doc_id        TEXT NOT NULL REFERENCES index_documents (id) ON DELETE CASCADE,
    ord           INTEGER NOT NULL,
    anchor        TEXT NOT NULL,
    heading       TEXT NOT NULL,
    text          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    model         TEXT NOT NULL DEFAULT '', -- '' until embedded
    visibility    TEXT NOT NULL,
    allowed       TEXT NOT NULL, -- JSON array
    filter_values TEXT NOT NULL, -- JSON array
    vector        BLOB           -- little-endian float32s; last, so scans skip it
);
CREATE INDEX index_chunks_doc_idx ON index_chunks (doc_id, ord);
CREATE INDEX index_chunks_model_idx ON index_chunks (model, id);

CREATE TABLE index_embeddings (
    model  TEXT NOT NULL,
    hash   TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, hash)
) WITHOUT ROWID;

CREATE TABLE index_models (
    name       TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX index_models_active_idx ON index_models (active) WHERE active;

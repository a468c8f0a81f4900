-- 0004: the indexer's truth: documents (tombstoned on delete, so the change feed can report
-- deletions), their chunks with vectors, the embedding cache and the local embedder's model.
-- index_state.seq numbers every document write; epoch names this set of tables, so that an
-- index derived from another database (or from before a reset) is recognised as stale.
-- Ids use the "C" collation so that "by chunk ID" is the same byte order as on SQLite.

CREATE TABLE index_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    epoch TEXT NOT NULL
);
INSERT INTO index_state (id, seq, epoch) VALUES (1, 0, md5(random()::text || clock_timestamp()::text));

CREATE TABLE index_documents (
    id         TEXT COLLATE "C" PRIMARY KEY,
    seq        BIGINT NOT NULL,
    deleted    BOOLEAN NOT NULL DEFAULT false,
    kind       TEXT NOT NULL,
    source     TEXT COLLATE "C" NOT NULL,
    entity_ref TEXT NOT NULL,
    title      TEXT NOT NULL,
    text       TEXT NOT NULL,
    url        TEXT NOT NULL,
    fields     TEXT NOT NULL, -- JSON object: field -> values
    visibility TEXT NOT NULL,
    allowed    TEXT[] NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    hash       TEXT NOT NULL
);
CREATE UNIQUE INDEX index_documents_seq_idx ON index_documents (seq);
CREATE INDEX index_documents_source_idx ON index_documents (source, deleted);

-- Chunks repeat their document's visibility, allowed refs and filter values
-- ("field=value", "source=<source>"), so a vector search filters without a join. The vector
-- column has no dimension, so that models of any size fit; each model's HNSW index
-- (EnsureVectorIndex) casts to its dimension and is partial on the model.
CREATE TABLE index_chunks (
    id            TEXT COLLATE "C" PRIMARY KEY,
    doc_id        TEXT COLLATE "C" NOT NULL REFERENCES index_documents (id) ON DELETE CASCADE,
    ord           INTEGER NOT NULL,
    anchor        TEXT NOT NULL,
    heading       TEXT NOT NULL,
    text          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    model         TEXT COLLATE "C" NOT NULL DEFAULT '', -- '' until embedded
    visibility    TEXT NOT NULL,
    allowed       TEXT[] NOT NULL,
    filter_values TEXT[] NOT NULL,
    vector        vector
);
CREATE INDEX index_chunks_doc_idx ON index_chunks (doc_id, ord);
CREATE INDEX index_chunks_model_idx ON index_chunks (model, id);
-- A selective filter is then cheaper to search exactly than through the HNSW index.
CREATE INDEX index_chunks_filter_idx ON index_chunks USING gin (filter_values);

CREATE TABLE index_embeddings (
    model  TEXT COLLATE "C" NOT NULL,
    hash   TEXT COLLATE "C" NOT NULL,
    vector vector NOT NULL,
    PRIMARY KEY (model, hash)
);

CREATE TABLE index_models (
    name       TEXT PRIMARY KEY,
    data       BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX index_models_active_idx ON index_models (active) WHERE active;

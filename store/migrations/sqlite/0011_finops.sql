-- 0011: FOCUS cost rows as imported (raw tags kept, so allocation can be recomputed) and
-- the allocated lines reports sum. An import replaces the rows and lines of every
-- (provider, billing_account, billing_period_start) it holds; import_id tells the rows of
-- the running import from those it replaces. day is the UTC date of the charge period's
-- start, 'YYYY-MM-DD'; entity '' is the unallocated bucket.

CREATE TABLE cost_rows (
    id INTEGER PRIMARY KEY,
    import_id            TEXT NOT NULL,
    line                 INTEGER NOT NULL,
    provider             TEXT NOT NULL,
    billing_account      TEXT NOT NULL,
    billing_period_start TIMESTAMP NOT NULL,
    billing_period_end   TIMESTAMP,
    sub_account          TEXT NOT NULL,
    charge_start         TIMESTAMP NOT NULL,
    charge_end           TIMESTAMP,
    billed_cost          DOUBLE PRECISION NOT NULL,
    effective_cost       DOUBLE PRECISION NOT NULL,
    list_cost            DOUBLE PRECISION NOT NULL,
    currency             TEXT NOT NULL,
    service              TEXT NOT NULL,
    service_category     TEXT NOT NULL,
    resource             TEXT NOT NULL,
    resource_name        TEXT NOT NULL,
    region               TEXT NOT NULL,
    charge_category      TEXT NOT NULL,
    tags                 TEXT NOT NULL
);
CREATE INDEX cost_rows_scope_idx ON cost_rows (provider, billing_account, billing_period_start);

CREATE TABLE cost_lines (
    import_id            TEXT NOT NULL,
    provider             TEXT NOT NULL,
    billing_account      TEXT NOT NULL,
    billing_period_start TIMESTAMP NOT NULL,
    day                  TEXT NOT NULL,
    currency             TEXT NOT NULL,
    service              TEXT NOT NULL,
    resource             TEXT NOT NULL,
    entity               TEXT NOT NULL,
    owner                TEXT NOT NULL,
    system               TEXT NOT NULL,
    domain               TEXT NOT NULL,
    billed_cost          DOUBLE PRECISION NOT NULL,
    effective_cost       DOUBLE PRECISION NOT NULL
);
CREATE INDEX cost_lines_scope_idx ON cost_lines (provider, billing_account, billing_period_start);
CREATE INDEX cost_lines_day_idx ON cost_lines (day);
CREATE INDEX cost_lines_owner_idx ON cost_lines (owner, day);
CREATE INDEX cost_lines_entity_idx ON cost_lines (entity, day);

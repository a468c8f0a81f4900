-- 0011: FOCUS cost rows as imported (raw tags kept, so allocation can be recomputed) and
-- the allocated lines reports sum. An import replaces the rows and lines of every
-- (provider, billing_account, billing_period_start) it holds; import_id tells the rows of
-- the running import from those it replaces. day is the UTC date of the charge period's
-- start, 'YYYY-MM-DD'; entity '' is the unallocated bucket.

CREATE TABLE cost_rows (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id            TEXT COLLATE "C" NOT NULL,
    line                 INTEGER NOT NULL,
    provider             TEXT COLLATE "C" NOT NULL,
    billing_account      TEXT COLLATE "C" NOT NULL,
    billing_period_start TIMESTAMPTZ NOT NULL,
    billing_period_end   TIMESTAMPTZ,
    sub_account          TEXT COLLATE "C" NOT NULL,
    charge_start         TIMESTAMPTZ NOT NULL,
    charge_end           TIMESTAMPTZ,
    billed_cost          DOUBLE PRECISION NOT NULL,
    effective_cost       DOUBLE PRECISION NOT NULL,
    list_cost            DOUBLE PRECISION NOT NULL,
    currency             TEXT COLLATE "C" NOT NULL,
    service              TEXT COLLATE "C" NOT NULL,
    service_category     TEXT COLLATE "C" NOT NULL,
    resource             TEXT COLLATE "C" NOT NULL,
    resource_name        TEXT COLLATE "C" NOT NULL,
    region               TEXT COLLATE "C" NOT NULL,
    charge_category      TEXT COLLATE "C" NOT NULL,
    tags                 TEXT NOT NULL
);
CREATE INDEX cost_rows_scope_idx ON cost_rows (provider, billing_account, billing_period_start);

CREATE TABLE cost_lines (
    import_id            TEXT COLLATE "C" NOT NULL,
    provider             TEXT COLLATE "C" NOT NULL,
    billing_account      TEXT COLLATE "C" NOT NULL,
    billing_period_start TIMESTAMPTZ NOT NULL,
    day                  TEXT COLLATE "C" NOT NULL,
    currency             TEXT COLLATE "C" NOT NULL,
    service              TEXT COLLATE "C" NOT NULL,
    resource             TEXT COLLATE "C" NOT NULL,
    entity               TEXT COLLATE "C" NOT NULL,
    owner                TEXT COLLATE "C" NOT NULL,
    system               TEXT COLLATE "C" NOT NULL,
    domain               TEXT COLLATE "C" NOT NULL,
    billed_cost          DOUBLE PRECISION NOT NULL,
    effective_cost       DOUBLE PRECISION NOT NULL
);
CREATE INDEX cost_lines_scope_idx ON cost_lines (provider, billing_account, billing_period_start);
CREATE INDEX cost_lines_day_idx ON cost_lines (day);
CREATE INDEX cost_lines_owner_idx ON cost_lines (owner, day);
CREATE INDEX cost_lines_entity_idx ON cost_lines (entity, day);

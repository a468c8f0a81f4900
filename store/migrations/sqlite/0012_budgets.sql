-- 0012: monthly cost budgets of teams, systems, domains and components. month is 'YYYY-MM'
-- for one month's budget, or '' for the standing monthly budget; one budget per entity
-- and month.
CREATE TABLE finops_budgets (
    id         TEXT PRIMARY KEY,
    entity_ref TEXT NOT NULL,
    month      TEXT NOT NULL DEFAULT '',
    amount     REAL NOT NULL,
    currency   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (entity_ref, month)
);

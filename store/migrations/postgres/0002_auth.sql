-- 0002: auth: local users, API tokens (hashed), browser sessions (hashed) and the audit log.
-- name_key is the lower-cased name: names are unique case-insensitively.

CREATE TABLE users (
    id              TEXT COLLATE "C" PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT COLLATE "C" NOT NULL UNIQUE,
    email           TEXT NOT NULL DEFAULT '',
    user_ref        TEXT COLLATE "C" NOT NULL DEFAULT '',
    role            TEXT NOT NULL,
    password_hash   TEXT NOT NULL DEFAULT '',
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    service_account BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL
);
-- One local account per catalog User.
CREATE UNIQUE INDEX users_user_ref_idx ON users (user_ref) WHERE user_ref <> '';

CREATE TABLE tokens (
    id           TEXT COLLATE "C" PRIMARY KEY,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    name_key     TEXT COLLATE "C" NOT NULL,
    scope        TEXT NOT NULL,
    hash         TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
-- A name may be reused once the token that had it is revoked.
CREATE UNIQUE INDEX tokens_user_name_idx ON tokens (user_id, name_key) WHERE revoked_at IS NULL;
CREATE INDEX tokens_user_created_idx ON tokens (user_id, created_at);

-- user_id is a local user's id or "oidc:" + a catalog User ref (OIDC users without a local
-- account), so it has no foreign key.
CREATE TABLE sessions (
    hash       TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL,
    csrf       TEXT NOT NULL,
    via        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE audit (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT COLLATE "C" NOT NULL,
    action  TEXT COLLATE "C" NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    status  INTEGER NOT NULL DEFAULT 0,
    remote  TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_actor_idx ON audit (actor, id);

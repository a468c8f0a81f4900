-- 0006: the Slack bot's persisted jobs and its thread -> conversation map.
-- A job is written before Slack is acknowledged and answered by a worker later, so a
-- restart between the two loses nothing. key deduplicates Slack's retries (event id, or
-- a command's trigger id). next_at is unix milliseconds, so that "due" compares as a
-- number on both engines. state: pending, done or failed.

CREATE TABLE slack_jobs (
    id         BIGSERIAL PRIMARY KEY,
    key        TEXT COLLATE "C" NOT NULL UNIQUE,
    request    TEXT NOT NULL,
    answer     TEXT,
    state      TEXT NOT NULL DEFAULT 'pending',
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    BIGINT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    done_at    TIMESTAMPTZ
);
CREATE INDEX slack_jobs_due_idx ON slack_jobs (state, next_at, id);

-- thread is team/channel/thread_ts/user: a Slack thread is one conversation per asker,
-- since a conversation belongs to one portal user.
CREATE TABLE slack_threads (
    thread          TEXT COLLATE "C" PRIMARY KEY,
    conversation_id TEXT COLLATE "C" NOT NULL
);

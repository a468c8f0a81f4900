-- 0008: scaffolder tasks and their event logs. spec is the task spec as JSON (values
-- included, secrets never); output the rendered template output once the task ended.
-- last_heartbeat_at is set while a worker runs the task; a processing task whose heartbeat
-- went stale belonged to a portal that died, and recovery fails it.

CREATE TABLE scaffolder_tasks (
    id                TEXT COLLATE "C" PRIMARY KEY,
    spec              TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_by        TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at        TIMESTAMPTZ NOT NULL,
    last_heartbeat_at TIMESTAMPTZ,
    output            TEXT
);
CREATE INDEX scaffolder_tasks_status_idx ON scaffolder_tasks (status, created_at);
CREATE INDEX scaffolder_tasks_created_by_idx ON scaffolder_tasks (created_by, created_at);

-- body is the event body as JSON; ids grow, so a stream resumes after the last one it sent.
CREATE TABLE scaffolder_task_events (
    id         BIGSERIAL PRIMARY KEY,
    task_id    TEXT COLLATE "C" NOT NULL REFERENCES scaffolder_tasks (id) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX scaffolder_task_events_task_idx ON scaffolder_task_events (task_id, id);

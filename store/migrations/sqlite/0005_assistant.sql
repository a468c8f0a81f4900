-- 0006: the assistant's conversations (one user's thread of turns) and feedback on answers.
-- owner is the asker's principal subject; turn_count numbers the next turn, so that
-- appending a turn is one row update (which serializes concurrent appends) and one insert.

CREATE TABLE assistant_conversations (
    id         TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    turn_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- An owner's conversations, newest first, paged by (updated_at, id).
CREATE INDEX assistant_conversations_owner_idx ON assistant_conversations (owner, updated_at, id);

-- answer is the assistant.Answer as JSON; focus the JSON array of entity refs the turn was about.
CREATE TABLE assistant_turns (
    conversation_id TEXT NOT NULL REFERENCES assistant_conversations (id) ON DELETE CASCADE,
    n               INTEGER NOT NULL,
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,
    focus           TEXT NOT NULL DEFAULT '[]',
    at              TIMESTAMP NOT NULL,
    PRIMARY KEY (conversation_id, n)
);

-- One rating per turn and owner; rating again replaces it.
CREATE TABLE assistant_feedback (
    conversation_id TEXT NOT NULL,
    n               INTEGER NOT NULL,
    owner           TEXT NOT NULL,
    rating          INTEGER NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    at              TIMESTAMP NOT NULL,
    PRIMARY KEY (conversation_id, n, owner),
    FOREIGN KEY (conversation_id, n) REFERENCES assistant_turns (conversation_id, n) ON DELETE CASCADE
);

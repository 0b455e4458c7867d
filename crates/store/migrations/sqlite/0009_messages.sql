-- Messages and callback requests the voice agent took for the team (`take_message`),
-- until someone marks them done.
CREATE TABLE messages (
    id             TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    branch_slug    TEXT,
    call_id        TEXT,
    name           TEXT NOT NULL,
    phone          TEXT,
    concern        TEXT NOT NULL,
    -- When the caller wants to be called back, as said and as resolved (Unix ms).
    callback_said  TEXT,
    callback_from  INTEGER,
    callback_until INTEGER,
    urgent         INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'done')),
    created_at     INTEGER NOT NULL,
    done_at        INTEGER,
    done_by        TEXT
);
CREATE INDEX messages_company_status ON messages (company_id, status, created_at);

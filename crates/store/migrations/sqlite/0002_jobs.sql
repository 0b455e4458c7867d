-- The durable job queue: jobs are written in the same transaction as the change that
-- causes them, claimed by workers with a lease, retried with backoff, dead at the end.

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    queue           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead')),
    attempts        INTEGER NOT NULL,
    max_attempts    INTEGER NOT NULL,
    run_at          INTEGER NOT NULL,
    locked_by       TEXT,
    locked_until    INTEGER,
    last_error      TEXT,
    idempotency_key TEXT UNIQUE,
    company_id      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX jobs_ready ON jobs (queue, status, run_at);

-- Live workers announce themselves here; `askpro worker status` reads it.
CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    queues       TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    current_job  TEXT,
    jobs_done    INTEGER NOT NULL,
    stopped_at   INTEGER
);

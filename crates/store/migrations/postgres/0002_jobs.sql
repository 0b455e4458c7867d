-- The durable job queue: jobs are written in the same transaction as the change that
-- causes them, claimed by workers with a lease, retried with backoff, dead at the end.

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    queue           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead')),
    attempts        BIGINT NOT NULL,
    max_attempts    BIGINT NOT NULL,
    run_at          BIGINT NOT NULL,
    locked_by       TEXT,
    locked_until    BIGINT,
    last_error      TEXT,
    idempotency_key TEXT UNIQUE,
    company_id      TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX jobs_ready ON jobs (queue, status, run_at);

-- Live workers announce themselves here; `askpro worker status` reads it.
CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    host         TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    queues       TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL,
    current_job  TEXT,
    jobs_done    BIGINT NOT NULL,
    stopped_at   BIGINT
);

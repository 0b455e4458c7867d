-- Retell: every webhook delivery as it arrived (raw body, deduplicated on event + call),
-- the calls they describe (merged, whatever order they came in), and every function
-- call the agent made, with its answer and timing.

CREATE TABLE retell_events (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    -- event + call id for lifecycle events; NULL for transcript updates, which repeat.
    dedup_key    TEXT UNIQUE,
    event        TEXT NOT NULL,
    call_id      TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT,
    handling_ms  BIGINT,
    duplicates   BIGINT NOT NULL DEFAULT 0,
    error        TEXT
);
CREATE INDEX retell_events_pending ON retell_events (seq) WHERE processed_at IS NULL;
CREATE INDEX retell_events_received ON retell_events (received_at);

CREATE TABLE calls (
    call_id             TEXT PRIMARY KEY,
    company_id          TEXT REFERENCES companies (id),
    branch_slug         TEXT,
    agent_id            TEXT,
    direction           TEXT,
    from_number         TEXT,
    to_number           TEXT,
    call_status         TEXT,
    start_timestamp     BIGINT,
    end_timestamp       BIGINT,
    duration_ms         BIGINT,
    disconnection_reason TEXT,
    call_successful     BIGINT,
    user_sentiment      TEXT,
    -- The whole call object, merged from every event and import.
    data                TEXT NOT NULL,
    last_event          TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX calls_company_start ON calls (company_id, start_timestamp);

CREATE TABLE retell_function_calls (
    id          TEXT PRIMARY KEY,
    call_id     TEXT NOT NULL,
    company_id  TEXT,
    name        TEXT NOT NULL,
    args        TEXT NOT NULL,
    -- call + name + args for functions that change something: a retry gets the first answer.
    dedup_key   TEXT UNIQUE,
    answer      TEXT NOT NULL,
    ok          BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX retell_function_calls_call ON retell_function_calls (call_id);
CREATE INDEX retell_function_calls_created ON retell_function_calls (created_at);

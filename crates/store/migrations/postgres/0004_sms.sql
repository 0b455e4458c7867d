-- Every text message AskPro sent, one per notification job, with Twilio's id and status.
CREATE TABLE sms_messages (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL UNIQUE,
    company_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    to_number   TEXT NOT NULL,
    body        TEXT NOT NULL,
    provider    TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Every e-mail AskPro produced, one per notification job (job_id is unique, so a retried
-- job never makes a second mail), with how it left: the local outbox or an SMTP server.
CREATE TABLE emails (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL UNIQUE,
    company_id  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    to_address  TEXT NOT NULL,
    reply_to    TEXT,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    transport   TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX emails_company_created ON emails (company_id, created_at);

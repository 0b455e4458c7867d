-- `askpro queue restart`: operators raise a signal, every worker drops what it cached
-- (settings, tenant data) at its next heartbeat and records when it did.
CREATE TABLE worker_signals (
    name      TEXT PRIMARY KEY,
    raised_at INTEGER NOT NULL
);

ALTER TABLE workers ADD COLUMN reloaded_at INTEGER;

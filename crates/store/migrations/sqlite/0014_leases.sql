-- Periodic tasks run once per period across every server and worker process on the
-- database: the process holding a task's lease runs it; a lease its holder stops
-- renewing (it died) is taken over once it expires.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

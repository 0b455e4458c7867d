-- Cal.com as a company's calendar of record (shared/contract/calcom-sync.md).

ALTER TABLE companies ADD COLUMN calcom_webhook_secret_env TEXT;
ALTER TABLE companies ADD COLUMN calcom_sync_days BIGINT;

-- An appointment's booking in Cal.com, and whether both sides agree:
--   NULL      the appointment is not in Cal.com's reach (no [calcom], or service/staff unmapped)
--   pending   AskPro changed it and Cal.com has not heard yet (pushed by a 'calcom' job)
--   synced    both sides agree as of the last exchange
--   conflict  Cal.com refused a change the caller had already been told of: an operator decides
ALTER TABLE appointments ADD COLUMN calcom_uid TEXT;
ALTER TABLE appointments ADD COLUMN sync TEXT CHECK (sync IN ('pending', 'synced', 'conflict'));
-- Until when one process pushes this appointment to Cal.com: the request, the calcom job
-- and a reconciliation in another server never push the same appointment at once.
ALTER TABLE appointments ADD COLUMN push_claimed_until BIGINT;
CREATE UNIQUE INDEX appointments_calcom_uid ON appointments (calcom_uid) WHERE calcom_uid IS NOT NULL;
CREATE INDEX appointments_sync ON appointments (company_id, sync) WHERE sync IN ('pending', 'conflict');

-- A Cal.com booking (made on the web, in Cal.com) that collides with an appointment AskPro
-- already holds. The database keeps one staff member's appointments apart, so it cannot be
-- an appointment; it is kept here, visible, until `appointments remove-duplicates` decides.
CREATE TABLE calcom_conflicts (
    uid            TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    appointment_id TEXT NOT NULL REFERENCES appointments (id),
    branch_id      TEXT NOT NULL REFERENCES branches (id),
    service_id     TEXT NOT NULL REFERENCES services (id),
    staff_id       TEXT NOT NULL REFERENCES staff (id),
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    customer_name  TEXT NOT NULL,
    customer_phone TEXT,
    customer_email TEXT,
    booked_at      BIGINT NOT NULL,
    seen_at        BIGINT NOT NULL,
    resolved_at    BIGINT,
    resolution     TEXT
);
CREATE INDEX calcom_conflicts_open ON calcom_conflicts (company_id) WHERE resolved_at IS NULL;

-- Cal.com's webhook deliveries as they arrived. They carry no id: a repeat within
-- webhook.deduplication_window has the same (triggerEvent, uid, createdAt).
CREATE TABLE calcom_deliveries (
    id            TEXT PRIMARY KEY,
    company_id    TEXT NOT NULL REFERENCES companies (id),
    trigger_event TEXT NOT NULL,
    uid           TEXT NOT NULL,
    -- The booking a reschedule replaced: a late BOOKING_CREATED of it must not revive it.
    replaces_uid  TEXT,
    dedup_key     TEXT NOT NULL,
    body          TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    outcome       TEXT NOT NULL
);
CREATE INDEX calcom_deliveries_dedup ON calcom_deliveries (company_id, dedup_key, received_at);
CREATE INDEX calcom_deliveries_uid ON calcom_deliveries (company_id, uid);
CREATE INDEX calcom_deliveries_replaces ON calcom_deliveries (company_id, replaces_uid) WHERE replaces_uid IS NOT NULL;

-- Each reconciliation with Cal.com, for `calcom status`.
CREATE TABLE calcom_sync_runs (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    differences BIGINT NOT NULL,
    fixed       BIGINT NOT NULL,
    error       TEXT
);
CREATE INDEX calcom_sync_runs_company ON calcom_sync_runs (company_id, finished_at);

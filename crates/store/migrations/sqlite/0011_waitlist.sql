-- no-transaction
-- The waiting list (`join_waitlist`) and the held slot it offers.
--
-- A slot held for a waiting customer is an appointment with status 'held' until
-- `hold_until`: the same triggers that keep booked appointments apart keep a hold and a
-- booking apart, so a concurrent caller cannot book a held slot. A hold that ends without
-- a booking becomes 'released'. SQLite cannot widen a CHECK in place: the table is
-- rebuilt as SQLite documents it (foreign keys off, one transaction, checked after).
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE appointments_new (
    id                 TEXT PRIMARY KEY,
    company_id         TEXT NOT NULL REFERENCES companies (id),
    branch_id          TEXT NOT NULL REFERENCES branches (id),
    service_id         TEXT NOT NULL REFERENCES services (id),
    staff_id           TEXT NOT NULL REFERENCES staff (id),
    starts_at          INTEGER NOT NULL,
    ends_at            INTEGER NOT NULL,
    blocked_from       INTEGER NOT NULL,
    blocked_until      INTEGER NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show', 'held', 'released')),
    customer_name      TEXT NOT NULL,
    customer_phone     TEXT,
    customer_email     TEXT,
    source             TEXT NOT NULL,
    source_ref         TEXT,
    cancel_reason      TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    calcom_uid         TEXT,
    sync               TEXT CHECK (sync IN ('pending', 'synced', 'conflict')),
    push_claimed_until INTEGER,
    hold_until         INTEGER,
    CHECK (starts_at < ends_at),
    CHECK (blocked_from <= starts_at AND ends_at <= blocked_until),
    CHECK (status <> 'held' OR hold_until IS NOT NULL)
);
INSERT INTO appointments_new (id, company_id, branch_id, service_id, staff_id, starts_at, ends_at,
    blocked_from, blocked_until, status, customer_name, customer_phone, customer_email, source,
    source_ref, cancel_reason, created_at, updated_at, calcom_uid, sync, push_claimed_until)
SELECT id, company_id, branch_id, service_id, staff_id, starts_at, ends_at,
    blocked_from, blocked_until, status, customer_name, customer_phone, customer_email, source,
    source_ref, cancel_reason, created_at, updated_at, calcom_uid, sync, push_claimed_until
FROM appointments;
DROP TABLE appointments;
ALTER TABLE appointments_new RENAME TO appointments;

CREATE INDEX appointments_staff_blocked ON appointments (staff_id, blocked_from) WHERE status IN ('booked', 'held');
CREATE INDEX appointments_company_start ON appointments (company_id, starts_at);
CREATE INDEX appointments_customer_phone ON appointments (company_id, customer_phone);
CREATE UNIQUE INDEX appointments_calcom_uid ON appointments (calcom_uid) WHERE calcom_uid IS NOT NULL;
CREATE INDEX appointments_sync ON appointments (company_id, sync) WHERE sync IN ('pending', 'conflict');
CREATE INDEX appointments_holds ON appointments (hold_until) WHERE status = 'held';

-- One staff member never holds two overlapping booked or held appointments.
CREATE TRIGGER appointments_no_overlap_insert
BEFORE INSERT ON appointments
WHEN NEW.status IN ('booked', 'held') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.staff_id = NEW.staff_id AND a.status IN ('booked', 'held')
      AND a.blocked_from < NEW.blocked_until AND NEW.blocked_from < a.blocked_until)
BEGIN
    SELECT RAISE(ABORT, 'appointment_overlap');
END;

CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF staff_id, blocked_from, blocked_until, status ON appointments
WHEN NEW.status IN ('booked', 'held') AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.id <> NEW.id AND a.staff_id = NEW.staff_id AND a.status IN ('booked', 'held')
      AND a.blocked_from < NEW.blocked_until AND NEW.blocked_from < a.blocked_until)
BEGIN
    SELECT RAISE(ABORT, 'appointment_overlap');
END;

-- Callers waiting for a slot that nothing free fits. `window_*` is the range they said
-- ("nächste Woche vormittags": the week), `day_*_min` the part of each day (minutes after
-- midnight in the branch's zone), NULL for the whole day. They are offered slots in the
-- order they joined.
--   waiting   no slot yet        held      a slot is held until held_until
--   booked    they took it       expired   the hold ran out unanswered
--   declined  they said no       removed   taken off the list by the team or the caller
--   lapsed    the range passed without a slot
CREATE TABLE waitlist_entries (
    id                  TEXT PRIMARY KEY,
    company_id          TEXT NOT NULL REFERENCES companies (id),
    branch_id           TEXT NOT NULL REFERENCES branches (id),
    service_id          TEXT NOT NULL REFERENCES services (id),
    staff_id            TEXT REFERENCES staff (id),
    window_said         TEXT NOT NULL,
    window_from         INTEGER NOT NULL,
    window_until        INTEGER NOT NULL,
    day_from_min        INTEGER,
    day_until_min       INTEGER,
    customer_name       TEXT NOT NULL,
    customer_phone      TEXT,
    customer_email      TEXT,
    call_id             TEXT,
    status              TEXT NOT NULL CHECK (status IN ('waiting', 'held', 'booked', 'expired', 'declined', 'removed', 'lapsed')),
    hold_appointment_id TEXT REFERENCES appointments (id),
    held_until          INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK (window_from < window_until)
);
CREATE INDEX waitlist_company_status ON waitlist_entries (company_id, status, created_at);
CREATE INDEX waitlist_phone ON waitlist_entries (customer_phone, status);
CREATE UNIQUE INDEX waitlist_hold ON waitlist_entries (hold_appointment_id) WHERE hold_appointment_id IS NOT NULL;

-- The rebuilt table must satisfy every reference to it before this commits: a violation
-- fails the CHECK below and rolls everything back.
CREATE TEMP TABLE fk_violations (n INTEGER CHECK (n = 0));
INSERT INTO fk_violations SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE fk_violations;

COMMIT;
PRAGMA foreign_keys = ON;

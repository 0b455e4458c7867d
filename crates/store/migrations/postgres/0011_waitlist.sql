-- The waiting list (`join_waitlist`) and the held slot it offers.
--
-- A slot held for a waiting customer is an appointment with status 'held' until
-- `hold_until`: the exclusion constraint that keeps booked appointments apart now keeps
-- holds and bookings apart too, so a concurrent caller cannot book a held slot. A hold
-- that ends without a booking becomes 'released'.
ALTER TABLE appointments DROP CONSTRAINT appointments_status_check;
ALTER TABLE appointments ADD CONSTRAINT appointments_status_check
    CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show', 'held', 'released'));
ALTER TABLE appointments ADD COLUMN hold_until BIGINT;
ALTER TABLE appointments ADD CONSTRAINT appointments_hold_until CHECK (status <> 'held' OR hold_until IS NOT NULL);
ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap;
ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap
    EXCLUDE USING gist (staff_id WITH =, int8range(blocked_from, blocked_until) WITH &&)
    WHERE (status IN ('booked', 'held'));
DROP INDEX appointments_staff_blocked;
CREATE INDEX appointments_staff_blocked ON appointments (staff_id, blocked_from) WHERE status IN ('booked', 'held');
CREATE INDEX appointments_holds ON appointments (hold_until) WHERE status = 'held';

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
    window_from         BIGINT NOT NULL,
    window_until        BIGINT NOT NULL,
    day_from_min        BIGINT,
    day_until_min       BIGINT,
    customer_name       TEXT NOT NULL,
    customer_phone      TEXT,
    customer_email      TEXT,
    call_id             TEXT,
    status              TEXT NOT NULL CHECK (status IN ('waiting', 'held', 'booked', 'expired', 'declined', 'removed', 'lapsed')),
    hold_appointment_id TEXT REFERENCES appointments (id),
    held_until          BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    CHECK (window_from < window_until)
);
CREATE INDEX waitlist_company_status ON waitlist_entries (company_id, status, created_at);
CREATE INDEX waitlist_phone ON waitlist_entries (customer_phone, status);
CREATE UNIQUE INDEX waitlist_hold ON waitlist_entries (hold_appointment_id) WHERE hold_appointment_id IS NOT NULL;

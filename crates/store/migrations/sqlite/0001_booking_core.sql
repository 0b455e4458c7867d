-- The booking core on SQLite. Instants are INTEGER Unix milliseconds (UTC).

CREATE TABLE companies (
    id                 TEXT PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    retell_agent_id    TEXT UNIQUE,
    formality          TEXT NOT NULL,
    calcom_api_key_env TEXT,
    calcom_base_url    TEXT,
    slot_step_min      INTEGER NOT NULL,
    min_notice_min     INTEGER NOT NULL,
    horizon_days       INTEGER NOT NULL,
    revision           INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE branches (
    id         TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    slug       TEXT NOT NULL,
    name       TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    phone      TEXT NOT NULL,
    address    TEXT NOT NULL,
    holidays   TEXT,
    closed     TEXT NOT NULL,
    hours      TEXT NOT NULL,
    position   INTEGER NOT NULL,
    active     INTEGER NOT NULL,
    UNIQUE (company_id, slug)
);
-- A called number must lead to exactly one branch.
CREATE UNIQUE INDEX branches_active_phone ON branches (phone) WHERE active = 1;

CREATE TABLE services (
    id                   TEXT PRIMARY KEY,
    company_id           TEXT NOT NULL REFERENCES companies (id),
    slug                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    duration_min         INTEGER NOT NULL,
    buffer_before_min    INTEGER NOT NULL,
    buffer_after_min     INTEGER NOT NULL,
    aliases              TEXT NOT NULL,
    price_cents          INTEGER,
    calcom_event_type_id INTEGER,
    position             INTEGER NOT NULL,
    active               INTEGER NOT NULL,
    UNIQUE (company_id, slug)
);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    calcom_username TEXT,
    hours           TEXT,
    position        INTEGER NOT NULL,
    active          INTEGER NOT NULL,
    UNIQUE (company_id, slug)
);

CREATE TABLE staff_branches (
    staff_id  TEXT NOT NULL REFERENCES staff (id),
    branch_id TEXT NOT NULL REFERENCES branches (id),
    PRIMARY KEY (staff_id, branch_id)
);

CREATE TABLE staff_services (
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    service_id TEXT NOT NULL REFERENCES services (id),
    PRIMARY KEY (staff_id, service_id)
);

CREATE TABLE appointments (
    id             TEXT PRIMARY KEY,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    branch_id      TEXT NOT NULL REFERENCES branches (id),
    service_id     TEXT NOT NULL REFERENCES services (id),
    staff_id       TEXT NOT NULL REFERENCES staff (id),
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL,
    blocked_from   INTEGER NOT NULL,
    blocked_until  INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
    customer_name  TEXT NOT NULL,
    customer_phone TEXT,
    customer_email TEXT,
    source         TEXT NOT NULL,
    source_ref     TEXT,
    cancel_reason  TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (starts_at < ends_at),
    CHECK (blocked_from <= starts_at AND ends_at <= blocked_until)
);
CREATE INDEX appointments_staff_blocked ON appointments (staff_id, blocked_from) WHERE status = 'booked';
CREATE INDEX appointments_company_start ON appointments (company_id, starts_at);
CREATE INDEX appointments_customer_phone ON appointments (company_id, customer_phone);

-- The database, not application code, guarantees that one staff member never holds two
-- overlapping booked appointments (blocked spans include buffers). SQLite has one writer at a
-- time and the trigger runs inside the writing statement, so there is no race.
CREATE TRIGGER appointments_no_overlap_insert
BEFORE INSERT ON appointments
WHEN NEW.status = 'booked' AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.staff_id = NEW.staff_id AND a.status = 'booked'
      AND a.blocked_from < NEW.blocked_until AND NEW.blocked_from < a.blocked_until)
BEGIN
    SELECT RAISE(ABORT, 'appointment_overlap');
END;

CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF staff_id, blocked_from, blocked_until, status ON appointments
WHEN NEW.status = 'booked' AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.id <> NEW.id AND a.staff_id = NEW.staff_id AND a.status = 'booked'
      AND a.blocked_from < NEW.blocked_until AND NEW.blocked_from < a.blocked_until)
BEGIN
    SELECT RAISE(ABORT, 'appointment_overlap');
END;

CREATE TABLE idempotency_keys (
    company_id   TEXT NOT NULL REFERENCES companies (id),
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code  INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (company_id, idem_key)
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    company_id TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor      TEXT NOT NULL,
    origin     TEXT,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- scope '' holds global values, otherwise a company id.
CREATE TABLE settings (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    company_id   TEXT REFERENCES companies (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

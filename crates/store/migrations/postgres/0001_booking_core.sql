-- The booking core on PostgreSQL. Instants are BIGINT Unix milliseconds (UTC), as on SQLite,
-- so both backends share their SQL text and range comparisons stay exact.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE companies (
    id                 TEXT PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    retell_agent_id    TEXT UNIQUE,
    formality          TEXT NOT NULL,
    calcom_api_key_env TEXT,
    calcom_base_url    TEXT,
    slot_step_min      BIGINT NOT NULL,
    min_notice_min     BIGINT NOT NULL,
    horizon_days       BIGINT NOT NULL,
    revision           BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
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
    position   BIGINT NOT NULL,
    active     BIGINT NOT NULL,
    UNIQUE (company_id, slug)
);
-- A called number must lead to exactly one branch.
CREATE UNIQUE INDEX branches_active_phone ON branches (phone) WHERE active = 1;

CREATE TABLE services (
    id                   TEXT PRIMARY KEY,
    company_id           TEXT NOT NULL REFERENCES companies (id),
    slug                 TEXT NOT NULL,
    name                 TEXT NOT NULL,
    duration_min         BIGINT NOT NULL,
    buffer_before_min    BIGINT NOT NULL,
    buffer_after_min     BIGINT NOT NULL,
    aliases              TEXT NOT NULL,
    price_cents          BIGINT,
    calcom_event_type_id BIGINT,
    position             BIGINT NOT NULL,
    active               BIGINT NOT NULL,
    UNIQUE (company_id, slug)
);

CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    company_id      TEXT NOT NULL REFERENCES companies (id),
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    calcom_username TEXT,
    hours           TEXT,
    position        BIGINT NOT NULL,
    active          BIGINT NOT NULL,
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
    starts_at      BIGINT NOT NULL,
    ends_at        BIGINT NOT NULL,
    blocked_from   BIGINT NOT NULL,
    blocked_until  BIGINT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
    customer_name  TEXT NOT NULL,
    customer_phone TEXT,
    customer_email TEXT,
    source         TEXT NOT NULL,
    source_ref     TEXT,
    cancel_reason  TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (starts_at < ends_at),
    CHECK (blocked_from <= starts_at AND ends_at <= blocked_until)
);
CREATE INDEX appointments_staff_blocked ON appointments (staff_id, blocked_from) WHERE status = 'booked';
CREATE INDEX appointments_company_start ON appointments (company_id, starts_at);
CREATE INDEX appointments_customer_phone ON appointments (company_id, customer_phone);

-- The database, not application code, guarantees that one staff member never holds two
-- overlapping booked appointments (blocked spans include buffers; half-open ranges, so
-- back-to-back appointments are fine).
ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap
    EXCLUDE USING gist (staff_id WITH =, int8range(blocked_from, blocked_until) WITH &&)
    WHERE (status = 'booked');

CREATE TABLE idempotency_keys (
    company_id   TEXT NOT NULL REFERENCES companies (id),
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code  BIGINT NOT NULL,
    response     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (company_id, idem_key)
);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
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
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    company_id   TEXT REFERENCES companies (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

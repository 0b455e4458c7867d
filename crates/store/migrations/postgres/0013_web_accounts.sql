-- Accounts of the web dashboard: a company's owners and staff, and operators across
-- companies (company_id NULL). E-mail addresses are stored lower-cased.
CREATE TABLE web_users (
    id            TEXT PRIMARY KEY,
    company_id    TEXT REFERENCES companies (id),
    email         TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'staff', 'operator')),
    -- argon2id in PHC form; NULL: sign-in by one-time link only.
    password_hash TEXT,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT,
    CHECK ((role = 'operator') = (company_id IS NULL))
);
CREATE INDEX web_users_company ON web_users (company_id);

-- Signed-in browsers. Only the token's SHA-256 is kept; the CSRF token is per session.
CREATE TABLE web_sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES web_users (id),
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- One-time sign-in links mailed through the queue; used once, within minutes.
CREATE TABLE web_sign_in_links (
    token_sha256 TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES web_users (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);

-- Failed sign-ins, for the rate limit per address and per client.
CREATE TABLE web_sign_in_failures (
    id     TEXT PRIMARY KEY,
    email  TEXT NOT NULL,
    client TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX web_sign_in_failures_email ON web_sign_in_failures (email, at);
CREATE INDEX web_sign_in_failures_client ON web_sign_in_failures (client, at);

//! End-to-end tests of the HTTP API against the real server on port 0, on SQLite and
//! (with `ASKPRO_TEST_POSTGRES_URL`) PostgreSQL.

#[path = "../common/mod.rs"]
mod common;

mod appointments;
mod availability;
mod bad_input;
mod busy;
mod calcom;
mod concurrency;
mod hangs;
mod isolation;
mod jobs;
mod leases;
mod limits;
mod merging;
mod notifications;
mod privacy;
mod resilience;
mod retell;
mod slack;
mod sms;
mod smtp;
mod storms;
mod tenancy;
mod waitlist;

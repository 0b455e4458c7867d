//! AskPro's storage: one [`Db`] over SQLite (the embedded default) or PostgreSQL (by URL),
//! with embedded migrations per backend and repositories that share their SQL text.
//!
//! Instants are Unix milliseconds in both databases. Writes go through [`WriteTx`]:
//! on SQLite a `BEGIN IMMEDIATE` transaction behind an in-process lock (one writer at a
//! time without busy-waiting), on PostgreSQL an ordinary transaction. The no-overlap rule
//! for appointments lives in the schema (a trigger, an exclusion constraint).

mod db;
mod error;

pub mod appointments;
pub mod audit;
pub mod backup;
pub mod calcom;
pub mod calls;
pub mod emails;
pub mod idempotency;
pub mod jobs;
pub mod leases;
pub mod messages;
pub mod operations;
pub mod privacy;
pub mod settings;
pub mod sms;
pub mod tenants;
pub mod tokens;
pub mod waitlist;
pub mod web;
pub mod workers;

pub use db::{Backend, Db, PoolOptions, WriteTx, redact_url};
pub use error::StoreError;

/// A fresh random id (UUID v7: sortable by creation time).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The database's own time zone setting, for `timezone verify`. AskPro stores instants
/// as UTC milliseconds, so it never changes what is stored.
pub async fn db_timezone(db: &Db) -> Result<String, StoreError> {
    match db.backend() {
        Backend::Sqlite => Ok("UTC (SQLite)".to_owned()),
        Backend::Postgres => db.show_timezone().await,
    }
}

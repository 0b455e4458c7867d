//! The storage layer's one error type, with database errors classified into the cases
//! callers act on (an overlap, a duplicate key) instead of raw driver errors.

use sqlx::error::DatabaseError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The no-overlap guarantee refused the write: the staff member is busy then.
    #[error("the staff member already has an appointment at that time")]
    Overlap,
    /// A unique constraint refused the write.
    #[error("duplicate value: {0}")]
    Duplicate(String),
    /// The database aborted the transaction to break a deadlock or a serialization
    /// conflict; running it again is safe.
    #[error("transaction aborted by a concurrent one; retry")]
    Retryable,
    #[error("{0} not found")]
    NotFound(String),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database cannot serve now: no connection within the deadline, the connection
    /// broke, the server is restarting, SQLite is busy. Trying again later can succeed.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// No room to write (disk full, file size limit): the write was rolled back.
    #[error(
        "the disk holding the database is full ({0}); nothing was written — free space and try again"
    )]
    DiskFull(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl StoreError {
    /// Whether trying the same again later can succeed (the database was busy or away).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Unavailable(_) | StoreError::Retryable | StoreError::DiskFull(_)
        )
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let Some(db_error) = error.as_database_error() else {
            return match error {
                sqlx::Error::PoolTimedOut => StoreError::Unavailable(
                    "no database connection free within the deadline".into(),
                ),
                sqlx::Error::PoolClosed => StoreError::Unavailable("the pool is closed".into()),
                sqlx::Error::Io(e) => StoreError::Unavailable(format!("connection: {e}")),
                sqlx::Error::WorkerCrashed => {
                    StoreError::Unavailable("the connection's worker stopped".into())
                }
                // TLS and protocol errors are configuration faults or bugs: they must fail
                // loudly, not be retried forever.
                other => StoreError::Database(other),
            };
        };
        if is_disk_full(db_error) {
            crate::db::suspect_connections();
            return StoreError::DiskFull(db_error.message().to_owned());
        }
        if is_unavailable(db_error) {
            return StoreError::Unavailable(db_error.message().to_owned());
        }
        if is_overlap(db_error) {
            StoreError::Overlap
        } else if matches!(db_error.code().as_deref(), Some("40P01" | "40001")) {
            StoreError::Retryable
        } else if db_error.is_unique_violation() {
            StoreError::Duplicate(
                db_error
                    .constraint()
                    .unwrap_or(db_error.message())
                    .to_owned(),
            )
        } else {
            StoreError::Database(error)
        }
    }
}

/// No room to write: SQLite's SQLITE_FULL (13) or an I/O error writing (10, as a file
/// size limit gives), PostgreSQL's `disk_full` (53100). The write was rolled back.
fn is_disk_full(error: &dyn DatabaseError) -> bool {
    if let Some(pg) = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return pg.code() == "53100";
    }
    error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some()
        && error
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|c| matches!(c & 0xff, 10 | 13))
}

/// A database that cannot serve now, told apart per driver: PostgreSQL shutting down or
/// starting (57P…), out of connections (53300), a broken connection (08…), a statement
/// cancelled by its timeout (57014) or a lock not available (55P03); SQLite busy or
/// locked after its busy timeout (primary result codes 5 and 6).
fn is_unavailable(error: &dyn DatabaseError) -> bool {
    if let Some(pg) = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let code = pg.code();
        return code.starts_with("57P")
            || code.starts_with("08")
            || matches!(code, "53300" | "57014" | "55P03");
    }
    if error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some()
    {
        let code = error.code();
        // Extended result codes keep the primary code in the low byte.
        return code
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6));
    }
    false
}

/// PostgreSQL's exclusion violation (23P01), or the SQLite trigger's `RAISE(ABORT, …)`.
fn is_overlap(error: &dyn DatabaseError) -> bool {
    error.code().as_deref() == Some("23P01") || error.message().contains("appointment_overlap")
}

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
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let Some(db_error) = error.as_database_error() else {
            return StoreError::Database(error);
        };
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

/// PostgreSQL's exclusion violation (23P01), or the SQLite trigger's `RAISE(ABORT, …)`.
fn is_overlap(error: &dyn DatabaseError) -> bool {
    error.code().as_deref() == Some("23P01") || error.message().contains("appointment_overlap")
}

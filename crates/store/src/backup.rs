//! Backups of an SQLite database while AskPro runs on it (`VACUUM INTO`: one consistent
//! copy from a single read transaction, compacted), and the checks a file must pass
//! before it may replace a database. PostgreSQL is backed up with its own tools
//! (`pg_dump`), which AskPro does not replace.

use crate::{Db, StoreError};
use serde::Serialize;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::path::Path;

/// What a backup file holds, as far as a person wants to know before restoring it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFacts {
    pub bytes: u64,
    /// The newest migration applied in it.
    pub schema_version: i64,
    pub companies: i64,
    pub appointments: i64,
    pub calls: i64,
}

/// The newest migration this build knows (a backup from a newer AskPro is refused).
pub fn latest_schema_version() -> i64 {
    sqlx::migrate!("./migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// Writes a consistent copy of the SQLite database to `to`, which must not exist.
pub async fn backup_sqlite(db: &Db, to: &Path) -> Result<(), StoreError> {
    let Db::Sqlite { pool, .. } = db else {
        return Err(StoreError::BadUrl(
            "a PostgreSQL database (back it up with pg_dump)".into(),
        ));
    };
    let target = to
        .to_str()
        .ok_or_else(|| StoreError::Corrupt(format!("{} is not a UTF-8 path", to.display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

/// Opens `path` read-only and checks it is a whole AskPro database: SQLite's integrity
/// check passes and its migrations are ones this build knows.
pub async fn inspect_sqlite(path: &Path) -> Result<BackupFacts, StoreError> {
    let not_ours = |why: String| {
        StoreError::Corrupt(format!("{} is not an AskPro backup: {why}", path.display()))
    };
    let bytes = std::fs::metadata(path)
        .map_err(|e| not_ours(format!("cannot read it ({e})")))?
        .len();
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| not_ours(e.to_string()))?;
    let integrity: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| not_ours(e.to_string()))?;
    if integrity.0 != "ok" {
        return Err(not_ours(format!(
            "the integrity check failed: {}",
            integrity.0
        )));
    }
    let (schema_version,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| not_ours("it has no AskPro migrations".into()))?;
    if schema_version > latest_schema_version() {
        return Err(not_ours(format!(
            "it was written by a newer AskPro (schema {schema_version}, this one knows {})",
            latest_schema_version()
        )));
    }
    let count = |table: &'static str| format!("SELECT COUNT(*) FROM {table}");
    let mut counts = Vec::new();
    for table in ["companies", "appointments", "calls"] {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(count(table)))
            .fetch_one(&mut conn)
            .await
            .map_err(|e| not_ours(e.to_string()))?;
        counts.push(n);
    }
    conn.close().await.ok();
    Ok(BackupFacts {
        bytes,
        schema_version,
        companies: counts[0],
        appointments: counts[1],
        calls: counts[2],
    })
}

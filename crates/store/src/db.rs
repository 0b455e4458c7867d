//! The database handle and write transactions, and the dispatch macros that run one
//! piece of SQL on whichever backend is configured.

use crate::StoreError;
use sqlx::Transaction;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, Postgres};
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to SQLite or PostgreSQL. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite {
        pool: SqlitePool,
        /// One writer at a time in this process, shared by every pool on the file.
        write_lock: Arc<Mutex<()>>,
        /// How long a writer waits for that lock before the database counts as busy.
        write_wait: Duration,
    },
    Postgres(PgPool),
}

/// How many connections a pool may hold and how long a caller waits for one. A request
/// that cannot get a connection within `acquire_timeout` fails at once as
/// [`StoreError::Unavailable`] (the server answers 503) instead of hanging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl PoolOptions {
    /// For requests: enough connections for a busy hour on PostgreSQL, a short wait.
    pub const REQUESTS: PoolOptions = PoolOptions {
        max_connections: 20,
        acquire_timeout: Duration::from_secs(2),
    };
    /// For background work (merging webhooks, jobs, schedules): a few connections of its
    /// own, so it can never drain the requests' pool, and patience, since nobody waits.
    pub const BACKGROUND: PoolOptions = PoolOptions {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(10),
    };
}

/// A write transaction. Dropping it without [`WriteTx::commit`] rolls back.
pub enum WriteTx {
    Sqlite {
        tx: Transaction<'static, Sqlite>,
        _lock: OwnedMutexGuard<()>,
    },
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$db`.
#[macro_export]
#[doc(hidden)]
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite { pool: $pool, .. } => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's concrete connection.
#[macro_export]
#[doc(hidden)]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::WriteTx::Sqlite { tx, .. } => {
                let $conn = &mut **tx;
                $body
            }
            $crate::WriteTx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// The URL with any password replaced by `***`, safe for logs and errors: the
/// user-info password (up to the last `@` of the authority, as URL parsers read it) and
/// a `password=` query parameter.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let masked: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", masked.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

impl Db {
    /// Connects by URL: `sqlite://PATH` (created if missing) or `postgres://…`, with the
    /// requests' pool options (one pool for a one-shot command or a test).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Db::connect_with(url, PoolOptions::REQUESTS).await
    }

    /// Two pools on the same database: one for requests and one for background work.
    /// On SQLite they share the one writer lock of the process.
    pub async fn connect_split(
        url: &str,
        requests: PoolOptions,
        background: PoolOptions,
    ) -> Result<(Db, Db), StoreError> {
        let front = Db::connect_with(url, requests).await?;
        let back = match &front {
            Db::Sqlite { write_lock, .. } => Db::Sqlite {
                pool: sqlite_pool(url, background).await?,
                write_lock: write_lock.clone(),
                write_wait: background.acquire_timeout,
            },
            Db::Postgres(_) => Db::Postgres(pg_pool(url, background).await?),
        };
        Ok((front, back))
    }

    pub async fn connect_with(url: &str, options: PoolOptions) -> Result<Db, StoreError> {
        if is_postgres(url) {
            return Ok(Db::Postgres(pg_pool(url, options).await?));
        }
        Ok(Db::Sqlite {
            pool: sqlite_pool(url, options).await?,
            write_lock: Arc::new(Mutex::new(())),
            write_wait: options.acquire_timeout,
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { pool, .. } => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => {
                sqlx::migrate!("./migrations/postgres").run(pool).await?;
                if let Err(error) = analyze_unanalyzed(pool).await {
                    tracing::warn!(%error, "could not analyse the fresh tables; PostgreSQL will plan without statistics until autovacuum has them");
                }
            }
        }
        Ok(())
    }

    /// Refreshes PostgreSQL's statistics of `tables` after they changed in bulk (a tenant
    /// applied, calls imported), so the planner need not wait for autovacuum, which may
    /// be slow to notice or switched off. SQLite plans without statistics: nothing to do.
    /// Best effort: the change is committed either way, so a failure is only logged.
    pub async fn analyze(&self, tables: &[&str]) {
        let Db::Postgres(pool) = self else {
            return;
        };
        // Table names are this crate's own constants, never input.
        let sql = format!("ANALYZE {}", tables.join(", "));
        if let Err(error) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await {
            tracing::warn!(%error, tables = %tables.join(","), "could not refresh the statistics; autovacuum will");
        }
    }

    /// Starts a write transaction. On SQLite it takes the process-wide write lock and
    /// `BEGIN IMMEDIATE`, so a read-then-write never fails with "database is locked"
    /// and other processes wait on the busy timeout.
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        match self {
            Db::Sqlite {
                pool,
                write_lock,
                write_wait,
            } => {
                let lock = tokio::time::timeout(*write_wait, write_lock.clone().lock_owned())
                    .await
                    .map_err(|_| {
                        StoreError::Unavailable(format!(
                            "busy: no write turn within {} ms",
                            write_wait.as_millis()
                        ))
                    })?;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx::Sqlite { tx, _lock: lock })
            }
            Db::Postgres(pool) => Ok(WriteTx::Postgres(pool.begin().await?)),
        }
    }

    /// Cheap liveness check for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// PostgreSQL's `TimeZone` setting.
    pub(crate) async fn show_timezone(&self) -> Result<String, StoreError> {
        match self {
            Db::Postgres(pool) => Ok(sqlx::query_scalar::<_, String>(
                "SELECT current_setting('TimeZone')",
            )
            .fetch_one(pool)
            .await?),
            Db::Sqlite { .. } => Ok("UTC".to_owned()),
        }
    }
}

/// AskPro's tables that were never analysed (a fresh database) get statistics now.
async fn analyze_unanalyzed(pool: &PgPool) -> Result<(), StoreError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables \
         WHERE schemaname = current_schema() AND last_analyze IS NULL AND last_autoanalyze IS NULL",
    )
    .fetch_all(pool)
    .await?;
    if !tables.is_empty() {
        let sql = format!("ANALYZE {}", tables.join(", "));
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
    }
    Ok(())
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

async fn pg_pool(url: &str, options: PoolOptions) -> Result<PgPool, StoreError> {
    let connect = PgConnectOptions::from_str(url)
        .map_err(|_| StoreError::BadUrl(redact_url(url)))?
        .application_name("askpro")
        // Prepared statements live as long as their pooled connection. PostgreSQL's
        // generic plan for one is fixed after a few runs, so a plan made while a table
        // was empty (a fresh database) stayed a full scan after it filled, and a busy
        // server ran several times slower until it restarted. Planning every run with
        // its parameters and the table as it is now costs microseconds.
        .options([("plan_cache_mode", "force_custom_plan")]);
    Ok(PgPoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await?)
}

async fn sqlite_pool(url: &str, options: PoolOptions) -> Result<SqlitePool, StoreError> {
    if !url.starts_with("sqlite:") {
        return Err(StoreError::BadUrl(redact_url(url)));
    }
    let connect = SqliteConnectOptions::from_str(url)
        .map_err(|_| StoreError::BadUrl(redact_url(url)))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        // Other processes (the CLI) wait this long for the file's write lock.
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    Ok(SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.acquire_timeout)
        .after_release(|conn, _| Box::pin(reusable_after_failed_commit(conn)))
        .connect_with(connect)
        .await?)
}

/// SQLite connections whose transaction failed underneath (a full disk: SQLite rolls
/// it back itself, or the COMMIT fails) since the last check. Such a connection stays
/// marked as inside a transaction, so every later `BEGIN` on it fails; it must be
/// closed, not handed out again.
static FAILED_COMMITS: AtomicUsize = AtomicUsize::new(0);

/// Notes that a connection may have been left inside a transaction that the database
/// ended (checked as connections come back to the pool).
pub(crate) fn suspect_connections() {
    FAILED_COMMITS.fetch_add(1, Ordering::AcqRel);
}

/// Whether a released connection may go back to the pool: always, unless a commit
/// failed lately and this connection cannot begin a transaction any more.
async fn reusable_after_failed_commit(
    conn: &mut sqlx::SqliteConnection,
) -> Result<bool, sqlx::Error> {
    if FAILED_COMMITS.load(Ordering::Acquire) == 0 {
        return Ok(true);
    }
    // `begin_with` (not `begin`, which would nest a savepoint) refuses on a connection
    // still counted as inside a transaction.
    match sqlx::Connection::begin_with(&mut *conn, "BEGIN").await {
        Ok(tx) => {
            tx.rollback().await?;
            Ok(true)
        }
        Err(error) => {
            FAILED_COMMITS.fetch_sub(1, Ordering::AcqRel);
            tracing::warn!(%error, "closing a database connection left inside a failed transaction");
            Ok(false)
        }
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            WriteTx::Sqlite { tx, _lock } => {
                if let Err(error) = tx.commit().await {
                    suspect_connections();
                    return Err(error.into());
                }
            }
            WriteTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_leave_the_url_redactor() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/askpro"),
            "postgres://app:***@db:5432/askpro"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite://askpro.db"), "sqlite://askpro.db");
        assert_eq!(
            redact_url("postgres://app:p@ss@127.0.0.1:1/x"),
            "postgres://app:***@127.0.0.1:1/x"
        );
        assert_eq!(
            redact_url("postgres://app@h/x?sslmode=require&password=hunter2"),
            "postgres://app@h/x?sslmode=require&password=***"
        );
    }
}

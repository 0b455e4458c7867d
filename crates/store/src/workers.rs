//! Worker heartbeats: each worker registers, beats every few seconds with what it runs,
//! and signs off when it stops. Liveness is "beat recently", not "has a row".

use crate::{Db, StoreError, on_pool, on_tx};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct WorkerRow {
    pub id: String,
    pub host: String,
    pub pid: i64,
    pub queues: String,
    pub started_at: i64,
    pub heartbeat_at: i64,
    pub current_job: Option<String>,
    pub jobs_done: i64,
    pub stopped_at: Option<i64>,
    /// When it last dropped its caches on `askpro queue restart`.
    pub reloaded_at: Option<i64>,
    /// What kept it from working lately (e.g. the database was unreachable), until a
    /// round of work succeeds again.
    pub trouble: Option<String>,
}

pub async fn register(db: &Db, w: &WorkerRow) -> Result<(), StoreError> {
    let sql = "INSERT INTO workers (id, host, pid, queues, started_at, heartbeat_at, current_job, jobs_done) \
        VALUES ($1, $2, $3, $4, $5, $5, NULL, 0)";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(&w.id)
        .bind(&w.host)
        .bind(w.pid)
        .bind(&w.queues)
        .bind(w.started_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// What a worker reports with each heartbeat.
#[derive(Debug, Clone, Copy)]
pub struct Beat<'a> {
    pub current_job: Option<&'a str>,
    pub jobs_done: i64,
    pub trouble: Option<&'a str>,
}

pub async fn heartbeat(db: &Db, id: &str, beat: Beat<'_>, now: i64) -> Result<(), StoreError> {
    let sql = "UPDATE workers SET heartbeat_at = $2, current_job = $3, jobs_done = $4, trouble = $5 \
        WHERE id = $1";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .bind(beat.current_job)
        .bind(beat.jobs_done)
        .bind(beat.trouble)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

pub async fn stopped(db: &Db, id: &str, now: i64) -> Result<(), StoreError> {
    let sql = "UPDATE workers SET stopped_at = $2, current_job = NULL WHERE id = $1";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Workers that beat since `since` and have not stopped, newest first.
pub async fn live(db: &Db, since: i64) -> Result<Vec<WorkerRow>, StoreError> {
    let sql = "SELECT id, host, pid, queues, started_at, heartbeat_at, current_job, jobs_done, stopped_at, reloaded_at, trouble FROM workers \
        WHERE heartbeat_at >= $1 AND stopped_at IS NULL ORDER BY started_at DESC";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, WorkerRow>(sql)
        .bind(since)
        .fetch_all(pool)
        .await)?)
}

/// Sets the operator signal `name` (table `worker_signals`) to the instant `at`.
pub async fn raise_signal(db: &Db, name: &str, at: i64) -> Result<(), StoreError> {
    let sql = "INSERT INTO worker_signals (name, raised_at) VALUES ($1, $2) \
        ON CONFLICT (name) DO UPDATE SET raised_at = excluded.raised_at";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(name)
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// The instant signal `name` was last set to, if ever.
pub async fn signal(db: &Db, name: &str) -> Result<Option<i64>, StoreError> {
    let sql = "SELECT raised_at FROM worker_signals WHERE name = $1";
    Ok(on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(name)
        .fetch_optional(pool)
        .await)?)
}

/// Asks every worker to reload what it caches at its next heartbeat.
pub async fn request_reload(db: &Db, now: i64) -> Result<(), StoreError> {
    raise_signal(db, "reload", now).await
}

/// When a reload was last asked for, if ever.
pub async fn reload_requested_at(db: &Db) -> Result<Option<i64>, StoreError> {
    signal(db, "reload").await
}

/// Records that worker `id` reloaded at `at`.
pub async fn mark_reloaded(db: &Db, id: &str, at: i64) -> Result<(), StoreError> {
    let sql = "UPDATE workers SET reloaded_at = $2 WHERE id = $1";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Every signal whose name starts with `prefix`, with when it was last raised.
pub async fn signals(db: &Db, prefix: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = "SELECT name, raised_at FROM worker_signals WHERE substr(name, 1, length($1)) = $1";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, i64)>(
        sql
    )
    .bind(prefix)
    .fetch_all(pool)
    .await)?)
}

//! The job table: enqueue inside the caller's transaction, claim with a lease (never a
//! transaction held across the work), complete, retry later or bury as dead.
//!
//! Claiming is one statement: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets many workers
//! claim side by side without double work; on SQLite the write lock serializes claims.

use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub id: String,
    pub queue: &'a str,
    pub kind: &'a str,
    pub payload: serde_json::Value,
    pub max_attempts: i64,
    pub run_at: i64,
    /// A job with the same key is enqueued only once (a notification is sent once).
    pub idempotency_key: Option<String>,
    pub company_id: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Job {
    pub id: String,
    pub queue: String,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    pub last_error: Option<String>,
    pub idempotency_key: Option<String>,
    pub company_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

const COLUMNS: &str = "id, queue, kind, payload, status, attempts, max_attempts, run_at, locked_by, locked_until, \
    last_error, idempotency_key, company_id, created_at, updated_at, finished_at";

/// Enqueues in the caller's transaction; false when a job with the same key exists.
pub async fn enqueue(tx: &mut WriteTx, job: &NewJob<'_>, now: i64) -> Result<bool, StoreError> {
    let sql = "INSERT INTO jobs (id, queue, kind, payload, status, attempts, max_attempts, run_at, idempotency_key, \
        company_id, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7, $8, $9, $9) \
        ON CONFLICT (idempotency_key) DO NOTHING";
    let inserted = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(&job.id)
        .bind(job.queue)
        .bind(job.kind)
        .bind(job.payload.to_string())
        .bind(job.max_attempts)
        .bind(job.run_at)
        .bind(&job.idempotency_key)
        .bind(job.company_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(inserted == 1)
}

/// Claims up to `limit` due jobs of `queue` for `worker` until `now + lease_ms`: pending
/// jobs whose time has come, and running jobs whose lease ran out (their worker died).
pub async fn claim(
    db: &Db,
    queue: &str,
    worker: &str,
    limit: i64,
    lease_ms: i64,
    now: i64,
) -> Result<Vec<Job>, StoreError> {
    let lock = match db {
        Db::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        Db::Sqlite { .. } => "",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3 \
         WHERE id IN (SELECT id FROM jobs WHERE queue = $4 AND attempts < max_attempts \
           AND ((status = 'pending' AND run_at <= $3) OR (status = 'running' AND locked_until < $3)) \
           ORDER BY run_at, id LIMIT $5 {lock}) RETURNING {COLUMNS}"
    );
    let mut tx = db.begin_write().await?;
    let mut jobs = on_tx!(&mut tx, |conn| sqlx::query_as::<_, Job>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(worker)
    .bind(now + lease_ms)
    .bind(now)
    .bind(queue)
    .bind(limit)
    .fetch_all(conn)
    .await)?;
    tx.commit().await?;
    jobs.sort_by(|a, b| (a.run_at, &a.id).cmp(&(b.run_at, &b.id)));
    Ok(jobs)
}

async fn update(
    db: &Db,
    sql: &'static str,
    bind: impl FnOnce() -> UpdateArgs,
) -> Result<bool, StoreError> {
    let args = bind();
    let mut tx = db.begin_write().await?;
    let changed = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(&args.id)
        .bind(&args.worker)
        .bind(args.now)
        .bind(&args.text)
        .bind(args.at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(changed == 1)
}

struct UpdateArgs {
    id: String,
    worker: String,
    now: i64,
    text: Option<String>,
    at: Option<i64>,
}

/// Marks a claimed job done; false when the lease was lost to another worker.
pub async fn complete(db: &Db, id: &str, worker: &str, now: i64) -> Result<bool, StoreError> {
    let sql = "UPDATE jobs SET status = 'done', finished_at = $3, updated_at = $3, locked_by = NULL, locked_until = NULL, \
        last_error = COALESCE($4, last_error), run_at = COALESCE($5, run_at) WHERE id = $1 AND locked_by = $2 AND status = 'running'";
    update(db, sql, || UpdateArgs {
        id: id.into(),
        worker: worker.into(),
        now,
        text: None,
        at: None,
    })
    .await
}

/// A failed attempt: back to pending at `retry_at`, or dead when `retry_at` is `None`.
pub async fn fail(
    db: &Db,
    id: &str,
    worker: &str,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE jobs SET status = CASE WHEN $5 IS NULL THEN 'dead' ELSE 'pending' END, last_error = $4, \
        run_at = COALESCE($5, run_at), finished_at = CASE WHEN $5 IS NULL THEN $3 ELSE NULL END, updated_at = $3, \
        locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2 AND status = 'running'";
    let text = error.chars().take(2000).collect::<String>();
    update(db, sql, || UpdateArgs {
        id: id.into(),
        worker: worker.into(),
        now,
        text: Some(text),
        at: retry_at,
    })
    .await
}

/// Gives back what a stopping worker holds, without counting it as an attempt.
pub async fn release(db: &Db, worker: &str, now: i64) -> Result<u64, StoreError> {
    let sql = "UPDATE jobs SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL, updated_at = $2 \
        WHERE locked_by = $1 AND status = 'running'";
    let mut tx = db.begin_write().await?;
    let released = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(worker)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(released)
}

/// Running jobs whose lease ran out after their last allowed attempt: dead.
pub async fn bury_abandoned(db: &Db, now: i64) -> Result<u64, StoreError> {
    let sql = "UPDATE jobs SET status = 'dead', last_error = COALESCE(last_error, 'worker lost during the last attempt'), \
        finished_at = $1, updated_at = $1, locked_by = NULL, locked_until = NULL \
        WHERE status = 'running' AND locked_until < $1 AND attempts >= max_attempts";
    let mut tx = db.begin_write().await?;
    let buried = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(buried)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Job>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?)
}

/// The job enqueued under `idempotency_key`, if any.
pub async fn find_by_key(db: &Db, idempotency_key: &str) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE idempotency_key = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Job>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(idempotency_key)
    .fetch_optional(pool)
    .await)?)
}

/// One line of `askpro queue monitor`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct QueueStats {
    pub queue: String,
    pub pending: i64,
    pub running: i64,
    pub dead: i64,
    pub done_last_hour: i64,
    pub failed_attempts_last_hour: i64,
    /// When the longest-waiting due job became due (a job scheduled for later, such as a
    /// reminder, is not waiting yet).
    pub oldest_pending_at: Option<i64>,
}

pub async fn stats(db: &Db, now: i64) -> Result<Vec<QueueStats>, StoreError> {
    let sql = "SELECT queue, \
        SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, \
        SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running, \
        SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS dead, \
        SUM(CASE WHEN status = 'done' AND finished_at >= $1 THEN 1 ELSE 0 END) AS done_last_hour, \
        SUM(CASE WHEN last_error IS NOT NULL AND updated_at >= $1 THEN 1 ELSE 0 END) AS failed_attempts_last_hour, \
        MIN(CASE WHEN status = 'pending' AND run_at <= $2 THEN run_at END) AS oldest_pending_at \
        FROM jobs GROUP BY queue ORDER BY queue";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, QueueStats>(sql)
        .bind(now - 3_600_000)
        .bind(now)
        .fetch_all(pool)
        .await)?)
}

/// Dead jobs of `queue` that died since `since`: how many, or (with `apply`) put back
/// to pending with fresh attempts.
pub async fn retry_dead(
    db: &Db,
    queue: &str,
    since: i64,
    apply: bool,
    now: i64,
) -> Result<u64, StoreError> {
    if !apply {
        let sql =
            "SELECT COUNT(*) FROM jobs WHERE queue = $1 AND status = 'dead' AND finished_at >= $2";
        let count: i64 = on_pool!(db, |pool| sqlx::query_scalar(sql)
            .bind(queue)
            .bind(since)
            .fetch_one(pool)
            .await)?;
        return Ok(count as u64);
    }
    let sql = "UPDATE jobs SET status = 'pending', attempts = 0, run_at = $3, finished_at = NULL, updated_at = $3 \
        WHERE queue = $1 AND status = 'dead' AND finished_at >= $2";
    let mut tx = db.begin_write().await?;
    let retried = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(queue)
        .bind(since)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(retried)
}

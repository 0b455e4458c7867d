//! Read models for the operators' commands (`diagnose`, `metrics customer-success`,
//! `staff show-assignments`, `system check-resources`) and the two writes they need:
//! marking an appointment as a no-show and undoing it.
//!
//! Every query is scoped to one company and a period; nothing here changes a booking's
//! time or staff (that stays with the booking service in askpro-app).

use crate::calls::FunctionCallRow;
use crate::{Backend, Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// The state of a company's e-mail queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct EmailHealth {
    /// Mail jobs that failed for good since the period's start.
    pub dead: i64,
    /// Mails handed to a server (or the outbox) since the period's start.
    pub delivered: i64,
    /// Mail jobs waiting since before the "late" mark.
    pub late: i64,
    /// When the oldest late mail job was created.
    pub oldest_waiting_at: Option<i64>,
}

/// Mail of one company created in `[since, until)`. A mail still waiting is late when it
/// was due before `late_before`, or was tried and still waits since before then (a
/// retry's backoff moves its due time); a reminder not yet due is not waiting.
pub async fn email_health(
    db: &Db,
    company_id: &str,
    (since, until): (i64, i64),
    late_before: i64,
) -> Result<EmailHealth, StoreError> {
    let sql = "SELECT \
        (SELECT COUNT(*) FROM jobs WHERE company_id = $1 AND queue = 'emails' AND status = 'dead' \
            AND updated_at >= $2 AND updated_at < $4) AS dead, \
        (SELECT COUNT(*) FROM emails WHERE company_id = $1 AND created_at >= $2 AND created_at < $4) AS delivered, \
        (SELECT COUNT(*) FROM jobs WHERE company_id = $1 AND queue = 'emails' AND status IN ('pending', 'running') \
            AND (run_at < $3 OR (attempts > 0 AND created_at < $3)) AND created_at >= $2 AND created_at < $4) AS late, \
        (SELECT MIN(created_at) FROM jobs WHERE company_id = $1 AND queue = 'emails' AND status IN ('pending', 'running') \
            AND (run_at < $3 OR (attempts > 0 AND created_at < $3))) AS oldest_waiting_at";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EmailHealth>(sql)
        .bind(company_id)
        .bind(since)
        .bind(late_before)
        .bind(until)
        .fetch_one(pool)
        .await)?)
}

/// A company's function calls since `since`, oldest first (answers included).
pub async fn functions_since(
    db: &Db,
    company_id: &str,
    since: i64,
    until: i64,
) -> Result<Vec<FunctionCallRow>, StoreError> {
    let sql = "SELECT id, call_id, company_id, name, args, dedup_key, answer, ok, duration_ms, created_at \
        FROM retell_function_calls WHERE company_id = $1 AND created_at >= $2 AND created_at < $3 AND ok >= 0 \
        ORDER BY created_at, id";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, FunctionCallRow>(
        sql
    )
    .bind(company_id)
    .bind(since)
    .bind(until)
    .fetch_all(pool)
    .await)?)
}

/// A booked future appointment whose staff member no longer performs its service or no
/// longer works at its branch (the tenant file changed after it was booked).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Misassigned {
    pub id: String,
    pub starts_at: i64,
    pub branch: String,
    pub service: String,
    pub staff: String,
    pub does_service: bool,
    pub at_branch: bool,
}

pub async fn misassigned(
    db: &Db,
    company_id: &str,
    from: i64,
) -> Result<Vec<Misassigned>, StoreError> {
    let sql = "SELECT id, starts_at, branch, service, staff, does_service, at_branch FROM ( \
        SELECT a.id, a.starts_at, b.slug AS branch, s.slug AS service, st.slug AS staff, \
        (st.active = 1 AND EXISTS (SELECT 1 FROM staff_services x WHERE x.staff_id = a.staff_id AND x.service_id = a.service_id)) AS does_service, \
        (st.active = 1 AND EXISTS (SELECT 1 FROM staff_branches y WHERE y.staff_id = a.staff_id AND y.branch_id = a.branch_id)) AS at_branch \
        FROM appointments a JOIN branches b ON b.id = a.branch_id JOIN services s ON s.id = a.service_id \
        JOIN staff st ON st.id = a.staff_id \
        WHERE a.company_id = $1 AND a.status = 'booked' AND a.starts_at >= $2) t \
        WHERE NOT (does_service AND at_branch) ORDER BY starts_at, id";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Misassigned>(sql)
        .bind(company_id)
        .bind(from)
        .fetch_all(pool)
        .await)?)
}

/// Booked appointments per staff member (slug) from `from` on.
pub async fn upcoming_per_staff(
    db: &Db,
    company_id: &str,
    from: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = "SELECT st.slug, COUNT(*) FROM appointments a JOIN staff st ON st.id = a.staff_id \
        WHERE a.company_id = $1 AND a.status = 'booked' AND a.starts_at >= $2 GROUP BY st.slug ORDER BY st.slug";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, i64)>(
        sql
    )
    .bind(company_id)
    .bind(from)
    .fetch_all(pool)
    .await)?)
}

/// Past appointments of a period by outcome: (not cancelled, of those no-shows).
pub async fn attendance(
    db: &Db,
    company_id: &str,
    from: i64,
    until: i64,
) -> Result<(i64, i64), StoreError> {
    let sql = "SELECT \
        COALESCE(SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END), 0), \
        COALESCE(SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END), 0) \
        FROM appointments WHERE company_id = $1 AND starts_at >= $2 AND starts_at < $3";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(company_id)
        .bind(from)
        .bind(until)
        .fetch_one(pool)
        .await)?)
}

/// Sets a past appointment's status from `from` to `to` (`booked` ⇄ `no_show`) in the
/// caller's transaction; false when it was not in `from`.
pub async fn set_attendance(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE appointments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(to)
        .bind(now)
        .bind(id)
        .bind(from)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Replaces a staff member's services with `services` (ids) in the caller's transaction.
pub async fn set_staff_services(
    tx: &mut WriteTx,
    staff_id: &str,
    services: &[String],
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM staff_services WHERE staff_id = $1"
    )
    .bind(staff_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    for service in services {
        on_tx!(tx, |conn| sqlx::query(
            "INSERT INTO staff_services (staff_id, service_id) VALUES ($1, $2)"
        )
        .bind(staff_id)
        .bind(service)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// What the database itself reports: its size and the connections open to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DatabaseFigures {
    pub size_bytes: i64,
    /// Connections to this database (PostgreSQL), or `None` where the notion does not
    /// apply (SQLite is a file).
    pub connections: Option<i64>,
    pub max_connections: Option<i64>,
}

pub async fn database_figures(db: &Db) -> Result<DatabaseFigures, StoreError> {
    match db {
        Db::Sqlite { pool, .. } => {
            let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                .fetch_one(pool)
                .await?;
            let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
                .fetch_one(pool)
                .await?;
            Ok(DatabaseFigures {
                size_bytes: pages * page_size,
                connections: None,
                max_connections: None,
            })
        }
        Db::Postgres(pool) => {
            let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(pool)
                .await?;
            let connections: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()",
            )
            .fetch_one(pool)
            .await?;
            let max: String = sqlx::query_scalar("SHOW max_connections")
                .fetch_one(pool)
                .await?;
            Ok(DatabaseFigures {
                size_bytes: size,
                connections: Some(connections),
                max_connections: max.trim().parse().ok(),
            })
        }
    }
}

/// Whether this database is a file on this machine (SQLite), for the disk check.
pub fn is_file(db: &Db) -> bool {
    db.backend() == Backend::Sqlite
}

/// Marks a company's data as changed outside a tenant apply (staff links synced), so
/// every process reloads it.
pub async fn bump_revision(tx: &mut WriteTx, company_id: &str, now: i64) -> Result<(), StoreError> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE companies SET revision = revision + 1, updated_at = $2 WHERE id = $1"
    )
    .bind(company_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

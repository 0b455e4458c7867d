//! What AskPro keeps about Cal.com: each appointment's uid and sync state, bookings that
//! collide with ours (conflicts), the webhook deliveries (for deduplication and
//! out-of-order arrivals) and the reconciliation runs.

use crate::appointments::{AppointmentRow, SELECT};
use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// Sets an appointment's Cal.com uid and sync state.
pub async fn set_sync(
    tx: &mut WriteTx,
    id: &str,
    uid: Option<&str>,
    sync: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "UPDATE appointments SET calcom_uid = $2, sync = $3, updated_at = $4 WHERE id = $1";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(uid)
        .bind(sync)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets them only if the appointment was not changed since `seen_updated_at` (a change
/// in between has its own push coming); true when set.
pub async fn set_sync_if_unchanged(
    tx: &mut WriteTx,
    id: &str,
    uid: Option<&str>,
    sync: Option<&str>,
    seen_updated_at: i64,
) -> Result<bool, StoreError> {
    let sql =
        "UPDATE appointments SET calcom_uid = $2, sync = $3 WHERE id = $1 AND updated_at = $4";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(uid)
        .bind(sync)
        .bind(seen_updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Claims the push of a `pending` appointment until `until`, unless another claim holds
/// at `now`; true when this caller may push.
pub async fn claim_push(db: &Db, id: &str, now: i64, until: i64) -> Result<bool, StoreError> {
    let sql = "UPDATE appointments SET push_claimed_until = $3 WHERE id = $1 AND sync = 'pending' \
        AND (push_claimed_until IS NULL OR push_claimed_until <= $2)";
    let mut tx = db.begin_write().await?;
    let claimed = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .bind(until)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(claimed == 1)
}

/// Gives a push claim back.
pub async fn release_push(db: &Db, id: &str) -> Result<(), StoreError> {
    let sql = "UPDATE appointments SET push_claimed_until = NULL WHERE id = $1";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// The appointment that holds Cal.com booking `uid`.
pub async fn by_uid(
    db: &Db,
    company_id: &str,
    uid: &str,
) -> Result<Option<AppointmentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE a.company_id = $1 AND a.calcom_uid = $2");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, AppointmentRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(uid)
    .fetch_optional(pool)
    .await)?)
}

/// Appointments in `sync` state `state` (`pending` or `conflict`), oldest first.
pub async fn in_state(
    db: &Db,
    company_id: &str,
    state: &str,
) -> Result<Vec<AppointmentRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE a.company_id = $1 AND a.sync = $2 ORDER BY a.created_at LIMIT 5000"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, AppointmentRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(state)
    .fetch_all(pool)
    .await)?)
}

/// `(company slug, sync state, count)` of every pending or conflicting appointment.
pub async fn sync_counts(db: &Db) -> Result<Vec<(String, String, i64)>, StoreError> {
    let sql = "SELECT c.slug, a.sync, COUNT(*) FROM appointments a JOIN companies c ON c.id = a.company_id \
        WHERE a.sync IN ('pending', 'conflict') GROUP BY c.slug, a.sync ORDER BY c.slug, a.sync";
    Ok(on_pool!(db, |pool| sqlx::query_as::<
        _,
        (String, String, i64),
    >(sql)
    .fetch_all(pool)
    .await)?)
}

/// A Cal.com booking that collides with one of our appointments.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Conflict {
    pub uid: String,
    pub company_id: String,
    pub appointment_id: String,
    pub branch_id: String,
    pub service_id: String,
    pub staff_id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub booked_at: i64,
    pub seen_at: i64,
    pub resolved_at: Option<i64>,
    pub resolution: Option<String>,
}

/// Keeps a colliding booking; seeing it again changes nothing. True when it is new.
pub async fn record_conflict(tx: &mut WriteTx, c: &Conflict) -> Result<bool, StoreError> {
    let sql = "INSERT INTO calcom_conflicts (uid, company_id, appointment_id, branch_id, service_id, staff_id, \
        starts_at, ends_at, customer_name, customer_phone, customer_email, booked_at, seen_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (uid) DO NOTHING";
    let added = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(&c.uid)
        .bind(&c.company_id)
        .bind(&c.appointment_id)
        .bind(&c.branch_id)
        .bind(&c.service_id)
        .bind(&c.staff_id)
        .bind(c.starts_at)
        .bind(c.ends_at)
        .bind(&c.customer_name)
        .bind(&c.customer_phone)
        .bind(&c.customer_email)
        .bind(c.booked_at)
        .bind(c.seen_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(added == 1)
}

/// Open conflicts of a company, oldest first.
pub async fn open_conflicts(db: &Db, company_id: &str) -> Result<Vec<Conflict>, StoreError> {
    let sql = "SELECT uid, company_id, appointment_id, branch_id, service_id, staff_id, starts_at, ends_at, \
        customer_name, customer_phone, customer_email, booked_at, seen_at, resolved_at, resolution \
        FROM calcom_conflicts WHERE company_id = $1 AND resolved_at IS NULL ORDER BY booked_at, uid";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Conflict>(sql)
        .bind(company_id)
        .fetch_all(pool)
        .await)?)
}

/// Open conflicts held against appointment `id`.
pub async fn conflicts_of(db: &Db, appointment_id: &str) -> Result<Vec<Conflict>, StoreError> {
    let sql = "SELECT uid, company_id, appointment_id, branch_id, service_id, staff_id, starts_at, ends_at, \
        customer_name, customer_phone, customer_email, booked_at, seen_at, resolved_at, resolution \
        FROM calcom_conflicts WHERE appointment_id = $1 AND resolved_at IS NULL ORDER BY booked_at, uid";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Conflict>(sql)
        .bind(appointment_id)
        .fetch_all(pool)
        .await)?)
}

/// Closes an open conflict; false when it was not open.
pub async fn resolve_conflict(
    tx: &mut WriteTx,
    uid: &str,
    resolution: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE calcom_conflicts SET resolved_at = $2, resolution = $3 WHERE uid = $1 AND resolved_at IS NULL";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(uid)
        .bind(now)
        .bind(resolution)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// One webhook delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Delivery<'a> {
    pub id: &'a str,
    pub company_id: &'a str,
    pub trigger_event: &'a str,
    pub uid: &'a str,
    pub replaces_uid: Option<&'a str>,
    pub dedup_key: &'a str,
    pub body: &'a str,
    pub received_at: i64,
    pub outcome: &'a str,
}

/// Whether a delivery with `dedup_key` arrived at or after `since`.
pub async fn seen_since(
    tx: &mut WriteTx,
    company_id: &str,
    dedup_key: &str,
    since: i64,
) -> Result<bool, StoreError> {
    let sql = "SELECT COUNT(*) FROM calcom_deliveries WHERE company_id = $1 AND dedup_key = $2 AND received_at >= $3";
    let count = on_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(sql)
        .bind(company_id)
        .bind(dedup_key)
        .bind(since)
        .fetch_one(conn)
        .await)?;
    Ok(count > 0)
}

/// Whether booking `uid` was already cancelled, rejected or replaced by a reschedule
/// according to earlier deliveries (which may have overtaken its creation).
pub async fn superseded(tx: &mut WriteTx, company_id: &str, uid: &str) -> Result<bool, StoreError> {
    let sql = "SELECT COUNT(*) FROM calcom_deliveries WHERE company_id = $1 AND \
        ((uid = $2 AND trigger_event IN ('BOOKING_CANCELLED', 'BOOKING_REJECTED')) OR replaces_uid = $2)";
    let count = on_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(sql)
        .bind(company_id)
        .bind(uid)
        .fetch_one(conn)
        .await)?;
    Ok(count > 0)
}

pub async fn record_delivery(tx: &mut WriteTx, d: &Delivery<'_>) -> Result<(), StoreError> {
    let sql = "INSERT INTO calcom_deliveries (id, company_id, trigger_event, uid, replaces_uid, dedup_key, body, received_at, outcome) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(d.id)
        .bind(d.company_id)
        .bind(d.trigger_event)
        .bind(d.uid)
        .bind(d.replaces_uid)
        .bind(d.dedup_key)
        .bind(d.body)
        .bind(d.received_at)
        .bind(d.outcome)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The number of deliveries received at or after `since` and the newest's instant.
pub async fn deliveries_since(
    db: &Db,
    company_id: &str,
    since: i64,
) -> Result<(i64, Option<i64>), StoreError> {
    let sql = "SELECT COUNT(*), MAX(received_at) FROM calcom_deliveries WHERE company_id = $1 AND received_at >= $2";
    Ok(on_pool!(db, |pool| {
        sqlx::query_as::<_, (i64, Option<i64>)>(sql)
            .bind(company_id)
            .bind(since)
            .fetch_one(pool)
            .await
    })?)
}

/// One reconciliation with Cal.com.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct SyncRun {
    pub id: String,
    pub company_id: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub differences: i64,
    pub fixed: i64,
    pub error: Option<String>,
}

pub async fn record_run(db: &Db, run: &SyncRun) -> Result<(), StoreError> {
    let sql = "INSERT INTO calcom_sync_runs (id, company_id, started_at, finished_at, differences, fixed, error) \
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(&run.id)
        .bind(&run.company_id)
        .bind(run.started_at)
        .bind(run.finished_at)
        .bind(run.differences)
        .bind(run.fixed)
        .bind(&run.error)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

pub async fn last_run(db: &Db, company_id: &str) -> Result<Option<SyncRun>, StoreError> {
    let sql = "SELECT id, company_id, started_at, finished_at, differences, fixed, error FROM calcom_sync_runs \
        WHERE company_id = $1 ORDER BY finished_at DESC LIMIT 1";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, SyncRun>(sql)
        .bind(company_id)
        .fetch_optional(pool)
        .await)?)
}

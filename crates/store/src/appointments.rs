//! Appointment rows: insert, move, cancel, read and list. Only the booking service
//! (askpro-app) calls the writing functions; the schema refuses overlaps on its own.

use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// An appointment with the slugs and time zone needed to show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct AppointmentRow {
    pub id: String,
    pub company_id: String,
    pub company_slug: String,
    pub branch_id: String,
    pub branch_slug: String,
    pub timezone: String,
    pub service_id: String,
    pub service_slug: String,
    pub service_name: String,
    pub staff_id: String,
    pub staff_slug: String,
    pub staff_name: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub blocked_from: i64,
    pub blocked_until: i64,
    pub status: String,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub source: String,
    pub source_ref: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The booking's uid in Cal.com, once it has one.
    pub calcom_uid: Option<String>,
    /// `pending`, `synced`, `conflict`, or `None` outside Cal.com's reach (see 0008_calcom.sql).
    pub sync: Option<String>,
    /// Until when a slot is held for a waiting customer (status `held`; kept after it
    /// was taken or released, as history).
    pub hold_until: Option<i64>,
}

pub(crate) const SELECT: &str = "SELECT a.id, a.company_id, c.slug AS company_slug, a.branch_id, b.slug AS branch_slug, b.timezone, \
    a.service_id, s.slug AS service_slug, s.name AS service_name, a.staff_id, st.slug AS staff_slug, st.name AS staff_name, \
    a.starts_at, a.ends_at, a.blocked_from, a.blocked_until, a.status, a.customer_name, a.customer_phone, a.customer_email, \
    a.source, a.source_ref, a.cancel_reason, a.created_at, a.updated_at, a.calcom_uid, a.sync, a.hold_until \
    FROM appointments a JOIN companies c ON c.id = a.company_id JOIN branches b ON b.id = a.branch_id \
    JOIN services s ON s.id = a.service_id JOIN staff st ON st.id = a.staff_id";

/// What a new appointment consists of; times are Unix milliseconds.
#[derive(Debug, Clone)]
pub struct NewAppointment {
    pub id: String,
    pub company_id: String,
    pub branch_id: String,
    pub service_id: String,
    pub staff_id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub blocked_from: i64,
    pub blocked_until: i64,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub source: String,
    pub source_ref: Option<String>,
    /// Cal.com's uid when the appointment mirrors a Cal.com booking.
    pub calcom_uid: Option<String>,
    /// `pending` when it must still reach Cal.com, `synced` when it came from there.
    pub sync: Option<&'static str>,
    /// Set for a slot held for a waiting customer: inserted as `held` until then.
    pub hold_until: Option<i64>,
}

/// Filters of `list`; times are Unix milliseconds, both ends inclusive.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub company_id: String,
    pub starts_from: i64,
    pub starts_to: i64,
    pub status: Option<String>,
    pub staff_id: Option<String>,
    pub customer_phone: Option<String>,
}

/// Queues writers of one staff member's appointments on PostgreSQL. Two transactions
/// inserting overlapping rows at once would otherwise each wait for the other inside
/// the exclusion constraint until the deadlock detector aborts one (after a second).
/// The constraint stays the guarantee; the lock only keeps the wait orderly. SQLite
/// needs nothing: it has one writer at a time.
async fn lock_staff(tx: &mut WriteTx, staff_id: &str) -> Result<(), StoreError> {
    if let WriteTx::Postgres(tx) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(1001, hashtext($1))")
            .bind(staff_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Inserts a booked appointment, or a held one when `hold_until` is set.
/// [`StoreError::Overlap`] when the staff member is busy (booked or held).
pub async fn insert(tx: &mut WriteTx, a: &NewAppointment, now: i64) -> Result<(), StoreError> {
    lock_staff(tx, &a.staff_id).await?;
    let sql = "INSERT INTO appointments (id, company_id, branch_id, service_id, staff_id, starts_at, ends_at, blocked_from, \
        blocked_until, status, customer_name, customer_phone, customer_email, source, source_ref, created_at, updated_at, \
        calcom_uid, sync, hold_until) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $18 IS NULL THEN 'booked' ELSE 'held' END, \
        $10, $11, $12, $13, $14, $15, $15, $16, $17, $18)";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(&a.id)
        .bind(&a.company_id)
        .bind(&a.branch_id)
        .bind(&a.service_id)
        .bind(&a.staff_id)
        .bind(a.starts_at)
        .bind(a.ends_at)
        .bind(a.blocked_from)
        .bind(a.blocked_until)
        .bind(&a.customer_name)
        .bind(&a.customer_phone)
        .bind(&a.customer_email)
        .bind(&a.source)
        .bind(&a.source_ref)
        .bind(now)
        .bind(&a.calcom_uid)
        .bind(a.sync)
        .bind(a.hold_until)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Reads one appointment inside a write transaction (for before/after audit entries).
pub async fn get_in_tx(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
) -> Result<Option<AppointmentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE a.company_id = $1 AND a.id = $2");
    Ok(on_tx!(tx, |conn| sqlx::query_as::<_, AppointmentRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(id)
    .fetch_optional(conn)
    .await)?)
}

/// Reads one appointment and, on PostgreSQL, locks its row until the transaction ends,
/// so a concurrent cancel or move waits instead of acting on a stale status. (SQLite
/// transactions here are already one writer at a time.)
pub async fn get_for_update(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
) -> Result<Option<AppointmentRow>, StoreError> {
    if let WriteTx::Postgres(tx) = tx {
        sqlx::query("SELECT id FROM appointments WHERE company_id = $1 AND id = $2 FOR UPDATE")
            .bind(company_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    get_in_tx(tx, company_id, id).await
}

pub async fn get(
    db: &Db,
    company_id: &str,
    id: &str,
) -> Result<Option<AppointmentRow>, StoreError> {
    let sql = format!("{SELECT} WHERE a.company_id = $1 AND a.id = $2");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, AppointmentRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(id)
    .fetch_optional(pool)
    .await)?)
}

pub async fn cancel(
    tx: &mut WriteTx,
    id: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE appointments SET status = 'cancelled', cancel_reason = $2, updated_at = $3 WHERE id = $1 AND status = 'booked'";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(reason)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// The new place of a moved appointment.
#[derive(Debug, Clone, Copy)]
pub struct NewTime<'a> {
    pub staff_id: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub blocked_from: i64,
    pub blocked_until: i64,
}

/// Moves a booked appointment in place (same id); false when it is no longer booked.
/// [`StoreError::Overlap`] when the new time is taken.
pub async fn reschedule(
    tx: &mut WriteTx,
    id: &str,
    to: NewTime<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    lock_staff(tx, to.staff_id).await?;
    let sql = "UPDATE appointments SET staff_id = $2, starts_at = $3, ends_at = $4, blocked_from = $5, blocked_until = $6, \
        updated_at = $7 WHERE id = $1 AND status = 'booked'";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(to.staff_id)
        .bind(to.starts_at)
        .bind(to.ends_at)
        .bind(to.blocked_from)
        .bind(to.blocked_until)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Most rows one list returns; more is refused rather than cut silently.
pub const LIST_LIMIT: usize = 5000;

pub async fn list(db: &Db, filter: &ListFilter) -> Result<Vec<AppointmentRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE a.company_id = $1 AND a.starts_at >= $2 AND a.starts_at <= $3 \
         AND ($4 IS NULL OR a.status = $4) AND ($5 IS NULL OR a.staff_id = $5) \
         AND ($6 IS NULL OR a.customer_phone = $6) ORDER BY a.starts_at, st.slug LIMIT {LIST_LIMIT}"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, AppointmentRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(&filter.company_id)
    .bind(filter.starts_from)
    .bind(filter.starts_to)
    .bind(&filter.status)
    .bind(&filter.staff_id)
    .bind(&filter.customer_phone)
    .fetch_all(pool)
    .await)?)
}

/// No blocked span is longer than this (12 h service + 2 × 4 h buffers < 1 day), so a
/// lower bound on the start lets both queries below use an index range.
const LONGEST_SPAN_MS: i64 = 86_400_000;

/// Blocked spans `(staff_id, from, until)` of a company's booked and held appointments that
/// reach into `[from_ms, until_ms)`.
pub async fn busy_spans(
    db: &Db,
    company_id: &str,
    from_ms: i64,
    until_ms: i64,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let sql = "SELECT staff_id, blocked_from, blocked_until FROM appointments \
        WHERE company_id = $1 AND starts_at > $4 AND starts_at < $5 AND status IN ('booked', 'held') \
        AND blocked_from < $3 AND blocked_until > $2";
    Ok(on_pool!(db, |pool| {
        sqlx::query_as::<_, (String, i64, i64)>(sql)
            .bind(company_id)
            .bind(from_ms)
            .bind(until_ms)
            .bind(from_ms - LONGEST_SPAN_MS)
            .bind(until_ms + LONGEST_SPAN_MS)
            .fetch_all(pool)
            .await
    })?)
}

/// Blocked spans `(from, until)` of one staff member's booked and held appointments that reach
/// into `[from_ms, until_ms)`.
pub async fn busy_spans_of_staff(
    db: &Db,
    staff_id: &str,
    from_ms: i64,
    until_ms: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let sql = "SELECT blocked_from, blocked_until FROM appointments \
        WHERE staff_id = $1 AND status IN ('booked', 'held') AND blocked_from > $4 AND blocked_from < $3 AND blocked_until > $2";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(staff_id)
        .bind(from_ms)
        .bind(until_ms)
        .bind(from_ms - LONGEST_SPAN_MS)
        .fetch_all(pool)
        .await)?)
}

/// Turns a held slot into a booking (the waiting customer took it): sync becomes
/// `pending` when Cal.com must hear of it. False when it is no longer held or the hold
/// ran out before `now`.
pub async fn take_hold(
    tx: &mut WriteTx,
    id: &str,
    sync: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE appointments SET status = 'booked', sync = $2, updated_at = $3 \
        WHERE id = $1 AND status = 'held' AND hold_until > $3";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(sync)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Ends a hold without a booking; false when it was not held.
pub async fn release_hold(tx: &mut WriteTx, id: &str, now: i64) -> Result<bool, StoreError> {
    let sql = "UPDATE appointments SET status = 'released', updated_at = $2 WHERE id = $1 AND status = 'held'";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Gives a held slot to another waiting customer in place: the slot never becomes free
/// in between, so nobody outside the waiting list can take it meanwhile.
pub async fn pass_hold(
    tx: &mut WriteTx,
    id: &str,
    to: &HoldCustomer<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE appointments SET customer_name = $2, customer_phone = $3, customer_email = $4, \
        source_ref = $5, hold_until = $6, updated_at = $7 WHERE id = $1 AND status = 'held'";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(to.name)
        .bind(to.phone)
        .bind(to.email)
        .bind(to.entry_id)
        .bind(to.hold_until)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// The waiting customer a held slot passes to.
#[derive(Debug, Clone, Copy)]
pub struct HoldCustomer<'a> {
    pub entry_id: &'a str,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub hold_until: i64,
}

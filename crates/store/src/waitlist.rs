//! The waiting list: callers who want a slot that nothing free fits, in the order they
//! joined, and the slot held for one of them (an appointment with status `held`, see
//! 0011_waitlist.sql). Status changes name the status they expect, so two processes
//! never both move an entry on.

use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// An entry with the slugs and time zone needed to show and match it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct EntryRow {
    pub id: String,
    pub company_id: String,
    pub branch_id: String,
    pub branch_slug: String,
    pub timezone: String,
    pub service_id: String,
    pub service_slug: String,
    pub service_name: String,
    pub staff_id: Option<String>,
    pub staff_slug: Option<String>,
    pub window_said: String,
    pub window_from: i64,
    pub window_until: i64,
    pub day_from_min: Option<i64>,
    pub day_until_min: Option<i64>,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub call_id: Option<String>,
    pub status: String,
    pub hold_appointment_id: Option<String>,
    pub held_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const SELECT: &str = "SELECT w.id, w.company_id, w.branch_id, b.slug AS branch_slug, b.timezone, \
    w.service_id, s.slug AS service_slug, s.name AS service_name, w.staff_id, st.slug AS staff_slug, \
    w.window_said, w.window_from, w.window_until, w.day_from_min, w.day_until_min, w.customer_name, \
    w.customer_phone, w.customer_email, w.call_id, w.status, w.hold_appointment_id, w.held_until, \
    w.created_at, w.updated_at \
    FROM waitlist_entries w JOIN branches b ON b.id = w.branch_id JOIN services s ON s.id = w.service_id \
    LEFT JOIN staff st ON st.id = w.staff_id";

/// Statuses of an entry still on the list.
pub const ACTIVE: [&str; 2] = ["waiting", "held"];

/// What a new entry consists of; times are Unix milliseconds.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub id: String,
    pub company_id: String,
    pub branch_id: String,
    pub service_id: String,
    pub staff_id: Option<String>,
    pub window_said: String,
    pub window_from: i64,
    pub window_until: i64,
    pub day_from_min: Option<i64>,
    pub day_until_min: Option<i64>,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    pub call_id: Option<String>,
}

pub async fn insert(tx: &mut WriteTx, e: &NewEntry, now: i64) -> Result<(), StoreError> {
    let sql = "INSERT INTO waitlist_entries (id, company_id, branch_id, service_id, staff_id, window_said, \
        window_from, window_until, day_from_min, day_until_min, customer_name, customer_phone, customer_email, \
        call_id, status, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'waiting', $15, $15)";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(&e.id)
        .bind(&e.company_id)
        .bind(&e.branch_id)
        .bind(&e.service_id)
        .bind(&e.staff_id)
        .bind(&e.window_said)
        .bind(e.window_from)
        .bind(e.window_until)
        .bind(e.day_from_min)
        .bind(e.day_until_min)
        .bind(&e.customer_name)
        .bind(&e.customer_phone)
        .bind(&e.customer_email)
        .bind(&e.call_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(db: &Db, company_id: &str, id: &str) -> Result<Option<EntryRow>, StoreError> {
    let sql = format!("{SELECT} WHERE w.company_id = $1 AND w.id = $2");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(id)
    .fetch_optional(pool)
    .await)?)
}

/// Reads an entry inside a write transaction, locking its row on PostgreSQL so that a
/// confirmation and an expiry of the same hold take turns.
pub async fn get_for_update(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
) -> Result<Option<EntryRow>, StoreError> {
    if let WriteTx::Postgres(tx) = tx {
        sqlx::query("SELECT id FROM waitlist_entries WHERE company_id = $1 AND id = $2 FOR UPDATE")
            .bind(company_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    let sql = format!("{SELECT} WHERE w.company_id = $1 AND w.id = $2");
    Ok(on_tx!(tx, |conn| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(id)
    .fetch_optional(conn)
    .await)?)
}

/// A company's entries in the order they joined; only those of `statuses` when given.
pub async fn list(
    db: &Db,
    company_id: &str,
    statuses: &[&str],
    limit: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    let wanted = serde_json::to_string(statuses).unwrap_or_else(|_| "[]".into());
    // One bound JSON list instead of a variable number of placeholders.
    let sql = format!(
        "{SELECT} WHERE w.company_id = $1 AND ($2 = '[]' OR $2 LIKE '%\"' || w.status || '\"%') \
         ORDER BY w.created_at, w.id LIMIT $3"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(&wanted)
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// Companies with someone waiting or a slot held.
pub async fn active_companies(db: &Db) -> Result<Vec<String>, StoreError> {
    let sql =
        "SELECT DISTINCT company_id FROM waitlist_entries WHERE status IN ('waiting', 'held')";
    Ok(on_pool!(db, |pool| sqlx::query_scalar::<_, String>(sql)
        .fetch_all(pool)
        .await)?)
}

/// Entries whose hold ran out before `now`, oldest hold first.
pub async fn expired_holds(
    db: &Db,
    company_id: &str,
    now: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE w.company_id = $1 AND w.status = 'held' AND w.held_until <= $2 ORDER BY w.held_until, w.id"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(now)
    .fetch_all(pool)
    .await)?)
}

/// Active entries of one phone number, across companies (an SMS answer names no company).
pub async fn active_of_phone(db: &Db, phone: &str) -> Result<Vec<EntryRow>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE w.customer_phone = $1 AND w.status IN ('waiting', 'held') ORDER BY w.updated_at DESC, w.id"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(phone)
    .fetch_all(pool)
    .await)?)
}

/// The entry whose hold is this appointment.
pub async fn of_hold(
    tx: &mut WriteTx,
    appointment_id: &str,
) -> Result<Option<EntryRow>, StoreError> {
    let sql = format!("{SELECT} WHERE w.hold_appointment_id = $1");
    Ok(on_tx!(tx, |conn| sqlx::query_as::<_, EntryRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(appointment_id)
    .fetch_optional(conn)
    .await)?)
}

/// Moves an entry from `from` to `to`; false when it was no longer `from`. Leaving `held`
/// keeps the hold's appointment id as history, except when the hold passes on.
pub async fn set_status(
    tx: &mut WriteTx,
    id: &str,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let sql =
        "UPDATE waitlist_entries SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// A waiting entry now has `appointment_id` held for it until `held_until`. The entry
/// whose hold passed on to this one gives up its link first (one hold, one entry).
pub async fn set_held(
    tx: &mut WriteTx,
    id: &str,
    appointment_id: &str,
    held_until: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let unlink = "UPDATE waitlist_entries SET hold_appointment_id = NULL WHERE hold_appointment_id = $1 AND id <> $2";
    on_tx!(tx, |conn| sqlx::query(unlink)
        .bind(appointment_id)
        .bind(id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    let sql = "UPDATE waitlist_entries SET status = 'held', hold_appointment_id = $2, held_until = $3, updated_at = $4 \
        WHERE id = $1 AND status = 'waiting'";
    let changed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(appointment_id)
        .bind(held_until)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// The active entry of the same phone number for the same service whose range overlaps
/// `[from, until)`: joining twice is one entry.
pub async fn find_same(tx: &mut WriteTx, e: &NewEntry) -> Result<Option<String>, StoreError> {
    let sql = "SELECT id FROM waitlist_entries WHERE company_id = $1 AND customer_phone = $2 AND service_id = $3 \
        AND status IN ('waiting', 'held') AND window_from < $5 AND $4 < window_until ORDER BY created_at LIMIT 1";
    Ok(on_tx!(tx, |conn| sqlx::query_scalar::<_, String>(sql)
        .bind(&e.company_id)
        .bind(&e.customer_phone)
        .bind(&e.service_id)
        .bind(e.window_from)
        .bind(e.window_until)
        .fetch_optional(conn)
        .await)?)
}

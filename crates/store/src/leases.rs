//! Leases for periodic tasks shared by many processes: one statement takes a free or
//! expired lease, or renews one's own, so two processes can never both hold it.

use crate::{Db, StoreError, on_tx};

/// Takes or renews lease `name` for `holder` until `until`; true when `holder` holds it
/// now, false when another holder's lease has not expired at `now`.
pub async fn acquire(
    db: &Db,
    name: &str,
    holder: &str,
    now: i64,
    until: i64,
) -> Result<bool, StoreError> {
    let sql = "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $4) \
               ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
               WHERE leases.expires_at <= $3 OR leases.holder = excluded.holder \
               RETURNING holder";
    let mut tx = db.begin_write().await?;
    let row: Option<(String,)> = on_tx!(&mut tx, |conn| sqlx::query_as(sql)
        .bind(name)
        .bind(holder)
        .bind(now)
        .bind(until)
        .fetch_optional(conn)
        .await)?;
    tx.commit().await?;
    Ok(row.is_some_and(|(h,)| h == holder))
}

/// Gives a lease back (a process stopping), so another may take it at once.
pub async fn release(db: &Db, name: &str, holder: &str) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(
        "DELETE FROM leases WHERE name = $1 AND holder = $2"
    )
    .bind(name)
    .bind(holder)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// Who holds lease `name` and until when, if anyone ever took it.
pub async fn holder(db: &Db, name: &str) -> Result<Option<(String, i64)>, StoreError> {
    Ok(crate::on_pool!(db, |pool| sqlx::query_as(
        "SELECT holder, expires_at FROM leases WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(pool)
    .await)?)
}

//! Stored runtime settings: global values (scope `""`) and per-company overrides.
//! Validation happens before, in askpro-core's registry; writes join the caller's
//! transaction so a value never changes without its audit entry.

use crate::{Db, StoreError, WriteTx, on_pool, on_tx};

pub const GLOBAL: &str = "";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSetting {
    pub scope: String,
    pub key: String,
    pub value: String,
    pub updated_at: i64,
}

/// Stores a value in the caller's transaction.
pub async fn set(
    tx: &mut WriteTx,
    scope: &str,
    key: &str,
    value: &str,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO settings (scope, key, value, updated_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(scope)
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes a value in the caller's transaction; false when there was none.
pub async fn unset(tx: &mut WriteTx, scope: &str, key: &str) -> Result<bool, StoreError> {
    let sql = "DELETE FROM settings WHERE scope = $1 AND key = $2";
    let removed = on_tx!(tx, |conn| sqlx::query(sql)
        .bind(scope)
        .bind(key)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(removed > 0)
}

/// Every stored value, global and of all companies.
pub async fn all(db: &Db) -> Result<Vec<StoredSetting>, StoreError> {
    let sql = "SELECT scope, key, value, updated_at FROM settings ORDER BY key, scope";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, StoredSetting>(
        sql
    )
    .fetch_all(pool)
    .await)?)
}

//! Stored runtime settings: global values (scope `""`) and per-company overrides.
//! Validation happens before, in askpro-core's registry.

use crate::{Db, StoreError, on_pool};

pub const GLOBAL: &str = "";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSetting {
    pub scope: String,
    pub key: String,
    pub value: String,
    pub updated_at: i64,
}

pub async fn set(db: &Db, scope: &str, key: &str, value: &str, now: i64) -> Result<(), StoreError> {
    let sql = "INSERT INTO settings (scope, key, value, updated_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
    let mut tx = db.begin_write().await?;
    crate::on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(scope)
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

pub async fn unset(db: &Db, scope: &str, key: &str) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let sql = "DELETE FROM settings WHERE scope = $1 AND key = $2";
    let done = crate::on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(scope)
        .bind(key)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(done > 0)
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

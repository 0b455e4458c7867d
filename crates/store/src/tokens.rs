//! API tokens: only their SHA-256 is stored, so a leaked database reveals no token.

use crate::{Db, StoreError, on_pool, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub company_id: Option<String>,
    pub label: String,
}

pub async fn insert(
    db: &Db,
    id: &str,
    company_id: &str,
    sha256: &str,
    label: &str,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO api_tokens (id, company_id, token_sha256, label, created_at) VALUES ($1, $2, $3, $4, $5)";
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(id)
        .bind(company_id)
        .bind(sha256)
        .bind(label)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// The live token with this hash, if any.
pub async fn find(db: &Db, sha256: &str) -> Result<Option<TokenRow>, StoreError> {
    let sql = "SELECT id, company_id, label FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, TokenRow>(sql)
        .bind(sha256)
        .fetch_optional(pool)
        .await)?)
}

//! Idempotency keys of booking requests: the first response is stored with a hash of
//! the request, in the same transaction as the booking, so a retry gets it back.

use crate::{Db, StoreError, WriteTx, on_pool, on_tx};

/// A stored first outcome.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status_code: i64,
    pub response: String,
}

pub async fn find(
    db: &Db,
    company_id: &str,
    key: &str,
) -> Result<Option<StoredResponse>, StoreError> {
    let sql = "SELECT request_hash, status_code, response FROM idempotency_keys WHERE company_id = $1 AND idem_key = $2";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, StoredResponse>(
        sql
    )
    .bind(company_id)
    .bind(key)
    .fetch_optional(pool)
    .await)?)
}

/// Records the outcome; [`StoreError::Duplicate`] if a concurrent request with the same
/// key committed first (the caller then rolls back and answers with that one).
pub async fn record(
    tx: &mut WriteTx,
    company_id: &str,
    key: &str,
    stored: &StoredResponse,
    now: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO idempotency_keys (company_id, idem_key, request_hash, status_code, response, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(company_id)
        .bind(key)
        .bind(&stored.request_hash)
        .bind(stored.status_code)
        .bind(&stored.response)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces the outcome recorded under `key` (a booking Cal.com refused after it was
/// recorded as made): a retry with the key then hears the refusal.
pub async fn replace(
    tx: &mut WriteTx,
    company_id: &str,
    key: &str,
    status_code: i64,
    response: &str,
) -> Result<(), StoreError> {
    let sql = "UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE company_id = $1 AND idem_key = $2";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(company_id)
        .bind(key)
        .bind(status_code)
        .bind(response)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

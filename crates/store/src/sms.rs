//! Text messages as sent: one per notification job, with the provider's id and status.

use crate::{Db, StoreError, on_pool, on_tx};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Sms {
    pub id: String,
    pub job_id: String,
    pub company_id: String,
    pub kind: String,
    pub to_number: String,
    pub body: String,
    pub provider: String,
    pub provider_id: String,
    pub status: String,
    pub created_at: i64,
}

/// Records a sent message; false when its job already recorded one.
pub async fn record(db: &Db, sms: &Sms) -> Result<bool, StoreError> {
    let sql = "INSERT INTO sms_messages (id, job_id, company_id, kind, to_number, body, provider, provider_id, status, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (job_id) DO NOTHING";
    let mut tx = db.begin_write().await?;
    let inserted = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(&sms.id)
        .bind(&sms.job_id)
        .bind(&sms.company_id)
        .bind(&sms.kind)
        .bind(&sms.to_number)
        .bind(&sms.body)
        .bind(&sms.provider)
        .bind(&sms.provider_id)
        .bind(&sms.status)
        .bind(sms.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(inserted == 1)
}

pub async fn exists_for_job(db: &Db, job_id: &str) -> Result<bool, StoreError> {
    let sql = "SELECT COUNT(*) FROM sms_messages WHERE job_id = $1";
    let count: i64 = on_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(job_id)
        .fetch_one(pool)
        .await)?;
    Ok(count > 0)
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Sms>, StoreError> {
    let sql = "SELECT id, job_id, company_id, kind, to_number, body, provider, provider_id, status, created_at \
        FROM sms_messages ORDER BY created_at DESC, id DESC LIMIT $1";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Sms>(sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

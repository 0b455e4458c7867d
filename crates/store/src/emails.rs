//! E-mails as produced: stored once per notification job, whatever transport took them.

use crate::{Db, StoreError, on_pool, on_tx};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Email {
    pub id: String,
    pub job_id: String,
    pub company_id: String,
    pub kind: String,
    pub to_address: String,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub message_id: String,
    pub transport: String,
    pub created_at: i64,
}

/// Stores a mail; false when its job already stored one (a retry).
pub async fn store(db: &Db, mail: &Email) -> Result<bool, StoreError> {
    let sql = "INSERT INTO emails (id, job_id, company_id, kind, to_address, reply_to, subject, body_text, message_id, transport, created_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (job_id) DO NOTHING";
    let mut tx = db.begin_write().await?;
    let inserted = on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(&mail.id)
        .bind(&mail.job_id)
        .bind(&mail.company_id)
        .bind(&mail.kind)
        .bind(&mail.to_address)
        .bind(&mail.reply_to)
        .bind(&mail.subject)
        .bind(&mail.body_text)
        .bind(&mail.message_id)
        .bind(&mail.transport)
        .bind(mail.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(inserted == 1)
}

/// The newest mails, of one company or all.
pub async fn recent(
    db: &Db,
    company_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Email>, StoreError> {
    let sql = "SELECT id, job_id, company_id, kind, to_address, reply_to, subject, body_text, message_id, transport, created_at \
        FROM emails WHERE ($1 IS NULL OR company_id = $1) ORDER BY created_at DESC, id DESC LIMIT $2";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Email>(sql)
        .bind(company_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Whether a notification job already produced its mail (a retry must not send again).
pub async fn exists_for_job(db: &Db, job_id: &str) -> Result<bool, StoreError> {
    let sql = "SELECT COUNT(*) FROM emails WHERE job_id = $1";
    let count: i64 = on_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(job_id)
        .fetch_one(pool)
        .await)?;
    Ok(count > 0)
}

/// One company's e-mail delivery since some instant: mails servers took (or the outbox
/// kept) against mail jobs that died.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Delivery {
    pub company: String,
    pub delivered: i64,
    pub failed: i64,
}

impl Delivery {
    /// Delivered share in percent; `None` when nothing was due.
    pub fn rate_percent(&self) -> Option<f64> {
        let total = self.delivered + self.failed;
        (total > 0).then(|| self.delivered as f64 * 100.0 / total as f64)
    }
}

/// Delivery per company (by slug) since `since`, every company listed.
pub async fn delivery_by_company(db: &Db, since: i64) -> Result<Vec<Delivery>, StoreError> {
    let sql = "SELECT c.slug AS company, \
        (SELECT COUNT(*) FROM emails e WHERE e.company_id = c.id AND e.created_at >= $1) AS delivered, \
        (SELECT COUNT(*) FROM jobs j WHERE j.company_id = c.id AND j.queue = 'emails' \
            AND j.status = 'dead' AND j.updated_at >= $1) AS failed \
        FROM companies c ORDER BY c.slug";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, Delivery>(sql)
        .bind(since)
        .fetch_all(pool)
        .await)?)
}

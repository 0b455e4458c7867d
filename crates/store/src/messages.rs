//! Messages and callback requests for a company's team, taken by the voice agent and
//! marked done by the team.

use crate::{Db, StoreError, on_pool};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct MessageRow {
    pub id: String,
    pub company_id: String,
    pub branch_slug: Option<String>,
    pub call_id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub concern: String,
    pub callback_said: Option<String>,
    pub callback_from: Option<i64>,
    pub callback_until: Option<i64>,
    pub urgent: i64,
    pub status: String,
    pub created_at: i64,
    pub done_at: Option<i64>,
    pub done_by: Option<String>,
}

pub(crate) const COLUMNS: &str = "id, company_id, branch_slug, call_id, name, phone, concern, callback_said, \
    callback_from, callback_until, urgent, status, created_at, done_at, done_by";

/// Stores a new, open message in the caller's transaction.
pub async fn insert(tx: &mut crate::WriteTx, m: &MessageRow) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO messages ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    );
    crate::on_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&m.id)
        .bind(&m.company_id)
        .bind(&m.branch_slug)
        .bind(&m.call_id)
        .bind(&m.name)
        .bind(&m.phone)
        .bind(&m.concern)
        .bind(&m.callback_said)
        .bind(m.callback_from)
        .bind(m.callback_until)
        .bind(m.urgent)
        .bind(&m.status)
        .bind(m.created_at)
        .bind(m.done_at)
        .bind(&m.done_by)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A company's messages, newest first; only those of `status` when given.
pub async fn list(
    db: &Db,
    company_id: &str,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE company_id = $1 AND ($2 IS NULL OR status = $2) \
        ORDER BY urgent DESC, created_at DESC, id DESC LIMIT $3"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, MessageRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .bind(status)
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// Marks a message done; `None` when the company has no such message. Marking it again
/// keeps the first time and person.
pub async fn mark_done(
    db: &Db,
    company_id: &str,
    id: &str,
    by: &str,
    now: i64,
) -> Result<Option<MessageRow>, StoreError> {
    let sql = "UPDATE messages SET status = 'done', done_at = $3, done_by = $4 \
        WHERE company_id = $1 AND id = $2 AND status = 'open'";
    let mut tx = db.begin_write().await?;
    crate::on_tx!(&mut tx, |conn| sqlx::query(sql)
        .bind(company_id)
        .bind(id)
        .bind(now)
        .bind(by)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    let read = format!("SELECT {COLUMNS} FROM messages WHERE company_id = $1 AND id = $2");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, MessageRow>(
        sqlx::AssertSqlSafe(read)
    )
    .bind(company_id)
    .bind(id)
    .fetch_optional(pool)
    .await)?)
}

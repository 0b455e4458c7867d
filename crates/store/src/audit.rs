//! The audit log: who or what changed which entity, from where, and how it looked
//! before and after. Written in the same transaction as the change itself.

use crate::{Db, StoreError, WriteTx, on_pool, on_tx};
use serde::Serialize;

/// One audit entry to write.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub company_id: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    /// `api`, `phone`, `cli`, `calcom`, `system`.
    pub actor: &'a str,
    /// The token label, the call id, the operator's user name, …
    pub origin: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub actor: String,
    pub origin: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub async fn record(tx: &mut WriteTx, entry: &AuditEntry<'_>, now: i64) -> Result<(), StoreError> {
    let sql = "INSERT INTO audit_log (at, company_id, entity, entity_id, action, actor, origin, before, after) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_tx!(tx, |conn| sqlx::query(sql)
        .bind(now)
        .bind(entry.company_id)
        .bind(entry.entity)
        .bind(entry.entity_id)
        .bind(entry.action)
        .bind(entry.actor)
        .bind(entry.origin)
        .bind(entry.before.as_ref().map(|v| v.to_string()))
        .bind(entry.after.as_ref().map(|v| v.to_string()))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The history of one entity, oldest first.
pub async fn history(db: &Db, entity: &str, entity_id: &str) -> Result<Vec<AuditRow>, StoreError> {
    let sql = "SELECT id, at, entity, entity_id, action, actor, origin, before, after FROM audit_log \
        WHERE entity = $1 AND entity_id = $2 ORDER BY id";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, AuditRow>(sql)
        .bind(entity)
        .bind(entity_id)
        .fetch_all(pool)
        .await)?)
}

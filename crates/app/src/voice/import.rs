//! Importing calls from Retell's API that the webhooks missed (`askpro retell
//! import-calls`): list the window page by page, fetch each call whole (the list omits
//! transcripts), and merge it like a webhook would. Running it twice changes nothing.

use super::VoiceError;
use crate::App;
use askpro_connectors::retell::{ListCalls, Retell};
use askpro_store::calls;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub fetched: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl App {
    /// Imports the calls of `agent_ids` (all when empty) that started at or after
    /// `since_ms`; `progress(done, total)` after each call.
    pub async fn import_calls(
        &self,
        retell: &Retell,
        since_ms: i64,
        agent_ids: Vec<String>,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport, VoiceError> {
        let query = ListCalls {
            agent_ids,
            start_after_ms: Some(since_ms),
            ..ListCalls::default()
        };
        let listed = retell.list_all_calls(query, |_| {}).await?;
        let mut report = ImportReport {
            fetched: listed.len(),
            ..ImportReport::default()
        };
        for (done, item) in listed.iter().enumerate() {
            let Some(call_id) = item["call_id"].as_str() else {
                continue;
            };
            let call = retell.get_call(call_id).await?;
            match self.import_call(&call).await? {
                Imported::New => report.new += 1,
                Imported::Updated => report.updated += 1,
                Imported::Unchanged => report.unchanged += 1,
            }
            progress(done + 1, listed.len());
        }
        if report.new + report.updated > 0 {
            self.db.analyze(&["calls"]).await;
        }
        Ok(report)
    }

    async fn import_call(&self, call: &Value) -> Result<Imported, VoiceError> {
        let call_id = call["call_id"].as_str().unwrap_or_default();
        // Looked up before the transaction, which must not wait for a second connection.
        let text = |k: &str| call[k].as_str().map(str::to_owned);
        let (company_id, branch_slug) = self
            .owner_of_call(text("to_number"), text("agent_id"))
            .await?;
        let owner = super::merger::Owner {
            company_id,
            branch_slug,
        };
        let mut tx = self.db.begin_write().await.map_err(crate::AppError::from)?;
        // Merging a call takes moments: waiting for its lock is short.
        calls::lock_call(&mut tx, call_id, true)
            .await
            .map_err(crate::AppError::from)?;
        let known = calls::get_call(&mut tx, call_id)
            .await
            .map_err(crate::AppError::from)?;
        let known_data = known.as_ref().map(|k| k.data.clone());
        let row = self.merged_row(known, "imported", call, &owner);
        let outcome = match known_data {
            None => Imported::New,
            Some(data) if data == row.data => return Ok(Imported::Unchanged),
            Some(_) => Imported::Updated,
        };
        calls::save_call(&mut tx, &row)
            .await
            .map_err(crate::AppError::from)?;
        tx.commit().await.map_err(crate::AppError::from)?;
        Ok(outcome)
    }
}

enum Imported {
    New,
    Updated,
    Unchanged,
}

//! Merging stored webhook deliveries into calls, call by call: one short transaction per
//! call folds all its waiting deliveries in arrival order and saves the call once. Of
//! consecutive transcript updates only the last matters, so a long call's many updates
//! cost one write. On PostgreSQL a per-call lock taken without waiting lets several
//! processes merge different calls at once; a call another process is merging is left
//! to it. Only call ids are read ahead, so memory stays small whatever the backlog.

use super::calls::transfers;
use super::merge::{merge_call, stage};
use crate::App;
use crate::error::Result;
use askpro_store::calls::{self, CallRow, EventRow};
use serde_json::Value;

/// Calls looked at per round.
const CALLS_PER_ROUND: i64 = 500;
/// Deliveries of one call merged per transaction.
const EVENTS_PER_CALL: i64 = 100;

/// What a round of merging did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Deliveries merged into their calls.
    pub merged: u64,
    /// Calls left alone because another process was merging them.
    pub busy_calls: u64,
    /// An operator paused merging (`askpro webhook pause`).
    pub paused: bool,
}

impl App {
    /// Merges everything that waits, unless merging is paused. Calls another process
    /// is merging are counted in `busy_calls` and left for later.
    pub async fn merge_waiting(&self) -> Result<MergeReport> {
        let mut report = MergeReport::default();
        if calls::paused_until(&self.db)
            .await?
            .is_some_and(|until| until > self.now_ms())
        {
            report.paused = true;
            return Ok(report);
        }
        loop {
            let waiting = calls::calls_waiting(&self.db, CALLS_PER_ROUND).await?;
            let mut progress = 0;
            let mut busy = 0;
            for call_id in &waiting {
                match self.merge_call_events(call_id).await {
                    Ok(Some(merged)) => progress += merged,
                    Ok(None) => busy += 1,
                    // The database is busy or away: the whole round waits and tries again.
                    Err(error) if error.is_transient() => return Err(error),
                    // A fault of this call alone (a bug, data the schema refuses) must not
                    // stall every other call: its deliveries are set aside, bodies kept.
                    Err(error) => progress += self.set_aside(call_id, &error).await?,
                }
            }
            report.merged += progress;
            if waiting.is_empty() || progress == 0 {
                report.busy_calls = busy;
                return Ok(report);
            }
        }
    }

    /// Merges the waiting deliveries of one call: how many, or `None` when another
    /// process holds the call. Who owns the call is looked up before the transaction, so
    /// the transaction (on SQLite: the write turn) never waits for a second connection.
    async fn merge_call_events(&self, call_id: &str) -> Result<Option<u64>> {
        let owner = self.owner_before_merge(call_id).await?;
        let mut tx = self.db.begin_write().await?;
        if !calls::lock_call(&mut tx, call_id, false).await? {
            return Ok(None);
        }
        let events = calls::waiting_events_of_call(&mut tx, call_id, EVENTS_PER_CALL).await?;
        if events.is_empty() {
            return Ok(Some(0));
        }
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        let known = calls::get_call(&mut tx, call_id).await?;
        let now = self.now_ms();
        let row = self.folded_row(known, &events, &owner)?;
        calls::save_call(&mut tx, &row).await?;
        let merged = calls::mark_merged(&mut tx, call_id, &seqs, now, None).await?;
        if let Some(latest) = events
            .iter()
            .rev()
            .find(|e| e.event == "transcript_updated")
        {
            calls::prune_transcript_updates(&mut tx, call_id, latest.seq).await?;
        }
        tx.commit().await?;
        let oldest = events.first().map_or(now, |e| e.received_at);
        tracing::debug!(call_id, company = row.company_id.as_deref().unwrap_or("-"), deliveries = merged, last_event = %row.last_event, lag_ms = now - oldest, "call events merged");
        Ok(Some(merged))
    }

    /// The owner a call gets if it has none yet: looked up from its oldest waiting
    /// delivery's numbers. Empty when it has one (the merge keeps it).
    async fn owner_before_merge(&self, call_id: &str) -> Result<Owner> {
        if calls::call_company(&self.db, call_id).await?.is_some() {
            return Ok(Owner::default());
        }
        let Some(body) = calls::oldest_waiting_body(&self.db, call_id).await? else {
            return Ok(Owner::default());
        };
        let call = &serde_json::from_str::<Value>(&body).unwrap_or(Value::Null)["call"];
        let text = |k: &str| call[k].as_str().map(str::to_owned);
        let (company_id, branch_slug) = self
            .owner_of_call(text("to_number"), text("agent_id"))
            .await?;
        Ok(Owner {
            company_id,
            branch_slug,
        })
    }

    /// Sets a call's waiting deliveries aside with the error that kept them from being
    /// merged, in a transaction of its own; how many.
    async fn set_aside(&self, call_id: &str, error: &crate::AppError) -> Result<u64> {
        let mut tx = self.db.begin_write().await?;
        let events = calls::waiting_events_of_call(&mut tx, call_id, EVENTS_PER_CALL).await?;
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        let text = error.to_string();
        let set = calls::mark_merged(&mut tx, call_id, &seqs, self.now_ms(), Some(&text)).await?;
        tx.commit().await?;
        tracing::error!(call_id, error = %text, deliveries = set, "Retell deliveries could not be merged; set aside with their raw bodies");
        Ok(set)
    }

    /// The call after all of `events`, in order. A transcript update directly followed
    /// by another says nothing the next one does not say again, so it is skipped. A
    /// transfer event is also noted whole: its destination lies outside the call object.
    fn folded_row(
        &self,
        mut known: Option<CallRow>,
        events: &[EventRow],
        owner: &Owner,
    ) -> Result<CallRow> {
        let mut row = None;
        for (index, event) in events.iter().enumerate() {
            let superseded = event.event == "transcript_updated"
                && events
                    .get(index + 1)
                    .is_some_and(|next| next.event == "transcript_updated");
            if superseded {
                continue;
            }
            let body: Value = serde_json::from_str(&event.body).unwrap_or(Value::Null);
            let mut merged = self.merged_row(known.take(), &event.event, &body["call"], owner);
            if event.event.starts_with("transfer_") {
                transfers::note(&mut merged, &event.event, &body, event.received_at);
            }
            known = Some(merged.clone());
            row = Some(merged);
        }
        row.ok_or_else(|| crate::AppError::Invalid("no delivery to merge".into()))
    }

    /// Merges everything that waits now (`askpro webhook pause --duration 0`, tests);
    /// the server's merger does the same whenever a delivery arrives. How many merged.
    pub async fn process_retell_events(&self) -> Result<usize> {
        Ok(self.merge_waiting().await?.merged as usize)
    }

    /// The stored call after one more event (or import) about it. A call that has no
    /// company yet gets `owner`, which the caller looked up before its transaction.
    pub(crate) fn merged_row(
        &self,
        known: Option<CallRow>,
        event: &str,
        incoming: &Value,
        owner: &Owner,
    ) -> CallRow {
        let now = self.now_ms();
        // Text columns reach PostgreSQL, which refuses NUL characters.
        let incoming = &super::functions::without_nul(incoming);
        let known_stage = known.as_ref().map_or(0, |k| stage(&k.last_event));
        let known_data: Option<Value> = known
            .as_ref()
            .and_then(|k| serde_json::from_str(&k.data).ok());
        let data = merge_call(known_data.as_ref(), known_stage, event, incoming);
        let text = |k: &str| data[k].as_str().map(str::to_owned);
        let number = |k: &str| data[k].as_i64();
        let (company_id, branch_slug) = match known.as_ref().filter(|k| k.company_id.is_some()) {
            Some(k) => (k.company_id.clone(), k.branch_slug.clone()),
            None => (owner.company_id.clone(), owner.branch_slug.clone()),
        };
        let analysis = &data["call_analysis"];
        CallRow {
            call_id: text("call_id").unwrap_or_default(),
            company_id,
            branch_slug,
            agent_id: text("agent_id"),
            direction: text("direction"),
            from_number: text("from_number"),
            to_number: text("to_number"),
            call_status: text("call_status"),
            start_timestamp: number("start_timestamp"),
            end_timestamp: number("end_timestamp"),
            duration_ms: number("duration_ms")
                .or_else(|| number("end_timestamp")?.checked_sub(number("start_timestamp")?)),
            disconnection_reason: text("disconnection_reason"),
            call_successful: analysis["call_successful"].as_bool().map(i64::from),
            user_sentiment: analysis["user_sentiment"].as_str().map(str::to_owned),
            data: data.to_string(),
            last_event: if stage(event) >= known_stage {
                event.to_owned()
            } else {
                known
                    .as_ref()
                    .map_or(event.to_owned(), |k| k.last_event.clone())
            },
            created_at: known.as_ref().map_or(now, |k| k.created_at),
            updated_at: now,
        }
    }
}

/// Which company (id) and branch a call belongs to, as far as known.
#[derive(Debug, Clone, Default)]
pub(crate) struct Owner {
    pub company_id: Option<String>,
    pub branch_slug: Option<String>,
}

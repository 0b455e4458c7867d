//! Retell's call webhooks: store each verified delivery first (deduplicated), answer at
//! once, then merge the stored deliveries into calls in the order they arrived — right
//! away, or after an operator's pause (`askpro webhook pause`) ends.

use super::merge::{merge_call, stage};
use crate::App;
use crate::error::{AppError, Result};
use askpro_store::calls::{self, CallRow, EventRow, NewEvent};
use askpro_store::new_id;
use serde_json::Value;
use sha2::Digest;
use std::time::Instant;

/// What happened to a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub event: String,
    pub call_id: String,
    /// False when this event of this call had been stored before (a retry).
    pub first_time: bool,
}

/// Deliveries merged per round of [`App::process_retell_events`].
const BATCH: i64 = 200;

impl App {
    /// Stores a verified delivery. Refuses bodies that are no Retell event (no `event`
    /// or no `call.call_id`), naming what is missing.
    pub async fn accept_retell_event(&self, body: &[u8]) -> Result<Accepted> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| AppError::Invalid(format!("the body is not valid JSON: {e}")))?;
        // The docs once called it `event_type`; accepting both costs nothing.
        let event = value["event"]
            .as_str()
            .or_else(|| value["event_type"].as_str())
            .ok_or_else(|| AppError::Invalid("the event has no `event` name".into()))?;
        let call_id = value["call"]["call_id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| AppError::Invalid("the event has no `call.call_id`".into()))?;
        if [event, call_id]
            .iter()
            .any(|t| t.chars().any(char::is_control))
        {
            return Err(AppError::Invalid(
                "`event` and `call.call_id` must not contain control characters".into(),
            ));
        }
        let dedup_key = dedup_key(event, call_id, &value);
        let text = String::from_utf8_lossy(body);
        let first_time = calls::insert_event(
            &self.db,
            &NewEvent {
                id: &new_id(),
                dedup_key: dedup_key.as_deref(),
                event,
                call_id,
                body: &text,
                received_at: self.now_ms(),
            },
        )
        .await?;
        Ok(Accepted {
            event: event.to_owned(),
            call_id: call_id.to_owned(),
            first_time,
        })
    }

    /// Merges every stored, unprocessed delivery into its call, oldest first, unless
    /// processing is paused. Returns how many were merged.
    pub async fn process_retell_events(&self) -> Result<usize> {
        let now = self.now_ms();
        if calls::paused_until(&self.db)
            .await?
            .is_some_and(|until| until > now)
        {
            return Ok(0);
        }
        let mut merged = 0;
        loop {
            let pending = calls::pending_events(&self.db, BATCH).await?;
            if pending.is_empty() {
                return Ok(merged);
            }
            for event in &pending {
                match self.process_event(event).await {
                    Ok(true) => merged += 1,
                    Ok(false) => {}
                    // One event that cannot be merged must not hold up those behind it:
                    // it is set aside with its error, its raw body kept.
                    Err(error) => self.set_aside(event, &error.to_string()).await?,
                }
            }
        }
    }

    async fn set_aside(&self, event: &EventRow, error: &str) -> Result<()> {
        tracing::error!(call_id = %event.call_id, event = %event.event, %error, "Retell event could not be merged; set aside with its raw body");
        let mut tx = self.db.begin_write().await?;
        let now = self.now_ms();
        calls::mark_processed(
            &mut tx,
            event.seq,
            now,
            now - event.received_at,
            Some(error),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Merges one delivery; false when another process got to it first.
    async fn process_event(&self, event: &EventRow) -> Result<bool> {
        let started = Instant::now();
        let body: Value = serde_json::from_str(&event.body).unwrap_or(Value::Null);
        let mut tx = self.db.begin_write().await?;
        calls::lock_processing(&mut tx).await?;
        let known = calls::get_call(&mut tx, &event.call_id).await?;
        let row = self.merged_row(known, &event.event, &body["call"]).await?;
        calls::save_call(&mut tx, &row).await?;
        let now = self.now_ms();
        let handling_ms = (now - event.received_at).max(started.elapsed().as_millis() as i64);
        if !calls::mark_processed(&mut tx, event.seq, now, handling_ms, None).await? {
            return Ok(false);
        }
        if event.event == "transcript_updated" {
            calls::prune_transcript_updates(&mut tx, &event.call_id, event.seq).await?;
        }
        tx.commit().await?;
        tracing::info!(call_id = %event.call_id, event = %event.event, company = row.company_id.as_deref().unwrap_or("-"), duration_ms = handling_ms, "call event merged");
        Ok(true)
    }

    /// The stored call after one more event (or import) about it.
    pub(crate) async fn merged_row(
        &self,
        known: Option<CallRow>,
        event: &str,
        incoming: &Value,
    ) -> Result<CallRow> {
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
            None => {
                self.owner_of_call(text("to_number"), text("agent_id"))
                    .await?
            }
        };
        let analysis = &data["call_analysis"];
        Ok(CallRow {
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
        })
    }

    /// Whether the call (by its number or agent) is `company_id`'s.
    pub async fn call_belongs_to(&self, call: &Value, company_id: &str) -> Result<bool> {
        let text = |k: &str| call[k].as_str().map(str::to_owned);
        let (owner, _) = self
            .owner_of_call(text("to_number"), text("agent_id"))
            .await?;
        Ok(owner.as_deref() == Some(company_id))
    }

    /// The company (id) and branch a call belongs to: the called branch number first,
    /// then the agent. Unknown calls are kept without a company, never dropped.
    async fn owner_of_call(
        &self,
        to_number: Option<String>,
        agent_id: Option<String>,
    ) -> Result<(Option<String>, Option<String>)> {
        match self
            .tenant_of_call(to_number.as_deref(), agent_id.as_deref())
            .await?
        {
            Some((company, branch)) => Ok((Some(self.company_id(&company).await?), branch)),
            None => Ok((None, None)),
        }
    }
}

/// Lifecycle events happen once per call; transfers once per content; transcript
/// updates repeat by design and are kept in full.
fn dedup_key(event: &str, call_id: &str, value: &Value) -> Option<String> {
    match event {
        "transcript_updated" => None,
        // A call can be transferred more than once: each transfer's content tells them apart.
        e if e.starts_with("transfer_") => {
            let digest = sha2::Sha256::digest(value.to_string().as_bytes());
            Some(format!("{e}:{call_id}:{}", &hex::encode(digest)[..16]))
        }
        e => Some(format!("{e}:{call_id}")),
    }
}

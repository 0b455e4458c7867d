//! Retell's call webhooks: store each verified delivery first (deduplicated) with one
//! short insert, answer at once, and wake the merger (`merger.rs`), which folds the
//! stored deliveries into calls in the order they arrived.

use crate::App;
use crate::error::{AppError, Result};
use askpro_store::calls::{self, NewEvent};
use askpro_store::new_id;
use serde_json::Value;
use sha2::Digest;

/// What happened to a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub event: String,
    pub call_id: String,
    /// False when this event of this call had been stored before (a retry).
    pub first_time: bool,
}

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
        if first_time {
            self.merge_wakeup.notify_one();
        }
        Ok(Accepted {
            event: event.to_owned(),
            call_id: call_id.to_owned(),
            first_time,
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
    pub(super) async fn owner_of_call(
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

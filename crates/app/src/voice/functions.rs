//! The functions the voice agent calls (`shared/contract/retell-functions.md`): one
//! entry point that finds the call's company, runs the function, records the answer with
//! its timing, and — for functions that change something — gives a retried call the
//! first answer instead of acting twice.

use super::context::CallContext;
use super::in_flight::{Entered, answer_of};
use super::{answers, manage};
use crate::App;
use crate::error::AppError;
use askpro_store::calls::{self, FunctionCallRow};
use askpro_store::new_id;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Instant;

/// The functions, as the agent knows them.
pub const FUNCTIONS: [&str; 10] = [
    "list_services",
    "check_availability",
    "book_appointment",
    "find_appointments",
    "cancel_appointment",
    "reschedule_appointment",
    "get_opening_hours",
    "take_message",
    "join_waitlist",
    "can_transfer",
];

/// How long a retry waits for the first delivery's answer.
const CLAIM_PATIENCE: std::time::Duration = std::time::Duration::from_secs(15);
/// A claim older than this without an answer belongs to a process that died.
const CLAIM_ABANDONED_MS: i64 = 120_000;

/// Functions whose second delivery must not act again.
const CHANGING: [&str; 5] = [
    "book_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "take_message",
    "join_waitlist",
];

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("no company answers calls to {to} (agent {agent})")]
    UnknownTenant { to: String, agent: String },
    #[error("unknown function `{0}`; functions: {list}", list = FUNCTIONS.join(", "))]
    UnknownFunction(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("Retell: {0}")]
    Retell(#[from] askpro_connectors::retell::RetellError),
    #[error("the request was signed with another company's Retell key")]
    ForeignKey,
}

impl From<askpro_store::StoreError> for VoiceError {
    fn from(e: askpro_store::StoreError) -> Self {
        VoiceError::App(e.into())
    }
}

impl App {
    /// Answers one function call of the agent: `{"ok", "result", …}`. `signer` is the
    /// company whose own Retell key signed the request (`None`: the global key).
    pub async fn call_function(
        &self,
        name: &str,
        args: &Value,
        call: &Value,
        signer: Option<&str>,
    ) -> Result<Value, VoiceError> {
        let started = Instant::now();
        // Text fields reach the database; PostgreSQL refuses NUL characters in text.
        let (args, call) = (&without_nul(args), &without_nul(call));
        if !FUNCTIONS.contains(&name) {
            return Err(VoiceError::UnknownFunction(name.to_owned()));
        }
        let Some(ctx) = self.call_context(call).await? else {
            let field = |k: &str| call[k].as_str().unwrap_or("?").to_owned();
            return Err(VoiceError::UnknownTenant {
                to: field("to_number"),
                agent: field("agent_id"),
            });
        };
        if let Some(owner) = signer
            && owner != ctx.model.id()
        {
            return Err(VoiceError::ForeignKey);
        }
        let mut row = FunctionCallRow {
            id: new_id(),
            call_id: ctx.call_id.clone(),
            company_id: Some(ctx.model.id().to_owned()),
            name: name.to_owned(),
            args: args.to_string(),
            dedup_key: None,
            answer: String::new(),
            ok: calls::PENDING,
            duration_ms: 0,
            created_at: self.now_ms(),
        };
        if !CHANGING.contains(&name) {
            let answer = self.run_function(&ctx, name, args).await?;
            row.answer = answer.to_string();
            row.ok = i64::from(answer["ok"].as_bool().unwrap_or(false));
            row.duration_ms = started.elapsed().as_millis() as i64;
            calls::record_function_call(&self.db, &row).await?;
            tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), function = name, ok = row.ok == 1, duration_ms = row.duration_ms, "function answered");
            return Ok(answer);
        }
        let key = format!("{}:{name}:{}", ctx.call_id, hash_args(args));
        row.dedup_key = Some(key.clone());
        loop {
            match self.in_flight.enter(&key) {
                Entered::Second(first) => {
                    match tokio::time::timeout(CLAIM_PATIENCE, answer_of(first)).await {
                        Ok(Some(answer)) => {
                            tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), function = name, "function delivered again; first answer repeated");
                            return Ok(answer);
                        }
                        // The first delivery failed: this one tries itself.
                        Ok(None) => continue,
                        Err(_) => return Ok(still_working()),
                    }
                }
                Entered::First(first) => {
                    let answer = self
                        .answer_once(&ctx, args, &mut row, &key, started)
                        .await?;
                    first.finish(&answer);
                    return Ok(answer);
                }
            }
        }
    }

    /// A changing function, at most once per call and arguments: claimed in the
    /// database before acting (another process may hold the claim: then its answer),
    /// run, and its answer stored for deliveries to come.
    async fn answer_once(
        &self,
        ctx: &CallContext,
        args: &Value,
        row: &mut FunctionCallRow,
        key: &str,
        started: Instant,
    ) -> Result<Value, VoiceError> {
        if let Some(first) = self.claim(row, key).await? {
            tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), function = %row.name, "function delivered again; first answer repeated");
            return Ok(first);
        }
        let answer = match self.run_function(ctx, &row.name, args).await {
            Ok(answer) => answer,
            Err(error) => {
                calls::release_function(&self.db, key, None).await?;
                return Err(error);
            }
        };
        row.duration_ms = started.elapsed().as_millis() as i64;
        row.answer = answer.to_string();
        row.ok = i64::from(answer["ok"].as_bool().unwrap_or(false));
        let finished =
            calls::finish_function(&self.db, key, &row.answer, row.ok, row.duration_ms).await;
        if let Err(error) = finished {
            // The change is committed but its answer not recorded: give the claim up, so
            // that Retell's retry runs the function again, which the booking service's
            // idempotency turns into the committed answer.
            let _ = calls::release_function(&self.db, key, None).await;
            return Err(error.into());
        }
        tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), function = %row.name, ok = row.ok == 1, duration_ms = row.duration_ms, "function answered");
        Ok(answer)
    }

    /// Claims a changing function call in the database before acting, so that a retry
    /// that reached another process waits for the first answer instead of acting again.
    /// `None`: the claim is ours; `Some(answer)`: the first delivery's answer.
    async fn claim(&self, row: &FunctionCallRow, key: &str) -> Result<Option<Value>, VoiceError> {
        let waited = Instant::now();
        loop {
            if calls::record_function_call(&self.db, row).await? {
                return Ok(None);
            }
            let Some(first) = calls::function_answer(&self.db, key).await? else {
                continue; // released meanwhile: claim again
            };
            if first.ok != calls::PENDING {
                return Ok(Some(
                    serde_json::from_str(&first.answer).unwrap_or(Value::Null),
                ));
            }
            // A claim far older than any function takes was left by a process that died.
            let abandoned = self.now_ms() - CLAIM_ABANDONED_MS;
            if calls::release_function(&self.db, key, Some(abandoned)).await? {
                continue;
            }
            if waited.elapsed() > CLAIM_PATIENCE {
                return Ok(Some(still_working()));
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
    }

    async fn run_function(
        &self,
        ctx: &CallContext,
        name: &str,
        args: &Value,
    ) -> Result<Value, VoiceError> {
        let answer = match name {
            "list_services" => answers::list_services(ctx, args),
            "check_availability" => answers::check_availability(self, ctx, args).await?,
            "book_appointment" => answers::book(self, ctx, args).await?,
            "find_appointments" => manage::find(self, ctx, args).await?,
            "cancel_appointment" => manage::cancel(self, ctx, args).await?,
            "get_opening_hours" => super::hours::opening_hours(self, ctx, args).await?,
            "take_message" => super::message::take_message(self, ctx, args).await?,
            "can_transfer" => super::transfer::can_transfer(self, ctx, args).await?,
            "join_waitlist" => super::waitlist::join_waitlist(self, ctx, args).await?,
            _ => manage::reschedule(self, ctx, args).await?,
        };
        Ok(answer)
    }
}

/// What a delivery says when the first one takes longer than Retell waits.
fn still_working() -> Value {
    refusal("Einen Moment bitte, das dauert gerade etwas länger. Ich sehe gleich noch einmal nach.")
}

/// Arguments as a stable fingerprint: serde_json keeps object keys sorted.
pub(crate) fn hash_args(args: &Value) -> String {
    hex::encode(Sha256::digest(args.to_string().as_bytes()))[..32].to_owned()
}

/// `value` with every NUL character removed from its strings (keys included).
pub(crate) fn without_nul(value: &Value) -> Value {
    match value {
        Value::String(text) if text.contains('\0') => Value::String(text.replace('\0', "")),
        Value::Array(items) => Value::Array(items.iter().map(without_nul).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.replace('\0', ""), without_nul(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The sentence in the company's form of address.
pub(crate) fn say(ctx: &CallContext, sie: &str, du: &str) -> String {
    match ctx.address() {
        askpro_german::phrase::Address::Sie => sie.to_owned(),
        askpro_german::phrase::Address::Du => du.to_owned(),
    }
}

/// An answer the caller should hear: `{"ok": false, "result": text}`.
/// The question which branch the caller means, with the branches to choose from.
pub(crate) fn ask_branch(ctx: &CallContext, sie: &str, du: &str) -> Value {
    let names: Vec<&str> = ctx
        .model
        .tenant()
        .branches
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    refusal(format!(
        "{} Wir sind in {}.",
        say(ctx, sie, du),
        names.join(" und ")
    ))
}

pub(crate) fn refusal(text: impl Into<String>) -> Value {
    serde_json::json!({ "ok": false, "result": text.into() })
}

/// A string argument, trimmed, `None` when absent or empty.
pub(crate) fn arg<'a>(args: &'a Value, key: &str) -> Option<&'a str> {
    args[key].as_str().map(str::trim).filter(|s| !s.is_empty())
}

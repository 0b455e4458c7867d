//! The functions the voice agent calls (`shared/contract/retell-functions.md`): one
//! entry point that finds the call's company, runs the function, records the answer with
//! its timing, and — for functions that change something — gives a retried call the
//! first answer instead of acting twice.

use super::context::CallContext;
use super::{answers, manage};
use crate::App;
use crate::error::AppError;
use askpro_store::calls::{self, FunctionCallRow};
use askpro_store::new_id;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Instant;

/// The functions, as the agent knows them.
pub const FUNCTIONS: [&str; 6] = [
    "list_services",
    "check_availability",
    "book_appointment",
    "find_appointments",
    "cancel_appointment",
    "reschedule_appointment",
];

/// Functions whose second delivery must not act again.
const CHANGING: [&str; 3] = [
    "book_appointment",
    "cancel_appointment",
    "reschedule_appointment",
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
}

impl From<askpro_store::StoreError> for VoiceError {
    fn from(e: askpro_store::StoreError) -> Self {
        VoiceError::App(e.into())
    }
}

impl App {
    /// Answers one function call of the agent: `{"ok", "result", …}`.
    pub async fn call_function(
        &self,
        name: &str,
        args: &Value,
        call: &Value,
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
        let dedup_key = CHANGING
            .contains(&name)
            .then(|| format!("{}:{name}:{}", ctx.call_id, hash_args(args)));
        if let Some(key) = &dedup_key
            && let Some(first) = calls::function_answer(&self.db, key).await?
        {
            tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), function = name, "function delivered again; first answer repeated");
            return Ok(serde_json::from_str(&first.answer).unwrap_or(Value::Null));
        }
        let answer = self.run_function(&ctx, name, args).await?;
        let duration_ms = started.elapsed().as_millis() as i64;
        let row = FunctionCallRow {
            id: new_id(),
            call_id: ctx.call_id.clone(),
            company_id: Some(ctx.model.id().to_owned()),
            name: name.to_owned(),
            args: args.to_string(),
            dedup_key: dedup_key.clone(),
            answer: answer.to_string(),
            ok: i64::from(answer["ok"].as_bool().unwrap_or(false)),
            duration_ms,
            created_at: askpro_store::now_ms(),
        };
        if !calls::record_function_call(&self.db, &row).await?
            && let Some(first) =
                calls::function_answer(&self.db, dedup_key.as_deref().unwrap_or("")).await?
        {
            // A concurrent delivery of the same call answered first: its answer stands.
            return Ok(serde_json::from_str(&first.answer).unwrap_or(Value::Null));
        }
        tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), function = name, ok = row.ok == 1, duration_ms, "function answered");
        Ok(answer)
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
            _ => manage::reschedule(self, ctx, args).await?,
        };
        Ok(answer)
    }
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

/// An answer the caller should hear: `{"ok": false, "result": text}`.
pub(crate) fn refusal(text: impl Into<String>) -> Value {
    serde_json::json!({ "ok": false, "result": text.into() })
}

/// A string argument, trimmed, `None` when absent or empty.
pub(crate) fn arg<'a>(args: &'a Value, key: &str) -> Option<&'a str> {
    args[key].as_str().map(str::trim).filter(|s| !s.is_empty())
}

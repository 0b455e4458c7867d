//! Reading calls: a company's list (without transcripts, which can be long) and one
//! call with everything — transcript, tool calls, analysis, transfers, and the functions
//! AskPro answered during it. Times in the called branch's zone (else the company's first).

pub(super) mod transfers;

use crate::App;
use crate::error::{AppError, Result};
use crate::time::format_local;
use askpro_store::calls::{self, CallRow};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Value, json};

/// One call in a list.
#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    pub call_id: String,
    pub status: Option<String>,
    pub direction: Option<String>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub branch: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub duration_ms: Option<i64>,
    pub disconnection_reason: Option<String>,
    pub call_successful: Option<bool>,
    pub user_sentiment: Option<String>,
    pub summary: Option<String>,
    /// The most advanced event seen: call_started, call_ended, call_analyzed, imported.
    pub last_event: String,
    /// What the call achieved: booked, moved, cancelled, message, transferred,
    /// information, abandoned.
    pub outcome: &'static str,
}

impl CallView {
    fn new(row: &CallRow, tz: &TimeZone, functions: &[calls::FunctionCallRow]) -> CallView {
        let data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
        CallView {
            call_id: row.call_id.clone(),
            status: row.call_status.clone(),
            direction: row.direction.clone(),
            from_number: row.from_number.clone(),
            to_number: row.to_number.clone(),
            branch: row.branch_slug.clone(),
            start: row.start_timestamp.map(|ms| format_local(ms, tz)),
            end: row.end_timestamp.map(|ms| format_local(ms, tz)),
            duration_ms: row.duration_ms,
            disconnection_reason: row.disconnection_reason.clone(),
            call_successful: row.call_successful.map(|v| v != 0),
            user_sentiment: row.user_sentiment.clone(),
            summary: data["call_analysis"]["call_summary"]
                .as_str()
                .map(str::to_owned),
            last_event: row.last_event.clone(),
            outcome: super::outcome::classify(
                functions,
                row.disconnection_reason.as_deref(),
                row.call_successful.map(|v| v != 0),
            )
            .as_str(),
        }
    }
}

impl App {
    /// The zone a call's times are shown in.
    async fn zone_of_call(&self, company: &str, row: &CallRow) -> Result<TimeZone> {
        let model = self.company(company).await?;
        let branch = row.branch_slug.clone().or_else(|| {
            model
                .tenant()
                .branches
                .first()
                .map(|b| b.slug.as_str().to_owned())
        });
        Ok(branch.map_or(TimeZone::UTC, |b| model.zone(&b)))
    }

    pub async fn calls(&self, company: &str, since_ms: i64, limit: i64) -> Result<Vec<CallView>> {
        let model = self.company(company).await?;
        let rows = calls::list_calls(&self.db, model.id(), since_ms, limit.clamp(1, 1000)).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in &rows {
            let functions = calls::functions_of_call(&self.db, model.id(), &row.call_id).await?;
            views.push(CallView::new(
                row,
                &self.zone_of_call(company, row).await?,
                &functions,
            ));
        }
        Ok(views)
    }

    /// One call with its transcript, tool calls, analysis, transfers and AskPro's function
    /// answers.
    pub async fn call(&self, company: &str, call_id: &str) -> Result<Value> {
        let model = self.company(company).await?;
        let row = calls::find_call(&self.db, model.id(), call_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("unknown call `{call_id}`")))?;
        let tz = self.zone_of_call(company, &row).await?;
        let mut data: Value = serde_json::from_str(&row.data).unwrap_or(Value::Null);
        let answered = calls::functions_of_call(&self.db, model.id(), call_id).await?;
        let view = CallView::new(&row, &tz, &answered);
        let functions: Vec<Value> = answered
            .into_iter()
            .map(|f| {
                json!({
                    "name": f.name,
                    "args": serde_json::from_str::<Value>(&f.args).unwrap_or(Value::Null),
                    "answer": serde_json::from_str::<Value>(&f.answer).unwrap_or(Value::Null),
                    "ok": f.ok != 0,
                    "duration_ms": f.duration_ms,
                    "at": format_local(f.created_at, &tz),
                })
            })
            .collect();
        let mut view = serde_json::to_value(view).unwrap_or(Value::Null);
        for key in [
            "transcript",
            "transcript_object",
            "transcript_with_tool_calls",
            "call_analysis",
            "recording_url",
            "latency",
            "call_cost",
        ] {
            view[key] = data[key].clone();
        }
        view["functions"] = Value::Array(functions);
        view["transfers"] = json!(transfers::transfers_of(&data, &tz));
        // `call` stays Retell's call object; the noted transfer events are shown above.
        if let Some(fields) = data.as_object_mut() {
            fields.remove(transfers::KEY);
        }
        view["call"] = data;
        Ok(view)
    }
}

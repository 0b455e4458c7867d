//! `/healthz` (checks the database) and `/metrics` (Prometheus text).

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde_json::{Value, json};

/// `{"status":"ok"}`; `"degraded"` with the problems while a background loop (the
/// webhook merger, the worker, the scheduler) cannot do its work; 503 when the database
/// does not answer.
pub async fn healthz(State(state): State<ServerState>) -> Result<Json<Value>, ApiError> {
    match state.app.db.ping().await {
        Ok(()) => {
            let problems = state.app.health.problems();
            if problems.is_empty() {
                Ok(Json(json!({ "status": "ok" })))
            } else {
                Ok(Json(json!({ "status": "degraded", "problems": problems })))
            }
        }
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "the database does not answer",
            ))
        }
    }
}

/// Public on loopback; elsewhere only for the operator token.
pub async fn metrics(
    State(state): State<ServerState>,
    caller: Result<Caller, ApiError>,
) -> Result<impl IntoResponse, ApiError> {
    if !state.config.metrics_public {
        match caller? {
            Caller(askpro_app::tokens::Principal::Operator) => {}
            Caller(_) => return Err(ApiError::unauthorized()),
        }
    }
    let mut text = state.metrics.render();
    text.push_str(&merge_gauges(&state).await);
    text.push_str(&calcom_metrics(&state).await);
    text.push_str(&super::success::gauges(&state).await);
    Ok(([(CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}

/// How far the webhook merger is behind: deliveries waiting and the oldest one's age.
async fn merge_gauges(state: &ServerState) -> String {
    let Ok((waiting, oldest)) = askpro_store::calls::merge_backlog(&state.app.db).await else {
        return String::new();
    };
    let lag = oldest.map_or(0.0, |at| (state.app.now_ms() - at).max(0) as f64 / 1000.0);
    format!(
        "# HELP askpro_retell_events_waiting Retell webhook deliveries stored but not merged into their calls yet.\n\
         # TYPE askpro_retell_events_waiting gauge\n\
         askpro_retell_events_waiting {waiting}\n\
         # HELP askpro_retell_merge_lag_seconds Age of the oldest delivery waiting to be merged (0 when none waits).\n\
         # TYPE askpro_retell_merge_lag_seconds gauge\n\
         askpro_retell_merge_lag_seconds {lag}\n"
    )
}

/// Cal.com: calls, errors, timeouts and latency of this process, availability answers
/// that fell back to AskPro's own calendar, and appointments pending or in conflict.
async fn calcom_metrics(state: &ServerState) -> String {
    use std::fmt::Write;
    use std::sync::atomic::Ordering::Relaxed;
    let calendars = &state.app.calendars;
    let m = &calendars.metrics;
    let mut text = String::new();
    let counters = [
        (
            "askpro_calcom_requests_total",
            "Requests sent to Cal.com.",
            m.calls.load(Relaxed),
        ),
        (
            "askpro_calcom_errors_total",
            "Cal.com requests that failed (refusals of a taken slot excluded).",
            m.errors.load(Relaxed),
        ),
        (
            "askpro_calcom_timeouts_total",
            "Cal.com requests that did not answer within their deadline.",
            m.timeouts.load(Relaxed),
        ),
        (
            "askpro_calcom_latency_ms_total",
            "Milliseconds spent waiting for Cal.com, summed over all requests.",
            m.latency_ms_total.load(Relaxed),
        ),
        (
            "askpro_calcom_availability_fallbacks_total",
            "Availability answers given from AskPro's calendar alone because Cal.com did not answer in time.",
            calendars.fallback_count(),
        ),
    ];
    for (name, help, value) in counters {
        let _ = write!(
            text,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
        );
    }
    let _ = write!(
        text,
        "# HELP askpro_calcom_slot_cache_entries Cal.com host-days cached.\n# TYPE askpro_calcom_slot_cache_entries gauge\naskpro_calcom_slot_cache_entries {}\n",
        calendars.slots.len()
    );
    let Ok(counts) = askpro_store::calcom::sync_counts(&state.app.db).await else {
        return text;
    };
    text.push_str("# HELP askpro_calcom_appointments Appointments waiting for Cal.com (pending) or refused by it (conflict).\n# TYPE askpro_calcom_appointments gauge\n");
    for state in ["pending", "conflict"] {
        let total: i64 = counts
            .iter()
            .filter(|(_, s, _)| s == state)
            .map(|(_, _, n)| n)
            .sum();
        let _ = writeln!(
            text,
            "askpro_calcom_appointments{{sync=\"{state}\"}} {total}"
        );
    }
    for (company, state, count) in &counts {
        let _ = writeln!(
            text,
            "askpro_calcom_company_appointments{{company=\"{company}\",sync=\"{state}\"}} {count}"
        );
    }
    text
}

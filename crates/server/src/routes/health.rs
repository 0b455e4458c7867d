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

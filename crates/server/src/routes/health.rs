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

pub async fn healthz(State(state): State<ServerState>) -> Result<Json<Value>, ApiError> {
    match state.app.db.ping().await {
        Ok(()) => Ok(Json(json!({ "status": "ok" }))),
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
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}

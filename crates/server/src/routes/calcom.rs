//! Cal.com's webhook door: `POST /webhooks/calcom/{company}`. The signature is checked on
//! the raw bytes before anything is parsed; a wrong or missing one is 401 and nothing is
//! stored. Duplicates answer 200 too, so that Cal.com does not count them as failures
//! (it stops delivering after repeated failures).

use crate::ServerState;
use crate::error::ApiError;
use crate::extract::{PathParams, RawBody};
use askpro_app::calendar::{WebhookError, WebhookOutcome};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

pub async fn webhook(
    State(state): State<ServerState>,
    PathParams(company): PathParams<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<WebhookOutcome>, ApiError> {
    let signature = headers
        .get("x-cal-signature-256")
        .and_then(|v| v.to_str().ok());
    match state.app.calcom_webhook(&company, signature, &body).await {
        Ok(outcome) => Ok(Json(outcome)),
        Err(WebhookError::Unauthorized(message)) => {
            tracing::warn!(company = %company, %message, "Cal.com webhook refused");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                message,
            ))
        }
        Err(WebhookError::Invalid(message)) => Err(ApiError::invalid(message)),
        Err(WebhookError::App(error)) => Err(error.into()),
    }
}

//! API errors: every 4xx/5xx body is `{"error": {"code", "message"}}`, and a 5xx never
//! echoes internals (they go to the log instead).

use askpro_app::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub reason: Option<&'static str>,
    /// Seconds after which trying again should work (`Retry-After`), for a 503.
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            reason: None,
            retry_after: None,
        }
    }

    /// The database cannot serve this request now (no connection within the deadline,
    /// a restart): 503 with `Retry-After`, never a hang. A change this request made was
    /// not committed, so repeating it is safe.
    pub fn unavailable() -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the service is busy or its database is unavailable; try again in a second",
            )
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid `Authorization: Bearer <token>` header is required",
        )
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the details are in the server log",
        )
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        match error {
            AppError::NotFound(m) => ApiError::not_found(m),
            AppError::Invalid(m) => ApiError::invalid(m),
            AppError::SlotUnavailable(r) => ApiError {
                status: StatusCode::CONFLICT,
                code: "slot_unavailable",
                message: format!("the slot is not available: {r}"),
                reason: Some(r.code()),
                retry_after: None,
            },
            AppError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            AppError::IdempotencyKeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was already used with a different request body",
            ),
            AppError::Tenant(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_tenant",
                e.to_string(),
            ),
            AppError::Setting(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_setting",
                e.to_string(),
            ),
            AppError::Store(e @ askpro_store::StoreError::DiskFull(_)) => {
                tracing::error!(error = %e, "request refused with 503: no room to write");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_full",
                    "the disk holding the database is full; nothing was written — try again once space is freed",
                )
            }
            AppError::Store(e) if e.is_transient() => {
                tracing::warn!(error = %e, "request refused with 503: the database is busy or away");
                ApiError::unavailable()
            }
            AppError::Store(e) => {
                tracing::error!(error = %e, "storage failed while handling a request");
                ApiError::internal()
            }
            AppError::Calendar(e) => {
                tracing::warn!(error = %e, kind = e.kind(), "Cal.com could not serve a request");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "calendar_unavailable",
                    e.to_string(),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(reason) = self.reason {
            error["reason"] = json!(reason);
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

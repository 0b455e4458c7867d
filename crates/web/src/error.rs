//! The dashboard's one error type: every failure becomes a German page with the right
//! status, or a redirect to the sign-in page; details of internal errors stay in the log.

use crate::layout;
use askpro_app::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug)]
pub enum WebError {
    /// Not signed in: to the sign-in page, then back to `next`.
    SignInRequired { next: String },
    /// A page that does not exist or belongs to another company (the same answer).
    NotFound,
    /// Signed in, but the role does not allow it.
    Forbidden,
    /// A form without its valid CSRF token.
    StaleForm,
    /// The request cannot be done; the text says why, for the user.
    Refused { status: StatusCode, message: String },
    /// Something broke; logged, never shown.
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound(_) => WebError::NotFound,
            AppError::Invalid(message) => WebError::Refused {
                status: StatusCode::BAD_REQUEST,
                message: format!("Das ging nicht: {message}"),
            },
            AppError::SlotUnavailable(rejection) => WebError::Refused {
                status: StatusCode::CONFLICT,
                message: format!("Dieser Termin ist nicht mehr frei ({rejection})."),
            },
            AppError::Conflict(message) => WebError::Refused {
                status: StatusCode::CONFLICT,
                message: format!("Das ging nicht: {message}"),
            },
            other if other.is_transient() => WebError::Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: "Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es in einem Moment noch einmal.".into(),
            },
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            WebError::SignInRequired { next } => {
                let target = format!("/anmelden?weiter={}", crate::format::url_encode(&next));
                return Redirect::to(&target).into_response();
            }
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Nicht gefunden",
                "Diese Seite gibt es nicht, oder sie gehört zu einem anderen Betrieb.".to_owned(),
            ),
            WebError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Kein Zugriff",
                "Diese Seite ist den Inhabern des Betriebs vorbehalten.".to_owned(),
            ),
            WebError::StaleForm => (
                StatusCode::FORBIDDEN,
                "Formular abgelaufen",
                "Das Formular war nicht mehr gültig. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.".to_owned(),
            ),
            WebError::Refused { status, message } => (status, "Nicht möglich", message),
            WebError::Internal(detail) => {
                tracing::error!(error = %detail, "a dashboard page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Fehler",
                    "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal.".to_owned(),
                )
            }
        };
        (status, layout::bare(title, &text)).into_response()
    }
}

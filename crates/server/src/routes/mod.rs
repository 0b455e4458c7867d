//! The router: API routes, health and metrics, plus the layers every request passes
//! (body limit, metrics, panic catcher) and JSON answers for unknown routes.

mod appointments;
mod availability;
mod calcom;
mod calls;
mod health;
mod messages;
mod privacy;
mod retell;
mod success;
mod twilio;
mod waitlist;

use crate::error::ApiError;
use crate::{ServerState, metrics};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;

pub fn router(state: ServerState) -> Router {
    let company = "/api/v1/companies/{company}";
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .route(&format!("{company}/availability"), get(availability::list))
        .route(
            &format!("{company}/appointments"),
            post(appointments::create).get(appointments::list),
        )
        .route(
            &format!("{company}/appointments/{{id}}"),
            get(appointments::show),
        )
        .route(
            &format!("{company}/appointments/{{id}}/cancel"),
            post(appointments::cancel),
        )
        .route(
            &format!("{company}/appointments/{{id}}/reschedule"),
            post(appointments::reschedule),
        )
        .route(
            &format!("{company}/appointments/{{id}}/no-show"),
            post(appointments::no_show).delete(appointments::undo_no_show),
        )
        .route(&format!("{company}/messages"), get(messages::list))
        .route(
            &format!("{company}/messages/{{id}}/done"),
            post(messages::done),
        )
        .route(
            &format!("{company}/waitlist"),
            get(waitlist::list).post(waitlist::join),
        )
        .route(
            &format!("{company}/waitlist/{{id}}"),
            axum::routing::delete(waitlist::remove),
        )
        .route(
            &format!("{company}/waitlist/{{id}}/take"),
            post(waitlist::take),
        )
        .route(
            &format!("{company}/waitlist/{{id}}/decline"),
            post(waitlist::decline),
        )
        .route(&format!("{company}/calls"), get(calls::list))
        .route(&format!("{company}/calls/{{call_id}}"), get(calls::show))
        .route("/api/v1/privacy/export", get(privacy::export))
        .route("/api/v1/privacy/erase", post(privacy::erase))
        .route("/webhooks/retell", post(retell::webhook))
        .route("/webhooks/calcom/{company}", post(calcom::webhook))
        .route("/webhooks/twilio/sms", post(twilio::sms))
        .route("/retell/functions", post(retell::function))
        .route("/retell/functions/{name}", post(retell::function_named))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state.clone())
        .merge(askpro_web::router(askpro_web::WebState::new(
            state.app.clone(),
            state.config.web.clone(),
        )))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::limit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(CatchPanicLayer::custom(panic_response))
}

/// Unknown API paths answer JSON; any other path is a page a browser asked for.
async fn unknown_route(uri: axum::http::Uri) -> Response {
    let machine = ["/api/", "/webhooks/", "/retell/", "/healthz", "/metrics"];
    if machine.iter().any(|prefix| uri.path().starts_with(prefix)) {
        ApiError::not_found("no such endpoint; see the API reference in the README").into_response()
    } else {
        askpro_web::WebError::NotFound.into_response()
    }
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that HTTP method",
    )
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

//! `GET …/messages` and `POST …/messages/{id}/done`: what callers asked the agent to
//! pass on, for the company's team.

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{PathParams, QueryParams};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct ListParams {
    /// `open` (the default), `done` or `all`.
    status: Option<String>,
}

pub async fn list(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    let status = match params.status.as_deref() {
        None | Some("open") => Some("open"),
        Some("all") => None,
        Some(other) => Some(other),
    };
    let messages = state.app.messages(&company, status).await?;
    Ok(Json(json!({ "messages": messages })))
}

pub async fn done(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    Ok(Json(
        state
            .app
            .message_done(&company, &id, &caller.actor())
            .await?,
    ))
}

//! `GET …/calls` and `GET …/calls/{call_id}`: the company's phone calls as Retell
//! reported them, the list without transcripts, one call with everything.

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{PathParams, QueryParams};
use askpro_app::voice::CallView;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct ListParams {
    since: Option<String>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    let since = match params.since.as_deref() {
        Some(raw) => askpro_app::parse_instant("since", raw)?.as_millisecond(),
        None => 0,
    };
    let calls: Vec<CallView> = state
        .app
        .calls(&company, since, params.limit.unwrap_or(100))
        .await?;
    Ok(Json(json!({ "calls": calls })))
}

pub async fn show(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, call_id)): PathParams<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    Ok(Json(state.app.call(&company, &call_id).await?))
}

//! The waiting list: `GET …/waitlist` (in the order people joined), `POST …/waitlist`
//! (join), `DELETE …/waitlist/{id}` (leave), `POST …/waitlist/{id}/take` (the customer
//! takes the slot held for them) and `POST …/waitlist/{id}/decline`.

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams, QueryParams};
use askpro_app::booking::Customer;
use askpro_app::parse_instant;
use askpro_app::waitlist::{JoinRequest, WindowSpec};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Time;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct ListParams {
    /// `active` (the default: waiting or held), `all`, or one status.
    status: Option<String>,
}

pub async fn list(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    let status = params.status.as_deref().unwrap_or("active");
    let entries = state.app.waitlist(&company, Some(status)).await?;
    Ok(Json(json!({ "entries": entries })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    service: String,
    branch: Option<String>,
    staff: Option<String>,
    /// The range as a caller says it; or `from` and `until` (RFC 3339).
    when: Option<String>,
    from: Option<String>,
    until: Option<String>,
    /// The part of each day, `HH:MM`.
    daily_from: Option<String>,
    daily_until: Option<String>,
    customer: Customer,
}

pub async fn join(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    JsonBody(body): JsonBody<JoinBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.may_access(&state, &company).await?;
    let window = window(&state, &company, &body).await?;
    let request = JoinRequest {
        branch: body.branch,
        service: body.service,
        staff: body.staff,
        window,
        customer: body.customer,
        call_id: None,
    };
    let (entry, new) = state
        .app
        .join_waitlist(&company, &request, &caller.actor())
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(entry.to_json())))
}

async fn window(
    state: &ServerState,
    company: &str,
    body: &JoinBody,
) -> Result<WindowSpec, ApiError> {
    let mut window = match (&body.when, &body.from, &body.until) {
        (Some(said), None, None) => {
            state
                .app
                .waitlist_window(company, body.branch.as_deref(), said)
                .await?
        }
        (None, Some(from), Some(until)) => WindowSpec {
            said: format!("{from} – {until}"),
            from: parse_instant("from", from)?,
            until: parse_instant("until", until)?,
            daily: None,
        },
        _ => {
            return Err(ApiError::invalid(
                "give either `when` (spoken German) or both `from` and `until` (RFC 3339)",
            ));
        }
    };
    match (&body.daily_from, &body.daily_until) {
        (None, None) => {}
        (Some(from), Some(until)) => {
            let (from, until) = (clock("daily_from", from)?, clock("daily_until", until)?);
            if from >= until {
                return Err(ApiError::invalid(
                    "`daily_from` must be before `daily_until`",
                ));
            }
            window.daily = Some((from, until));
        }
        _ => {
            return Err(ApiError::invalid(
                "give both `daily_from` and `daily_until`, or neither",
            ));
        }
    }
    Ok(window)
}

fn clock(field: &str, text: &str) -> Result<Time, ApiError> {
    text.parse::<Time>()
        .map_err(|_| ApiError::invalid(format!("`{field}`: `{text}` is not a time such as 08:30")))
}

pub async fn remove(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    let entry = state
        .app
        .remove_from_waitlist(&company, &id, &caller.actor())
        .await?;
    Ok(Json(entry.to_json()))
}

pub async fn take(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    let appointment = state
        .app
        .take_held_slot(&company, &id, &caller.actor())
        .await?;
    Ok(Json(appointment.to_json()))
}

pub async fn decline(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    caller.may_access(&state, &company).await?;
    let entry = state
        .app
        .decline_held_slot(&company, &id, &caller.actor())
        .await?;
    Ok(Json(entry.to_json()))
}

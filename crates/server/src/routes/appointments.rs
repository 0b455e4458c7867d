//! The appointment endpoints: create (with `Idempotency-Key`), list, show, cancel,
//! reschedule. Each handler checks access, parses, and hands over to the booking service.

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, PathParams, QueryParams, RawBody, optional_json};
use askpro_app::booking::{AppointmentQuery, BookRequest, Bound, Customer};
use askpro_app::{AppointmentView, parse_instant};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct CreateBody {
    branch: Option<String>,
    service: String,
    staff: Option<String>,
    start: String,
    customer: Customer,
}

pub async fn create(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<(StatusCode, Json<AppointmentView>), ApiError> {
    caller.may_access(&state, &company).await?;
    let key = match headers.get("idempotency-key") {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| ApiError::invalid("`Idempotency-Key` must be printable ASCII"))?,
        ),
        None => None,
    };
    let request = BookRequest {
        branch: body.branch,
        service: body.service,
        staff: body.staff,
        start: parse_instant("start", &body.start)?,
        customer: body.customer,
    };
    let outcome = state
        .app
        .book(&company, &request, &caller.actor(), key)
        .await?;
    Ok((StatusCode::CREATED, Json(outcome.appointment)))
}

#[derive(Deserialize)]
pub struct ListParams {
    from: Option<String>,
    to: Option<String>,
    status: Option<String>,
    staff: Option<String>,
}

#[derive(Serialize)]
pub struct Appointments {
    appointments: Vec<AppointmentView>,
}

pub async fn list(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<Appointments>, ApiError> {
    caller.may_access(&state, &company).await?;
    let bound = |field: &str, raw: Option<String>| -> Result<Bound, ApiError> {
        let raw = raw.ok_or_else(|| {
            ApiError::invalid(format!(
                "`{field}` is required (a date YYYY-MM-DD or an RFC 3339 time)"
            ))
        })?;
        Ok(Bound::parse(field, &raw)?)
    };
    let query = AppointmentQuery {
        from: bound("from", params.from)?,
        to: bound("to", params.to)?,
        status: params.status,
        staff: params.staff,
    };
    let appointments = state.app.appointments(&company, &query).await?;
    Ok(Json(Appointments { appointments }))
}

pub async fn show(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
) -> Result<Json<AppointmentView>, ApiError> {
    caller.may_access(&state, &company).await?;
    Ok(Json(state.app.appointment(&company, &id).await?))
}

#[derive(Deserialize)]
pub struct CancelBody {
    reason: Option<String>,
}

pub async fn cancel(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
    RawBody(body): RawBody,
) -> Result<Json<AppointmentView>, ApiError> {
    caller.may_access(&state, &company).await?;
    let reason = optional_json::<CancelBody>(&body)?.and_then(|b| b.reason);
    Ok(Json(
        state
            .app
            .cancel(&company, &id, reason.as_deref(), &caller.actor())
            .await?,
    ))
}

/// `POST …/appointments/{id}/no-show`: the customer did not come (only once it started).
pub async fn no_show(
    state: State<ServerState>,
    caller: Caller,
    path: PathParams<(String, String)>,
) -> Result<Json<AppointmentView>, ApiError> {
    mark_attendance(state, caller, path, false).await
}

/// `DELETE …/appointments/{id}/no-show`: undo the mark.
pub async fn undo_no_show(
    state: State<ServerState>,
    caller: Caller,
    path: PathParams<(String, String)>,
) -> Result<Json<AppointmentView>, ApiError> {
    mark_attendance(state, caller, path, true).await
}

async fn mark_attendance(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
    undo: bool,
) -> Result<Json<AppointmentView>, ApiError> {
    caller.may_access(&state, &company).await?;
    let view = state
        .app
        .mark_no_show(&company, &id, undo, &caller.actor())
        .await?;
    Ok(Json(view))
}

#[derive(Deserialize)]
pub struct RescheduleBody {
    start: String,
    staff: Option<String>,
}

pub async fn reschedule(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams((company, id)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<RescheduleBody>,
) -> Result<Json<AppointmentView>, ApiError> {
    caller.may_access(&state, &company).await?;
    let start = parse_instant("start", &body.start)?;
    Ok(Json(
        state
            .app
            .reschedule(&company, &id, start, body.staff.as_deref(), &caller.actor())
            .await?,
    ))
}

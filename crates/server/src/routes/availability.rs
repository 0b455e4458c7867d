//! `GET /api/v1/companies/{company}/availability`

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{PathParams, QueryParams};
use askpro_app::booking::{AvailabilityQuery, SlotView};
use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct Params {
    service: Option<String>,
    from: Option<String>,
    days: Option<String>,
    branch: Option<String>,
    staff: Option<String>,
}

#[derive(Serialize)]
pub struct Slots {
    slots: Vec<SlotView>,
}

pub async fn list(
    State(state): State<ServerState>,
    caller: Caller,
    PathParams(company): PathParams<String>,
    QueryParams(params): QueryParams<Params>,
) -> Result<Json<Slots>, ApiError> {
    caller.may_access(&state, &company).await?;
    let query = parse(&state, &company, params).await?;
    let slots = state.app.availability(&company, &query).await?;
    Ok(Json(Slots { slots }))
}

async fn parse(
    state: &ServerState,
    company: &str,
    params: Params,
) -> Result<AvailabilityQuery, ApiError> {
    let service = params
        .service
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("`service` is required (a service slug)"))?;
    let days = match params.days.as_deref() {
        None => 7,
        Some(raw) => raw.parse::<u32>().map_err(|_| {
            ApiError::invalid(format!(
                "`days`: `{raw}` is not a whole number from 1 to 31"
            ))
        })?,
    };
    let from = match params.from.as_deref() {
        Some(raw) => raw.parse::<Date>().map_err(|_| {
            ApiError::invalid(format!("`from`: `{raw}` is not a date (YYYY-MM-DD)"))
        })?,
        None => today_at(state, company, params.branch.as_deref()).await?,
    };
    Ok(AvailabilityQuery {
        service,
        from,
        days,
        branch: params.branch,
        staff: params.staff,
    })
}

/// Today in the branch's zone (or the first branch's), the default for `from`.
async fn today_at(
    state: &ServerState,
    company: &str,
    branch: Option<&str>,
) -> Result<Date, ApiError> {
    let model = state.app.company(company).await?;
    let slug = match branch {
        Some(slug) => model.branch(slug)?.slug.to_string(),
        None => model
            .tenant()
            .branches
            .first()
            .map(|b| b.slug.to_string())
            .unwrap_or_default(),
    };
    Ok(state.app.now().to_zoned_datetime(model.zone(&slug)).date())
}

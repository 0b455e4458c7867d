//! `GET /api/v1/privacy/export?phone=…[&company=…]` and `POST /api/v1/privacy/erase`:
//! a caller's data requests (DSGVO Art. 15 and 17) for operators. A company token may
//! ask only about its own company; with no company named it means its own.

use crate::ServerState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, QueryParams};
use askpro_app::tokens::Principal;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub struct ExportParams {
    phone: String,
    company: Option<String>,
}

#[derive(Deserialize)]
pub struct EraseBody {
    phone: String,
    company: Option<String>,
    /// Must be true: an erasure cannot be undone.
    #[serde(default)]
    confirm: bool,
}

/// The company a request may cover: the named one if the caller may access it; for a
/// company token without a name, its own; for the operator without one, every company.
async fn scope(
    state: &ServerState,
    caller: &Caller,
    company: Option<String>,
) -> Result<Option<String>, ApiError> {
    match (company, &caller.0) {
        (Some(slug), _) => {
            caller.may_access(state, &slug).await?;
            Ok(Some(slug))
        }
        (None, Principal::Operator) => Ok(None),
        (None, Principal::Company { company_id, .. }) => {
            let slug = askpro_store::tenants::slug_of(&state.app.db, company_id)
                .await
                .map_err(|_| ApiError::unavailable())?
                .ok_or_else(|| ApiError::not_found("the token's company no longer exists"))?;
            Ok(Some(slug))
        }
    }
}

pub async fn export(
    State(state): State<ServerState>,
    caller: Caller,
    QueryParams(params): QueryParams<ExportParams>,
) -> Result<Json<Value>, ApiError> {
    let company = scope(&state, &caller, params.company).await?;
    Ok(Json(
        state
            .app
            .privacy_export(&params.phone, company.as_deref())
            .await?,
    ))
}

pub async fn erase(
    State(state): State<ServerState>,
    caller: Caller,
    JsonBody(body): JsonBody<EraseBody>,
) -> Result<Json<Value>, ApiError> {
    if !body.confirm {
        return Err(ApiError::invalid(
            "`confirm` must be true: an erasure cannot be undone",
        ));
    }
    let company = scope(&state, &caller, body.company).await?;
    Ok(Json(
        state
            .app
            .privacy_erase(&body.phone, company.as_deref(), &caller.actor())
            .await?,
    ))
}

//! Bearer-token authentication and tenant isolation: a company token reaches only its
//! own company; any other company answers 404, exactly like a company that does not
//! exist, so tokens reveal nothing about other tenants.

use crate::ServerState;
use crate::error::ApiError;
use askpro_app::Actor;
use askpro_app::tokens::Principal;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

/// The authenticated caller of a request.
pub struct Caller(pub Principal);

impl FromRequestParts<ServerState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServerState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let principal = state
            .app
            .authenticate(token, state.config.operator_token.as_deref())
            .await?;
        principal.map(Caller).ok_or_else(ApiError::unauthorized)
    }
}

impl Caller {
    /// Fails with 404 unless the caller may act on `company`.
    pub async fn may_access(&self, state: &ServerState, company: &str) -> Result<(), ApiError> {
        match &self.0 {
            Principal::Operator => Ok(()),
            Principal::Company { company_id, .. } => {
                // Compares ids only: a foreign company is never loaded, so answering it
                // takes as long as answering a company that does not exist.
                if state
                    .app
                    .company_id(company)
                    .await
                    .is_ok_and(|id| id == *company_id)
                {
                    Ok(())
                } else {
                    Err(ApiError::not_found(format!("unknown company `{company}`")))
                }
            }
        }
    }

    /// How changes made by this caller are recorded.
    pub fn actor(&self) -> Actor {
        match &self.0 {
            Principal::Operator => Actor::api("operator"),
            Principal::Company { label, .. } => Actor::api(label.clone()),
        }
    }
}

//! Retell's two doors: call webhooks and the agent's function calls. Both check the
//! signature on the raw bytes before reading anything; an unsigned or stale request is
//! refused with 401 and nothing is stored.

use crate::ServerState;
use crate::error::ApiError;
use crate::extract::{PathParams, RawBody};
use askpro_app::voice::{SELF_TEST_EVENT, VoiceError, signature};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

/// Checks the signature against the configured key and every key stored in the
/// settings (a company may have its own Retell account), before anything is parsed.
/// Returns the company whose own key signed, `None` for a global key.
async fn verified(
    state: &ServerState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<String>, ApiError> {
    let stored = state.app.stored_retell_keys().await?;
    let keys: Vec<(Option<&str>, &str)> = state
        .config
        .retell_api_keys
        .iter()
        .map(|k| (None, k.as_str()))
        .chain(
            stored
                .iter()
                .map(|(owner, k)| (owner.as_deref(), k.as_str())),
        )
        .filter(|(_, k)| !k.trim().is_empty())
        .collect();
    if keys.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "retell_not_configured",
            "no Retell API key is configured (ASKPRO_RETELL_API_KEY), so no signature can be checked",
        ));
    }
    let header = headers
        .get("x-retell-signature")
        .and_then(|v| v.to_str().ok());
    let plain: Vec<&str> = keys.iter().map(|(_, k)| *k).collect();
    // On the application's clock like every other window: a demo or test that moves it
    // signs with the same clock.
    match signature::verify(&plain, body, header, state.app.now_ms()) {
        Ok(index) => Ok(keys[index].0.map(str::to_owned)),
        Err(e) => {
            tracing::warn!(reason = %e, "Retell request refused");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_signature",
                e.to_string(),
            ))
        }
    }
}

fn foreign_key() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_signature",
        "the request was signed with another company's Retell key",
    )
}

/// Stores the delivery and answers at once; the merger (woken by the store) merges it
/// into its call in the background.
pub async fn webhook(
    State(state): State<ServerState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<StatusCode, ApiError> {
    let signer = verified(&state, &headers, &body).await?;
    // `askpro retell verify-webhook` proves the path and key work; it is no call.
    if serde_json::from_slice::<Value>(&body).is_ok_and(|v| v["event"] == SELF_TEST_EVENT) {
        return Ok(StatusCode::NO_CONTENT);
    }
    // A company's own key speaks for that company's calls only.
    if let Some(owner) = &signer {
        let call = serde_json::from_slice::<Value>(&body).map(|v| v["call"].clone());
        if !state
            .app
            .call_belongs_to(&call.unwrap_or_default(), owner)
            .await?
        {
            return Err(foreign_key());
        }
    }
    let accepted = state.app.accept_retell_event(&body).await?;
    tracing::debug!(call_id = %accepted.call_id, event = %accepted.event, first_time = accepted.first_time, "Retell event stored");
    Ok(StatusCode::NO_CONTENT)
}

pub async fn function_named(
    State(state): State<ServerState>,
    PathParams(name): PathParams<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ApiError> {
    answer(&state, Some(name), &headers, &body).await
}

pub async fn function(
    State(state): State<ServerState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<Value>, ApiError> {
    answer(&state, None, &headers, &body).await
}

async fn answer(
    state: &ServerState,
    name: Option<String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Json<Value>, ApiError> {
    let signer = verified(state, headers, body).await?;
    let request: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    let name = name
        .or_else(|| request["name"].as_str().map(str::to_owned))
        .ok_or_else(|| ApiError::invalid("the function call names no function (`name`)"))?;
    let args = match &request["args"] {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => request["args"].clone(),
        // Some tool setups send the arguments as JSON text.
        Value::String(text) => serde_json::from_str(text)
            .map_err(|_| ApiError::invalid("`args` must be a JSON object"))?,
        _ => return Err(ApiError::invalid("`args` must be a JSON object")),
    };
    match state
        .app
        .call_function(&name, &args, &request["call"], signer.as_deref())
        .await
    {
        Ok(answer) => Ok(Json(answer)),
        Err(VoiceError::UnknownTenant { to, agent }) => {
            let call_id = request["call"]["call_id"].as_str().unwrap_or("?");
            tracing::warn!(call_id, to_number = %to, agent_id = %agent, "function call for an unknown tenant");
            Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_tenant",
                format!("no branch has the number {to} and no company the agent {agent}"),
            ))
        }
        Err(e @ VoiceError::UnknownFunction(_)) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_function",
            e.to_string(),
        )),
        Err(VoiceError::App(e)) => Err(e.into()),
        Err(VoiceError::ForeignKey) => Err(foreign_key()),
        Err(VoiceError::Retell(e)) => {
            tracing::error!(error = %e, "Retell API failed during a function call");
            Err(ApiError::internal())
        }
    }
}

//! *Nachrichten*: callback requests and messages the agent took, open ones first;
//! the team marks them done.

use super::{chrome, form, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::format;
use crate::layout::{Nav, csrf, frame};
use crate::session::Viewer;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

/// Done messages shown below the open ones.
const DONE_SHOWN: usize = 30;

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    csrf: String,
}

/// An RFC 3339 UTC instant as local "3.12.2026, 09:30".
fn local(at: &Value, tz: &jiff::tz::TimeZone) -> String {
    at.as_str()
        .and_then(|t| format::zoned_text(t, tz))
        .map_or_else(|| "–".into(), |z| format::date_time(&z))
}

pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let open = state.app.messages(model.slug(), Some("open")).await?;
    let finished = state.app.messages(model.slug(), Some("done")).await?;
    let tz = model.zone(model.tenant().branches[0].slug.as_str());
    let content = html! {
        h2 { "Offen (" (open.len()) ")" }
        @if open.is_empty() { p.muted { "Keine offenen Nachrichten." } }
        @for m in &open {
            article.card {
                @if m["urgent"] == true { span.badge.bad { "Dringend" } " " }
                strong { (m["name"].as_str().unwrap_or("?")) }
                " · " @match m["phone"].as_str() {
                    Some(phone) => a href=(format!("tel:{phone}")) { (phone) },
                    None => span.muted { "keine Nummer" },
                }
                p { (m["concern"].as_str().unwrap_or("")) }
                @if let Some(when) = m["callback_when"].as_str() { p { "Rückruf gewünscht: " strong { (when) } } }
                p.hint {
                    "Eingegangen " (local(&m["created_at"], &tz))
                    @if let Some(call) = m["call_id"].as_str() {
                        " · " a href=(format!("/firmen/{}/anrufe/{call}", model.slug())) { "Zum Anruf" }
                    }
                }
                form method="post" action=(format!("/firmen/{}/nachrichten/{}/erledigt", model.slug(), m["id"].as_str().unwrap_or(""))) {
                    (csrf(&viewer))
                    button type="submit" { "Erledigt" }
                }
            }
        }
        h2 { "Erledigt" }
        @if finished.is_empty() { p.muted { "Noch nichts erledigt." } }
        @else {
            div.table-wrap tabindex="0" role="region" aria-label="Erledigte Nachrichten" { table {
                thead { tr { th { "Von" } th { "Anliegen" } th { "Erledigt" } } }
                tbody { @for m in finished.iter().take(DONE_SHOWN) { tr {
                    td { (m["name"].as_str().unwrap_or("?")) }
                    td { (m["concern"].as_str().unwrap_or("")) }
                    td { (local(&m["done_at"], &tz)) br; span.muted { (m["done_by"].as_str().unwrap_or("")) } }
                } } }
            } }
        }
    };
    Ok(frame(
        &chrome(&viewer, &model, Nav::Messages),
        "Nachrichten",
        content,
    ))
}

pub async fn done(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: DoneForm = form(&body)?;
    viewer.check_form(&input.csrf)?;
    let model = open_company(&state, &viewer, &company).await?;
    state
        .app
        .message_done(model.slug(), &id, &viewer.actor())
        .await?;
    Ok(super::done(&format!(
        "/firmen/{}/nachrichten",
        model.slug()
    )))
}

//! *Einstellungen*: the company's runtime settings a business decides itself (texts,
//! reminders, cancelling by phone, the waiting list's hold time), validated exactly as
//! `askpro config set` validates them. Owners and operators only.

use super::{chrome, form, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::layout::{Nav, csrf, frame, notice};
use crate::session::Viewer;
use askpro_app::settings::EffectiveSetting;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::collections::HashMap;

/// A setting as the form shows it.
struct Field {
    key: &'static str,
    label: &'static str,
    hint: &'static str,
    /// `None` for a switch; the unit for a number.
    unit: Option<&'static str>,
}

const FIELDS: [Field; 4] = [
    Field {
        key: "notifications.sms.enabled",
        label: "SMS an Kunden senden",
        hint: "Bestätigungen und Erinnerungen zusätzlich per SMS.",
        unit: None,
    },
    Field {
        key: "notifications.reminder_hours",
        label: "Erinnerung vor dem Termin",
        hint: "Wie viele Stunden vorher die Erinnerung rausgeht; 0 schaltet Erinnerungen ab.",
        unit: Some("Stunden"),
    },
    Field {
        key: "retell.enable_cancellation",
        label: "Absagen und Verschieben am Telefon",
        hint: "Anrufer dürfen ihre Termine beim Assistenten absagen und verschieben.",
        unit: None,
    },
    Field {
        key: "waitlist.hold_minutes",
        label: "Reservierung für die Warteliste",
        hint: "So lange wird ein frei gewordener Termin für den ersten Wartenden freigehalten.",
        unit: Some("Minuten"),
    },
];

fn source_text(source: &str) -> &'static str {
    match source {
        "company" => "für diesen Betrieb eingestellt",
        "global" => "Vorgabe für alle Betriebe",
        _ => "Standard",
    }
}

fn field_markup(field: &Field, setting: Option<&EffectiveSetting>, shown: Option<&str>) -> Markup {
    let value = shown
        .map(str::to_owned)
        .or_else(|| setting.map(|s| s.value.as_str().to_owned()))
        .unwrap_or_default();
    let id = field.key.replace('.', "-");
    let hint_id = format!("{id}-hinweis");
    html! {
        div {
            @match field.unit {
                None => {
                    input type="hidden" name=(field.key) value="false";
                    label for=(id) {
                        input #(id) type="checkbox" name=(field.key) value="true" checked[value == "true"] aria-describedby=(hint_id);
                        " " (field.label)
                    }
                }
                Some(unit) => {
                    label for=(id) { (field.label) " (" (unit) ")" }
                    input #(id) type="number" name=(field.key) value=(value) inputmode="numeric" aria-describedby=(hint_id);
                }
            }
            p.hint #(hint_id) { (field.hint) @if let Some(s) = setting { " · " (source_text(s.source)) } }
        }
    }
}

/// Why a value was refused, in German where the rule is simple.
fn german_refusal(field: &Field, detail: &str) -> String {
    let def = askpro_core::settings::definition(field.key).ok();
    match def.map(|d| d.kind) {
        Some(askpro_core::settings::SettingKind::Integer { min, max, .. }) => format!(
            "{}: Bitte eine ganze Zahl von {min} bis {max} eingeben.",
            field.label
        ),
        _ => format!("{}: {detail}", field.label),
    }
}

async fn render(
    state: &WebState,
    viewer: &Viewer,
    company: &str,
    message: Option<Markup>,
    entered: &HashMap<String, String>,
) -> Result<Markup, WebError> {
    let model = open_company(state, viewer, company).await?;
    if !viewer.may_configure() {
        return Err(WebError::Forbidden);
    }
    let all = state.app.settings_overview(Some(model.slug())).await?;
    let content = html! {
        @if let Some(message) = message { (message) }
        form.card method="post" {
            (csrf(viewer))
            @for field in &FIELDS {
                (field_markup(field, all.iter().find(|s| s.key == field.key), entered.get(field.key).map(String::as_str)))
            }
            p { button type="submit" { "Speichern" } }
        }
    };
    Ok(frame(
        &chrome(viewer, &model, Nav::Settings),
        "Einstellungen",
        content,
    ))
}

pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let saved = query
        .contains_key("gespeichert")
        .then(|| notice("ok", "Gespeichert."));
    render(&state, &viewer, &company, saved, &HashMap::new()).await
}

pub async fn save(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    // A checkbox sends its hidden `false` and, when ticked, `true` after it: the last wins.
    let pairs: Vec<(String, String)> = form(&body)?;
    let mut entered: HashMap<String, String> = HashMap::new();
    for (key, value) in pairs {
        entered.insert(key, value);
    }
    viewer.check_form(entered.get("csrf").map_or("", String::as_str))?;
    let model = open_company(&state, &viewer, &company).await?;
    if !viewer.may_configure() {
        return Err(WebError::Forbidden);
    }
    let current = state.app.settings_overview(Some(model.slug())).await?;
    // Every value is checked before any is stored, so a wrong one changes nothing.
    let mut changes = Vec::new();
    for field in &FIELDS {
        let Some(value) = entered.get(field.key).map(|v| v.trim().to_owned()) else {
            continue;
        };
        if let Err(error) =
            askpro_core::settings::definition(field.key).and_then(|def| def.parse(&value))
        {
            let text = german_refusal(field, &error.to_string());
            let page = render(
                &state,
                &viewer,
                &company,
                Some(notice("error", &text)),
                &entered,
            )
            .await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
        if current
            .iter()
            .any(|s| s.key == field.key && s.value.as_str() != value)
        {
            changes.push(format!("{}={value}", field.key));
        }
    }
    for assignment in &changes {
        state
            .app
            .set_setting(assignment, Some(model.slug()), &viewer.actor())
            .await?;
    }
    tracing::info!(
        company = model.slug(),
        changed = changes.len(),
        "settings saved from the dashboard"
    );
    Ok(super::done(&format!(
        "/firmen/{}/einstellungen?gespeichert",
        model.slug()
    )))
}

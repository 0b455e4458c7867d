//! An appointment's page: customer, service, the call it came from and its audit
//! trail, with the actions cancel, move (to a slot that is really free) and no-show.
//! Each goes through the one booking service, so mails, Cal.com and the waiting list
//! follow as they do for the API.

use super::{chrome, done, form, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::format::{self, clock, date_time, long_date};
use crate::layout::{Nav, csrf, frame, notice};
use crate::session::Viewer;
use askpro_app::AppointmentView;
use askpro_app::booking::AvailabilityQuery;
use askpro_store::audit::AuditRow;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

/// How many days ahead the move page offers slots.
const MOVE_DAYS: u32 = 14;

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    grund: String,
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    /// `START|STAFF`, as the slot's radio button gives it.
    #[serde(default)]
    slot: String,
}

#[derive(Deserialize)]
pub struct PlainForm {
    #[serde(default)]
    csrf: String,
}

/// One free time on the move page: the radio button's value and what it says.
struct SlotChoice {
    value: String,
    label: String,
    start: String,
}

fn zone(a: &AppointmentView) -> TimeZone {
    TimeZone::get(&a.timezone).unwrap_or(TimeZone::UTC)
}

fn status_text(status: &str) -> &'static str {
    match status {
        "booked" => "Gebucht",
        "cancelled" => "Abgesagt",
        "completed" => "Erledigt",
        "no_show" => "Nicht erschienen",
        "held" => "Für die Warteliste reserviert",
        "released" => "Reservierung beendet",
        _ => "Unbekannt",
    }
}

fn action_text(action: &str) -> &str {
    match action {
        // `book` is what the booking service records.
        "book" | "create" | "created" | "booked" => "Gebucht",
        "cancel" | "cancelled" => "Abgesagt",
        "reschedule" | "rescheduled" => "Verschoben",
        "reassign" | "reassigned" => "Anderer Mitarbeiter",
        "no_show" => "Als nicht erschienen markiert",
        "attended" | "undo_no_show" => "Als erschienen markiert",
        "hold" | "held" => "Für die Warteliste reserviert",
        "hold_passed" => "An den Nächsten auf der Warteliste weitergegeben",
        "hold_released" => "Reservierung für die Warteliste beendet",
        other => other,
    }
}

fn actor_text(row: &AuditRow) -> String {
    let who = match row.actor.as_str() {
        "phone" => "Telefonassistent",
        "web" => "Dashboard",
        "api" => "API",
        "cli" => "Kommandozeile",
        "calcom" => "Cal.com",
        "system" => "AskPro",
        other => other,
    };
    match &row.origin {
        Some(origin) if row.actor != "phone" => format!("{who} ({origin})"),
        _ => who.to_owned(),
    }
}

fn flash(query: &HashMap<String, String>) -> Markup {
    let text = match query.get("hinweis").map(String::as_str) {
        Some("abgesagt") => "Der Termin ist abgesagt. Der Kunde bekommt eine Nachricht.",
        Some("verschoben") => "Der Termin ist verschoben. Der Kunde bekommt eine Nachricht.",
        Some("nicht-erschienen") => "Der Termin ist als nicht erschienen markiert.",
        _ => return html! {},
    };
    notice("ok", text)
}

pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let a = state.app.appointment(model.slug(), &id).await?;
    let history = state.app.appointment_history(model.slug(), &id).await?;
    let tz = zone(&a);
    let start = format::zoned_text(&a.start, &tz).ok_or(WebError::NotFound)?;
    let end = format::zoned_text(&a.end, &tz).ok_or(WebError::NotFound)?;
    let started = start.timestamp() <= state.app.now();
    let base = format!("/firmen/{}/termine/{}", model.slug(), a.id);
    let branch_name = model
        .branch(&a.branch)
        .map_or(a.branch.clone(), |b| b.name.clone());
    let content = html! {
        (flash(&query))
        section.card {
            dl.facts {
                dt { "Wann" } dd { (long_date(start.date())) ", " (clock(&start)) "–" (clock(&end)) " Uhr" }
                dt { "Kunde" } dd { (a.customer.name) }
                dt { "Telefon" } dd { (format::phone(a.customer.phone.as_deref())) }
                dt { "E-Mail" } dd { (a.customer.email.as_deref().unwrap_or("–")) }
                dt { "Leistung" } dd { (a.service_name) }
                dt { "Mitarbeiter" } dd { (a.staff_name) }
                dt { "Filiale" } dd { (branch_name) }
                dt { "Status" } dd { (status_text(&a.status)) }
                dt { "Gebucht über" } dd {
                    @match (a.source.as_str(), &a.source_ref) {
                        ("phone", Some(call)) => a href=(format!("/firmen/{}/anrufe/{call}", model.slug())) { "Anruf" },
                        ("phone", None) => "Anruf",
                        ("web", _) => "Dashboard",
                        ("calcom", _) => "Cal.com",
                        ("api", _) => "API",
                        (other, _) => (other),
                    }
                }
                @if let Some(reason) = &a.cancel_reason { dt { "Absagegrund" } dd { (reason) } }
                @if let Some(sync) = &a.sync { dt { "Cal.com" } dd { (sync) } }
            }
        }
        @if a.status == "booked" {
            h2 { "Aktionen" }
            div.actions {
                a.button href=(format!("{base}/verschieben")) { "Verschieben" }
                @if started {
                    form method="post" action=(format!("{base}/nicht-erschienen")) {
                        (csrf(&viewer))
                        button.secondary type="submit" { "Nicht erschienen" }
                    }
                }
                form method="post" action=(format!("{base}/absagen")) {
                    (csrf(&viewer))
                    label for="grund" { "Grund (optional)" }
                    input #grund type="text" name="grund" maxlength="200";
                    p { button.danger type="submit" { "Termin absagen" } }
                }
            }
        }
        h2 { "Verlauf" }
        div.table-wrap tabindex="0" role="region" aria-label="Verlauf" { table {
            thead { tr { th { "Zeitpunkt" } th { "Was" } th { "Wer" } } }
            tbody { @for row in &history { tr {
                td { (date_time(&format::zoned(row.at, &tz))) }
                td { (action_text(&row.action)) }
                td { (actor_text(row)) }
            } } }
        } }
    };
    let title = format!("Termin von {}", a.customer.name);
    Ok(frame(
        &chrome(&viewer, &model, Nav::Calendar),
        &title,
        content,
    ))
}

pub async fn cancel(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: CancelForm = form(&body)?;
    viewer.check_form(&input.csrf)?;
    let model = open_company(&state, &viewer, &company).await?;
    let reason = Some(input.grund.trim()).filter(|r| !r.is_empty());
    state
        .app
        .cancel(model.slug(), &id, reason, &viewer.actor())
        .await?;
    tracing::info!(company = model.slug(), appointment_id = %id, "appointment cancelled from the dashboard");
    Ok(done(&format!(
        "/firmen/{}/termine/{id}?hinweis=abgesagt",
        model.slug()
    )))
}

pub async fn no_show(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: PlainForm = form(&body)?;
    viewer.check_form(&input.csrf)?;
    let model = open_company(&state, &viewer, &company).await?;
    state
        .app
        .mark_no_show(model.slug(), &id, false, &viewer.actor())
        .await?;
    Ok(done(&format!(
        "/firmen/{}/termine/{id}?hinweis=nicht-erschienen",
        model.slug()
    )))
}

pub async fn move_page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let a = state.app.appointment(model.slug(), &id).await?;
    if a.status != "booked" {
        return Err(WebError::Refused {
            status: StatusCode::CONFLICT,
            message: format!(
                "Dieser Termin ist {} und kann nicht verschoben werden.",
                status_text(&a.status).to_lowercase()
            ),
        });
    }
    let tz = zone(&a);
    let all_staff = query.get("mitarbeiter").is_some_and(|v| v == "alle");
    let today = state.app.now().to_zoned_datetime(tz.clone()).date();
    let slots = state
        .app
        .availability(
            model.slug(),
            &AvailabilityQuery {
                service: a.service.clone(),
                from: today,
                days: MOVE_DAYS,
                branch: Some(a.branch.clone()),
                staff: (!all_staff).then(|| a.staff.clone()),
            },
        )
        .await?;
    let mut days: Vec<(Date, Vec<SlotChoice>)> = Vec::new();
    for slot in &slots {
        let Some(at) = format::zoned_text(&slot.start, &tz) else {
            continue;
        };
        let staff_name = model
            .staff_member(&slot.staff)
            .map_or(slot.staff.clone(), |s| s.name.clone());
        let value = format!("{}|{}", slot.start, slot.staff);
        let label = if all_staff {
            format!("{} · {staff_name}", clock(&at))
        } else {
            clock(&at)
        };
        match days.last_mut() {
            Some((date, list)) if *date == at.date() => list.push(SlotChoice {
                value,
                label,
                start: slot.start.clone(),
            }),
            _ => days.push((
                at.date(),
                vec![SlotChoice {
                    value,
                    label,
                    start: slot.start.clone(),
                }],
            )),
        }
    }
    let base = format!("/firmen/{}/termine/{}", model.slug(), a.id);
    let content = html! {
        p { (a.service_name) " für " (a.customer.name) ", bisher "
            @if let Some(start) = format::zoned_text(&a.start, &tz) { (long_date(start.date())) " um " (clock(&start)) " Uhr" }
            " bei " (a.staff_name) "." }
        p {
            @if all_staff { a href="?" { "Nur Zeiten bei " (a.staff_name) " zeigen" } }
            @else { a href="?mitarbeiter=alle" { "Auch Zeiten bei anderen Mitarbeitern zeigen" } }
        }
        @if days.is_empty() { (notice("error", "In den nächsten zwei Wochen ist keine passende Zeit frei.")) }
        @else {
            form method="post" action=(format!("{base}/verschieben")) {
                (csrf(&viewer))
                @for (date, list) in &days {
                    fieldset {
                        legend { (long_date(*date)) }
                        div.slots { @for choice in list {
                            label { input type="radio" name="slot" value=(choice.value) data-start=(choice.start) required; " " (choice.label) }
                        } }
                    }
                }
                p { button type="submit" { "Auf diese Zeit verschieben" } " " a href=(base) { "Abbrechen" } }
            }
        }
    };
    Ok(frame(
        &chrome(&viewer, &model, Nav::Calendar),
        "Termin verschieben",
        content,
    ))
}

pub async fn move_to(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: MoveForm = form(&body)?;
    viewer.check_form(&input.csrf)?;
    let model = open_company(&state, &viewer, &company).await?;
    let refused = |message: &str| WebError::Refused {
        status: StatusCode::BAD_REQUEST,
        message: message.to_owned(),
    };
    let (start, staff) = input
        .slot
        .split_once('|')
        .ok_or_else(|| refused("Bitte wählen Sie eine Zeit."))?;
    let start: Timestamp = start
        .parse()
        .map_err(|_| refused("Diese Zeit ist ungültig."))?;
    state
        .app
        .reschedule(model.slug(), &id, start, Some(staff), &viewer.actor())
        .await?;
    tracing::info!(company = model.slug(), appointment_id = %id, "appointment moved from the dashboard");
    Ok(done(&format!(
        "/firmen/{}/termine/{id}?hinweis=verschoben",
        model.slug()
    )))
}

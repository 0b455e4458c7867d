//! Operators' pages: every company with its `diagnose` status and Cal.com sync, the
//! job queues and workers, the webhook merge lag; and one company's whole diagnosis
//! with the commands that fix each finding.

use crate::WebState;
use crate::error::WebError;
use crate::format::{self, decimal};
use crate::layout::{Chrome, Nav, frame};
use crate::session::Viewer;
use askpro_app::calendar::CalcomStatus;
use askpro_app::operations::{CheckStatus, Diagnosis};
use askpro_store::{calls, jobs, tenants, workers};
use axum::extract::{Path, State};
use maud::{Markup, html};
use std::time::Duration;

/// The overview asks outside services with a shorter deadline than the CLI: it
/// diagnoses every company at once.
const OVERVIEW_DEADLINE: Duration = Duration::from_secs(2);
/// Workers without a heartbeat for this long are not listed.
const ALIVE_MS: i64 = 5 * 60_000;

/// One company's line of the overview.
struct CompanyLine {
    slug: String,
    name: String,
    diagnosis: Result<Diagnosis, String>,
    calcom: Option<Result<CalcomStatus, String>>,
}

fn only_operators(viewer: &Viewer) -> Result<(), WebError> {
    if viewer.is_operator() {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

fn status_badge(status: CheckStatus) -> Markup {
    let (class, text) = match status {
        CheckStatus::Ok => ("ok", "in Ordnung"),
        CheckStatus::Skip => ("", "nicht geprüft"),
        CheckStatus::Warn => ("warn", "Warnung"),
        CheckStatus::Fail => ("fail", "Fehler"),
    };
    html! { span.badge.(class) { (text) } }
}

fn calcom_cell(calcom: &Option<Result<CalcomStatus, String>>) -> Markup {
    match calcom {
        None => html! { span.muted { "nicht verbunden" } },
        Some(Err(error)) => html! { span.badge.fail { "Fehler" } " " (error) },
        Some(Ok(status)) => html! {
            @if status.healthy() { span.badge.ok { "in Ordnung" } } @else { span.badge.warn { "prüfen" } }
            br;
            span.muted { (status.pending) " ausstehend, " (status.conflicts) " Konflikte"
                @if let Some(last) = &status.last_sync { ", zuletzt " (last.get(..16).unwrap_or(last).replace('T', " ")) } }
        },
    }
}

async fn company_lines(state: &WebState) -> Result<Vec<CompanyLine>, WebError> {
    let companies = tenants::list(&state.app.db)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut outside = state.config.outside.clone();
    outside.deadline = Some(OVERVIEW_DEADLINE);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, company) in companies.into_iter().enumerate() {
        let (app, outside) = (state.app.clone(), outside.clone());
        tasks.spawn(async move {
            let diagnosis = app
                .diagnose(&company.slug, &outside)
                .await
                .map_err(|e| e.to_string());
            let has_calcom = app
                .company(&company.slug)
                .await
                .is_ok_and(|m| m.tenant().calcom.is_some());
            let calcom = if has_calcom {
                Some(
                    app.calcom_status(&company.slug)
                        .await
                        .map_err(|e| e.to_string()),
                )
            } else {
                None
            };
            (
                index,
                CompanyLine {
                    slug: company.slug,
                    name: company.name,
                    diagnosis,
                    calcom,
                },
            )
        });
    }
    let mut lines = Vec::new();
    while let Some(done) = tasks.join_next().await {
        lines.push(done.map_err(|e| WebError::Internal(e.to_string()))?);
    }
    lines.sort_by_key(|(index, _)| *index);
    Ok(lines.into_iter().map(|(_, line)| line).collect())
}

pub async fn overview(State(state): State<WebState>, viewer: Viewer) -> Result<Markup, WebError> {
    only_operators(&viewer)?;
    let now = state.app.now_ms();
    let lines = company_lines(&state).await?;
    let internal = |e: askpro_store::StoreError| WebError::Internal(e.to_string());
    let queues = jobs::stats(&state.app.db, now).await.map_err(internal)?;
    let live = workers::live(&state.app.db, now - ALIVE_MS)
        .await
        .map_err(internal)?;
    let (waiting, oldest) = calls::merge_backlog(&state.app.db)
        .await
        .map_err(internal)?;
    let lag_s = oldest.map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0);
    let age = |at: i64| format!("{} s", (now - at).max(0) / 1000);
    let content = html! {
        h2 { "Betriebe" }
        div.table-wrap tabindex="0" role="region" aria-label="Betriebe" { table {
            thead { tr { th { "Betrieb" } th { "Diagnose" } th { "Offene Befunde" } th { "Cal.com" } } }
            tbody { @for line in &lines { tr {
                td { a href=(format!("/betrieb/{}", line.slug)) { (line.name) } br;
                     a.muted href=(format!("/firmen/{}/heute", line.slug)) { "Dashboard des Betriebs" } }
                @match &line.diagnosis {
                    Ok(d) => {
                        td { (status_badge(d.worst())) }
                        td { @for check in d.open_checks() { code { (check.id) } " " } }
                    }
                    Err(error) => { td { span.badge.fail { "Fehler" } } td { (error) } }
                }
                td { (calcom_cell(&line.calcom)) }
            } } }
        } }
        h2 { "Warteschlangen" }
        // Tables without links are focusable, so keyboards can scroll them on a phone.
        div.table-wrap tabindex="0" role="region" aria-label="Warteschlangen" { table {
            thead { tr { th { "Queue" } th { "Wartend" } th { "In Arbeit" } th { "Gescheitert" } th { "Erledigt (1 h)" } th { "Ältester wartet seit" } } }
            tbody { @for q in &queues { tr {
                td { code { (q.queue) } } td { (q.pending) } td { (q.running) }
                td { @if q.dead > 0 { span.badge.fail { (q.dead) } } @else { "0" } }
                td { (q.done_last_hour) }
                td { (q.oldest_pending_at.map_or("–".into(), age)) }
            } } }
        } }
        h2 { "Worker" }
        @if live.is_empty() { p { span.badge.fail { "Kein Worker aktiv" } " E-Mails, SMS und Cal.com-Abgleich bleiben liegen." } }
        @else {
            div.table-wrap tabindex="0" role="region" aria-label="Worker" { table {
                thead { tr { th { "Worker" } th { "Queues" } th { "Letztes Lebenszeichen" } th { "Erledigt" } th { "Problem" } } }
                tbody { @for w in &live { tr {
                    td { (w.host) " · PID " (w.pid) }
                    td { (w.queues) }
                    td { "vor " (age(w.heartbeat_at)) }
                    td { (w.jobs_done) }
                    td { (w.trouble.as_deref().unwrap_or("–")) }
                } } }
            } }
        }
        h2 { "Retell-Webhooks" }
        p { (waiting) " Zustellungen warten aufs Zusammenführen; Rückstand " (decimal(lag_s, 1)) " s." }
    };
    let chrome = Chrome {
        viewer: &viewer,
        company: None,
        active: Nav::Operations,
    };
    Ok(frame(&chrome, "Betrieb", content))
}

pub async fn company(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
) -> Result<Markup, WebError> {
    only_operators(&viewer)?;
    let model = state.app.company(&company).await?;
    let diagnosis = state
        .app
        .diagnose(model.slug(), &state.config.outside)
        .await?;
    let tz = model.zone(model.tenant().branches[0].slug.as_str());
    let checked = diagnosis.checked_at.parse::<jiff::Timestamp>().map_or_else(
        |_| diagnosis.checked_at.clone(),
        |t| format::date_time(&t.to_zoned_datetime(tz)),
    );
    let content = html! {
        p { "Geprüft " (checked) ". Gesamt: " (status_badge(diagnosis.worst())) }
        p { a href=(format!("/firmen/{}/heute", model.slug())) { "Zum Dashboard des Betriebs" } }
        div.table-wrap tabindex="0" role="region" aria-label="Prüfungen" { table {
            thead { tr { th { "Prüfung" } th { "Problem" } th { "Ergebnis" } th { "Befund" } th { "Behebung" } } }
            tbody { @for check in &diagnosis.checks { tr {
                td { code { (check.id) } }
                td { "Nr. " (check.problem) }
                td { (status_badge(check.status)) }
                td { (check.evidence) }
                td { @for command in &check.commands { code { (command) } br; } }
            } } }
        } }
    };
    let chrome = Chrome {
        viewer: &viewer,
        company: None,
        active: Nav::Operations,
    };
    Ok(frame(
        &chrome,
        &format!("Diagnose: {}", model.tenant().company.name),
        content,
    ))
}

//! *Anrufe*: the calls of the last weeks with outcome, length and mood; a call's page
//! with its transcript, Retell's analysis and every function the agent called, with
//! AskPro's answer and its time.

use super::{chrome, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::format::{self, call_length};
use crate::layout::{Nav, frame};
use crate::session::Viewer;
use askpro_app::operations::metrics::outcome_label;
use axum::extract::{Path, State};
use maud::{Markup, html};
use serde_json::Value;

/// How far back the list goes, and how many it shows at most.
const LIST_DAYS: i64 = 30;
const LIST_LIMIT: i64 = 300;

fn sentiment(text: Option<&str>) -> Markup {
    match text {
        Some("Positive") => html! { span.badge.ok { "positiv" } },
        Some("Neutral") => html! { span.badge { "neutral" } },
        Some("Negative") => html! { span.badge.bad { "negativ" } },
        _ => html! { span.muted { "–" } },
    }
}

/// How a call ended, from Retell's `disconnection_reason`, in German where known.
fn ending(reason: &str) -> &str {
    match reason {
        "user_hangup" => "Anrufer hat aufgelegt",
        "agent_hangup" => "Assistent hat das Gespräch beendet",
        "call_transfer" => "Weiterverbunden",
        "inactivity" => "Keine Reaktion mehr",
        "max_duration_reached" => "Höchstdauer erreicht",
        "dial_no_answer" | "dial_busy" | "dial_failed" => "Nicht zustande gekommen",
        other => other,
    }
}

/// "2026-12-03T10:15:00+01:00" as "3.12., 10:15".
fn when(rfc3339: Option<&str>) -> String {
    let Some(text) = rfc3339 else {
        return "–".into();
    };
    match (text.get(5..7), text.get(8..10), text.get(11..16)) {
        (Some(month), Some(day), Some(time)) => format!(
            "{}.{}., {time}",
            day.trim_start_matches('0'),
            month.trim_start_matches('0')
        ),
        _ => text.to_owned(),
    }
}

pub async fn list(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let since = state.app.now_ms() - LIST_DAYS * 86_400_000;
    let calls = state.app.calls(model.slug(), since, LIST_LIMIT).await?;
    let content = html! {
        p.muted { "Die Anrufe der letzten " (LIST_DAYS) " Tage, die neuesten zuerst." }
        @if calls.is_empty() { p { "Noch keine Anrufe." } }
        @else {
            div.table-wrap tabindex="0" role="region" aria-label="Anrufe" { table {
                thead { tr { th { "Wann" } th { "Anrufer" } th { "Ergebnis" } th { "Dauer" } th { "Stimmung" } } }
                tbody { @for call in &calls { tr {
                    td { a href=(format!("/firmen/{}/anrufe/{}", model.slug(), call.call_id)) { (when(call.start.as_deref())) } }
                    td { (format::phone(call.from_number.as_deref())) }
                    td { (outcome_label(call.outcome, true)) }
                    td { (call.duration_ms.map_or("–".into(), call_length)) }
                    td { (sentiment(call.user_sentiment.as_deref())) }
                } } }
            } }
        }
    };
    Ok(frame(
        &chrome(&viewer, &model, Nav::Calls),
        "Anrufe",
        content,
    ))
}

pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path((company, call_id)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let call = state.app.call(model.slug(), &call_id).await?;
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let outcome = call["outcome"].as_str().unwrap_or("information");
    let content = html! {
        section.card {
            dl.facts {
                dt { "Wann" } dd { (when(call["start"].as_str())) }
                dt { "Anrufer" } dd { (format::phone(call["from_number"].as_str())) }
                dt { "Dauer" } dd { (call["duration_ms"].as_i64().map_or("–".into(), call_length)) }
                dt { "Ergebnis" } dd { (outcome_label(outcome, true)) }
                dt { "Stimmung" } dd { (sentiment(call["user_sentiment"].as_str())) }
                @if let Some(summary) = text(&call["summary"]) { dt { "Zusammenfassung" } dd { (summary) } }
                @if let Some(reason) = text(&call["disconnection_reason"]) { dt { "Beendet" } dd { (ending(&reason)) } }
            }
        }
        h2 { "Gespräch" }
        (transcript(&call))
        h2 { "Funktionen des Assistenten" }
        (functions(&call["functions"]))
        @if let Some(transfers) = call["transfers"].as_array().filter(|t| !t.is_empty()) {
            h2 { "Weiterleitungen" }
            ul { @for t in transfers { li { (t["outcome"].as_str().unwrap_or("?")) " · " (t["to"].as_str().unwrap_or("")) " · " (t["at"].as_str().unwrap_or("")) } } }
        }
        @if call["call_analysis"].is_object() {
            h2 { "Auswertung" }
            details { summary { "Retells Auswertung anzeigen" }
                pre { (serde_json::to_string_pretty(&call["call_analysis"]).unwrap_or_default()) } }
        }
    };
    Ok(frame(
        &chrome(&viewer, &model, Nav::Calls),
        "Anruf",
        content,
    ))
}

fn transcript(call: &Value) -> Markup {
    let turns = call["transcript_object"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if turns.is_empty() {
        return match call["transcript"].as_str().filter(|t| !t.is_empty()) {
            Some(text) => html! { pre { (text) } },
            None => html! { p.muted { "Kein Gesprächsprotokoll vorhanden." } },
        };
    }
    html! {
        ol.transcript {
            @for turn in &turns {
                @let role = turn["role"].as_str().unwrap_or("user");
                li class=(if role == "agent" { "agent" } else { "user" }) {
                    span.who { (if role == "agent" { "Assistent" } else { "Anrufer" }) }
                    (turn["content"].as_str().unwrap_or(""))
                }
            }
        }
    }
}

fn functions(list: &Value) -> Markup {
    let list = list.as_array().cloned().unwrap_or_default();
    if list.is_empty() {
        return html! { p.muted { "Der Assistent hat keine Funktion aufgerufen." } };
    }
    html! {
        // Focusable, so keyboards can scroll it sideways on a phone (it has no links).
        div.table-wrap tabindex="0" role="region" aria-label="Funktionen des Assistenten" { table {
            thead { tr { th { "Zeit" } th { "Funktion" } th { "Angaben" } th { "Antwort" } } }
            tbody { @for f in &list { tr {
                td { (f["at"].as_str().and_then(|t| t.get(11..19)).unwrap_or("–"))
                     br; span.muted { (f["duration_ms"].as_i64().unwrap_or(0)) " ms" } }
                td { code { (f["name"].as_str().unwrap_or("?")) }
                     @if f["ok"] == false { " " span.badge.bad { "Fehler" } } }
                td { code { (compact(&f["args"])) } }
                td { (f["answer"]["result"].as_str().map_or_else(|| compact(&f["answer"]), str::to_owned)) }
            } } }
        } }
    }
}

/// Arguments as short `key: value` text.
fn compact(value: &Value) -> String {
    match value.as_object() {
        Some(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_times_are_short_and_local() {
        assert_eq!(when(Some("2026-12-03T09:05:00+01:00")), "3.12., 09:05");
        assert_eq!(when(None), "–");
    }

    #[test]
    fn known_endings_read_in_german_and_others_as_given() {
        assert_eq!(ending("user_hangup"), "Anrufer hat aufgelegt");
        assert_eq!(
            ending("error_llm_websocket_open"),
            "error_llm_websocket_open"
        );
    }

    #[test]
    fn arguments_read_as_a_line() {
        let args =
            serde_json::json!({ "service": "haarschnitt", "when": "morgen um 10", "staff": null });
        assert_eq!(compact(&args), "service: haarschnitt, when: morgen um 10");
    }
}

//! *Heute*: per branch a timeline per staff member (appointments, free gaps, slots held
//! for the waiting list), then the open messages and today's calls with their outcome.

use super::{chrome, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::format::{self, clock, long_date, minute_clock};
use crate::layout::{Nav, frame};
use crate::session::Viewer;
use askpro_app::booking::{AppointmentQuery, Bound};
use askpro_app::operations::metrics::outcome_label;
use askpro_app::waitlist::WaitlistView;
use askpro_app::{AppointmentView, CompanyModel};
use askpro_core::hours::Interval;
use askpro_core::opening::opening_on;
use askpro_core::tenant::{Branch, Staff};
use axum::extract::{Path, Query, State};
use jiff::civil::Date;
use maud::{Markup, html};
use std::collections::HashMap;

/// Shorter gaps than this are not worth showing as free.
const MIN_GAP_MINUTES: u16 = 10;

/// One line of a staff member's day.
#[derive(Debug, PartialEq)]
pub enum Entry<'a> {
    Busy {
        from: u16,
        to: u16,
        appointment: &'a AppointmentView,
    },
    Free {
        from: u16,
        to: u16,
    },
}

/// The working intervals and appointments of a day as one ordered timeline with the
/// free gaps in between (only within working hours).
pub fn timeline<'a>(
    working: &[Interval],
    busy: &[(u16, u16, &'a AppointmentView)],
) -> Vec<Entry<'a>> {
    let mut entries = Vec::new();
    let mut busy: Vec<_> = busy.to_vec();
    busy.sort_by_key(|(from, _, _)| *from);
    for interval in working {
        let mut cursor = interval.start;
        for (from, to, _) in busy
            .iter()
            .filter(|(f, t, _)| *t > interval.start && *f < interval.end)
        {
            if *from >= cursor + MIN_GAP_MINUTES {
                entries.push(Entry::Free {
                    from: cursor,
                    to: *from,
                });
            }
            cursor = cursor.max(*to);
        }
        if interval.end >= cursor + MIN_GAP_MINUTES {
            entries.push(Entry::Free {
                from: cursor,
                to: interval.end,
            });
        }
    }
    for (from, to, appointment) in busy {
        entries.push(Entry::Busy {
            from,
            to,
            appointment,
        });
    }
    entries.sort_by_key(|e| match e {
        Entry::Busy { from, .. } | Entry::Free { from, .. } => *from,
    });
    entries
}

/// When a staff member works at `branch` on `date`: the branch's opening (holidays and
/// closed days included), narrowed by their own hours.
fn working_hours(branch: &Branch, staff: &Staff, date: Date) -> Vec<Interval> {
    let open = opening_on(branch, date).hours;
    match &staff.hours {
        None => open,
        Some(own) => open
            .iter()
            .flat_map(|o| {
                own.on(date.weekday())
                    .iter()
                    .filter_map(|s| o.intersect(*s))
            })
            .collect(),
    }
}

/// Minutes of the local day of an appointment, clamped to the day.
fn minutes_on(appointment: &AppointmentView, date: Date) -> Option<(u16, u16)> {
    let tz = jiff::tz::TimeZone::get(&appointment.timezone).ok()?;
    let start = format::zoned_text(&appointment.start, &tz)?;
    let end = format::zoned_text(&appointment.end, &tz)?;
    let minute = |z: &jiff::ZonedDateTime| {
        if z.date() > date {
            24 * 60
        } else if z.date() < date {
            0
        } else {
            u16::try_from(i32::from(z.hour()) * 60 + i32::from(z.minute())).unwrap_or(0)
        }
    };
    Some((minute(&start), minute(&end)))
}

/// The statuses a day shows (a cancelled or released slot is free again).
fn on_the_day(status: &str) -> bool {
    matches!(status, "booked" | "held" | "completed" | "no_show")
}

pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let first = &model.tenant().branches[0];
    let today = state
        .app
        .now()
        .to_zoned_datetime(model.zone(first.slug.as_str()))
        .date();
    let date = query
        .get("tag")
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or(today);
    let appointments = state
        .app
        .appointments(
            model.slug(),
            &AppointmentQuery {
                from: Bound::Date(date),
                to: Bound::Date(date),
                status: None,
                staff: None,
            },
        )
        .await?;
    let messages = state.app.messages(model.slug(), Some("open")).await?;
    let mut waiting = state.app.waitlist(model.slug(), Some("held")).await?;
    waiting.extend(state.app.waitlist(model.slug(), Some("waiting")).await?);
    let day_start = date
        .to_zoned_datetime(model.zone(first.slug.as_str()))
        .map_err(|e| WebError::Internal(e.to_string()))?
        .timestamp()
        .as_millisecond();
    let calls: Vec<_> = state
        .app
        .calls(model.slug(), day_start, 200)
        .await?
        .into_iter()
        .filter(|c| {
            c.start
                .as_deref()
                .is_none_or(|s| s.starts_with(&date.to_string()))
        })
        .collect();
    let title = if date == today {
        "Heute".to_owned()
    } else {
        long_date(date)
    };
    let content = html! {
        p.muted { (long_date(date)) }
        nav.pager aria-label="Tage" {
            a.button.secondary href=(format!("?tag={}", date.yesterday().unwrap_or(date))) { "← Vortag" }
            @if date != today { a.button.secondary href="?" { "Heute" } }
            a.button.secondary href=(format!("?tag={}", date.tomorrow().unwrap_or(date))) { "Folgetag →" }
        }
        @for branch in &model.tenant().branches {
            (branch_day(&model, branch, date, &appointments))
        }
        div.grid.two {
            section aria-labelledby="nachrichten" {
                h2 #nachrichten { "Offene Nachrichten (" (messages.len()) ")" }
                @if messages.is_empty() { p.muted { "Keine offenen Nachrichten." } }
                @for m in &messages {
                    div.card {
                        @if m["urgent"] == true { span.badge.bad { "Dringend" } " " }
                        strong { (m["name"].as_str().unwrap_or("?")) }
                        " · " (format::phone(m["phone"].as_str()))
                        p { (m["concern"].as_str().unwrap_or("")) }
                        @if let Some(when) = m["callback_when"].as_str() { p.hint { "Rückruf: " (when) } }
                    }
                }
                p { a href=(format!("/firmen/{}/nachrichten", model.slug())) { "Alle Nachrichten" } }
            }
            section aria-labelledby="anrufe" {
                h2 #anrufe { "Anrufe (" (calls.len()) ")" }
                @if calls.is_empty() { p.muted { "Noch keine Anrufe an diesem Tag." } }
                @if !calls.is_empty() {
                    div.table-wrap tabindex="0" role="region" aria-label="Anrufe des Tages" { table {
                        thead { tr { th { "Zeit" } th { "Anrufer" } th { "Ergebnis" } } }
                        tbody { @for call in &calls { tr {
                            td { a href=(format!("/firmen/{}/anrufe/{}", model.slug(), call.call_id)) {
                                (call.start.as_deref().and_then(|s| s.get(11..16)).unwrap_or("–")) } }
                            td { (format::phone(call.from_number.as_deref())) }
                            td { (outcome_label(call.outcome, true)) }
                        } } }
                    } }
                }
            }
        }
        (waiting_list(&waiting))
    };
    Ok(frame(&chrome(&viewer, &model, Nav::Today), &title, content))
}

/// Who waits for a slot, those with one held for them first.
fn waiting_list(entries: &[WaitlistView]) -> Markup {
    html! {
        section aria-labelledby="warteliste" {
            h2 #warteliste { "Warteliste (" (entries.len()) ")" }
            @if entries.is_empty() { p.muted { "Niemand wartet auf einen Termin." } }
            @for entry in entries {
                div.card {
                    strong { (entry.customer.name) } " · " (entry.service_name)
                    " · " (format::phone(entry.customer.phone.as_deref()))
                    p.hint { "Wunsch: " (entry.when) }
                    @if let Some(until) = &entry.held_until {
                        span.badge.held { "Termin reserviert bis " (until.get(11..16).unwrap_or(until)) " Uhr" }
                    }
                }
            }
        }
    }
}

fn branch_day(
    model: &CompanyModel,
    branch: &Branch,
    date: Date,
    all: &[AppointmentView],
) -> Markup {
    let opening = opening_on(branch, date);
    let staff: Vec<&Staff> = model
        .tenant()
        .staff
        .iter()
        .filter(|s| s.branches.iter().any(|b| b == &branch.slug))
        .collect();
    html! {
        section.card aria-label=(branch.name) {
            h2 { (branch.name) }
            @match opening.closed {
                Some(askpro_core::opening::Closed::Holiday(name)) => p.muted { "Geschlossen: " (name) },
                Some(_) => p.muted { "Geschlossen." },
                None => p.muted { "Geöffnet " @for (i, h) in opening.hours.iter().enumerate() {
                    @if i > 0 { ", " } (minute_clock(h.start)) "–" (minute_clock(h.end)) } " Uhr" },
            }
            div.grid.three {
                @for member in staff {
                    (staff_day(branch, member, date, all))
                }
            }
        }
    }
}

fn staff_day(branch: &Branch, member: &Staff, date: Date, all: &[AppointmentView]) -> Markup {
    let mine: Vec<(u16, u16, &AppointmentView)> = all
        .iter()
        .filter(|a| {
            a.branch == branch.slug.as_str()
                && a.staff == member.slug.as_str()
                && on_the_day(&a.status)
        })
        .filter_map(|a| minutes_on(a, date).map(|(from, to)| (from, to, a)))
        .collect();
    let entries = timeline(&working_hours(branch, member, date), &mine);
    html! {
        div {
            h3 { (member.name) }
            @if entries.is_empty() { p.muted { "Heute nicht eingeplant." } }
            ul.timeline {
                @for entry in &entries { (entry_line(entry)) }
            }
        }
    }
}

fn entry_line(entry: &Entry<'_>) -> Markup {
    match entry {
        Entry::Free { from, to } => html! {
            li.free { span.time { (minute_clock(*from)) "–" (minute_clock(*to)) } span { "frei" } }
        },
        Entry::Busy {
            from,
            to,
            appointment: a,
        } => {
            let tz = jiff::tz::TimeZone::get(&a.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
            let link = format!("/firmen/{}/termine/{}", a.company, a.id);
            html! {
                li class=(a.status) {
                    span.time { (minute_clock(*from)) "–" (minute_clock(*to)) }
                    span {
                        a href=(link) { (a.customer.name) } " · " (a.service_name)
                        @if a.status == "held" {
                            " " span.badge.held { "Für Warteliste reserviert"
                                @if let Some(until) = a.held_until.as_deref().and_then(|u| format::zoned_text(u, &tz)) {
                                    " bis " (clock(&until)) } }
                        }
                        @if a.status == "no_show" { " " span.badge.bad { "Nicht erschienen" } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askpro_app::booking::AppointmentView;

    fn appointment(id: &str) -> AppointmentView {
        serde_json::from_value(serde_json::json!({
            "id": id, "status": "booked", "company": "c", "branch": "b", "service": "s",
            "service_name": "Schnitt", "staff": "anna", "staff_name": "Anna",
            "start": "2026-12-03T10:00:00+01:00", "end": "2026-12-03T10:30:00+01:00",
            "timezone": "Europe/Berlin", "customer": { "name": "Eva" }, "source": "api"
        }))
        .unwrap()
    }

    #[test]
    fn gaps_fill_the_working_hours_around_appointments() {
        let (a, b) = (appointment("a"), appointment("b"));
        let working = [
            Interval {
                start: 9 * 60,
                end: 12 * 60,
            },
            Interval {
                start: 13 * 60,
                end: 14 * 60,
            },
        ];
        let busy = [(10 * 60, 10 * 60 + 30, &a), (10 * 60 + 35, 11 * 60, &b)];
        let lines = timeline(&working, &busy);
        let shape: Vec<String> = lines
            .iter()
            .map(|e| match e {
                Entry::Free { from, to } => format!("frei {from}-{to}"),
                Entry::Busy {
                    from,
                    to,
                    appointment,
                } => format!("{} {from}-{to}", appointment.id),
            })
            .collect();
        // 5 minutes between a and b are too short to offer; the lunch break is no gap.
        assert_eq!(
            shape,
            [
                "frei 540-600",
                "a 600-630",
                "b 635-660",
                "frei 660-720",
                "frei 780-840"
            ]
        );
    }

    #[test]
    fn a_day_off_has_no_free_time_but_still_shows_its_appointments() {
        let a = appointment("a");
        let lines = timeline(&[], &[(600, 630, &a)]);
        assert_eq!(lines.len(), 1);
        assert!(matches!(lines[0], Entry::Busy { from: 600, .. }));
    }
}

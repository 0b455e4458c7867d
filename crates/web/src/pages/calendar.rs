//! *Kalender*: a week of appointments, Monday to Sunday, filtered by branch and staff
//! member; each links to its page. Seven columns on a desktop, one after the other on
//! a phone.

use super::{chrome, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::format::{self, clock, monday_of, short_date};
use crate::layout::{Nav, frame};
use crate::session::Viewer;
use askpro_app::booking::{AppointmentQuery, Bound};
use askpro_app::{App, AppointmentView, CompanyModel};
use axum::extract::{Path, Query, State};
use jiff::civil::Date;
use maud::{Markup, html};
use std::collections::HashMap;

/// What the week shows.
pub struct WeekFilter {
    pub monday: Date,
    pub branch: Option<String>,
    pub staff: Option<String>,
}

impl WeekFilter {
    fn from_query(query: &HashMap<String, String>, today: Date) -> WeekFilter {
        let chosen = |key: &str| query.get(key).filter(|v| !v.is_empty()).cloned();
        WeekFilter {
            monday: monday_of(
                query
                    .get("woche")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(today),
            ),
            branch: chosen("filiale"),
            staff: chosen("mitarbeiter"),
        }
    }

    /// The same filter in another week, as a query string.
    fn link(&self, monday: Date) -> String {
        let mut link = format!("?woche={monday}");
        for (key, value) in [("filiale", &self.branch), ("mitarbeiter", &self.staff)] {
            if let Some(value) = value {
                link.push_str(&format!("&{key}={}", format::url_encode(value)));
            }
        }
        link
    }
}

/// The week's appointments matching the filter, by day.
async fn week(
    app: &App,
    model: &CompanyModel,
    filter: &WeekFilter,
) -> Result<Vec<(Date, Vec<AppointmentView>)>, WebError> {
    let sunday = filter
        .monday
        .checked_add(jiff::Span::new().days(6))
        .unwrap_or(filter.monday);
    if let Some(staff) = &filter.staff {
        model.staff_member(staff)?;
    }
    if let Some(branch) = &filter.branch {
        model.branch(branch)?;
    }
    let query = AppointmentQuery {
        from: Bound::Date(filter.monday),
        to: Bound::Date(sunday),
        status: None,
        staff: filter.staff.clone(),
    };
    let all = app.appointments(model.slug(), &query).await?;
    let mut days: Vec<(Date, Vec<AppointmentView>)> = (0..7)
        .filter_map(|i| filter.monday.checked_add(jiff::Span::new().days(i)).ok())
        .map(|d| (d, Vec::new()))
        .collect();
    for appointment in all {
        if appointment.status == "released"
            || filter
                .branch
                .as_deref()
                .is_some_and(|b| b != appointment.branch)
        {
            continue;
        }
        let day = appointment
            .start
            .get(..10)
            .and_then(|d| d.parse::<Date>().ok());
        if let Some((_, list)) = days.iter_mut().find(|(d, _)| Some(*d) == day) {
            list.push(appointment);
        }
    }
    for (_, list) in &mut days {
        list.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.staff.cmp(&b.staff)));
    }
    Ok(days)
}

fn status_badge(status: &str) -> Markup {
    let (class, text) = match status {
        "cancelled" => ("bad", "Abgesagt"),
        "no_show" => ("bad", "Nicht erschienen"),
        "held" => ("held", "Warteliste"),
        "completed" => ("ok", "Erledigt"),
        _ => return html! {},
    };
    html! { " " span.badge.(class) { (text) } }
}

fn week_view(
    model: &CompanyModel,
    filter: &WeekFilter,
    days: &[(Date, Vec<AppointmentView>)],
    today: Date,
) -> Markup {
    let previous = filter
        .monday
        .checked_sub(jiff::Span::new().days(7))
        .unwrap_or(filter.monday);
    let next = filter
        .monday
        .checked_add(jiff::Span::new().days(7))
        .unwrap_or(filter.monday);
    html! {
        form.filters method="get" {
            input type="hidden" name="woche" value=(filter.monday);
            div {
                label for="filiale" { "Filiale" }
                select #filiale name="filiale" {
                    option value="" { "Alle Filialen" }
                    @for b in &model.tenant().branches {
                        option value=(b.slug.as_str()) selected[filter.branch.as_deref() == Some(b.slug.as_str())] { (b.name) }
                    }
                }
            }
            div {
                label for="mitarbeiter" { "Mitarbeiter" }
                select #mitarbeiter name="mitarbeiter" {
                    option value="" { "Alle" }
                    @for s in &model.tenant().staff {
                        option value=(s.slug.as_str()) selected[filter.staff.as_deref() == Some(s.slug.as_str())] { (s.name) }
                    }
                }
            }
            button type="submit" { "Anzeigen" }
        }
        nav.pager aria-label="Wochen" {
            a.button.secondary href=(filter.link(previous)) { "← Vorige Woche" }
            a.button.secondary href=(filter.link(monday_of(today))) { "Diese Woche" }
            a.button.secondary href=(filter.link(next)) { "Nächste Woche →" }
        }
        div.week {
            @for (date, list) in days {
                section.day.today[*date == today] aria-label=(format::long_date(*date)) {
                    h2 { (short_date(*date)) }
                    @if list.is_empty() { p.muted { "–" } }
                    ul { @for a in list { li {
                        a href=(format!("/firmen/{}/termine/{}", model.slug(), a.id)) {
                            strong { (time_of(a)) } " " (a.customer.name) br;
                            span.muted { (a.service_name) " · " (a.staff_name) }
                            (status_badge(&a.status))
                        }
                    } } }
                }
            }
        }
    }
}

fn time_of(a: &AppointmentView) -> String {
    let tz = jiff::tz::TimeZone::get(&a.timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    format::zoned_text(&a.start, &tz).map_or_else(|| "–".into(), |z| clock(&z))
}

pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let today = state
        .app
        .now()
        .to_zoned_datetime(model.zone(model.tenant().branches[0].slug.as_str()))
        .date();
    let filter = WeekFilter::from_query(&query, today);
    let days = week(&state.app, &model, &filter).await?;
    let title = format!("Woche ab {}", format::long_date(filter.monday));
    Ok(frame(
        &chrome(&viewer, &model, Nav::Calendar),
        &title,
        week_view(&model, &filter, &days, today),
    ))
}

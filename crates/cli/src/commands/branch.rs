//! `askpro branch show-hours --branch-id X [--weeks N]`: weekly hours, then day by day
//! what is open, closed (and why), and any clock change in the window.

use crate::cli::{BranchCommand, Global};
use crate::output;
use anyhow::Result;
use askpro_core::hours::DAY_KEYS;
use askpro_core::opening::{Closed, opening_on};
use askpro_core::tenant::Branch;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
struct Day {
    date: String,
    weekday: &'static str,
    hours: Vec<String>,
    closed_because: Option<String>,
}

#[derive(Serialize)]
struct Report {
    company: String,
    branch: String,
    timezone: String,
    weekly: std::collections::BTreeMap<String, Vec<String>>,
    days: Vec<Day>,
    clock_changes: Vec<String>,
}

pub async fn run(global: &Global, command: BranchCommand) -> Result<ExitCode> {
    let BranchCommand::ShowHours {
        branch_id,
        company_id,
        weeks,
    } = command;
    let app = super::open_app(global).await?;
    // A company named on the command line is taken as it is: the branch lookup below
    // says when it has no such branch.
    let company = match company_id {
        Some(company) => company,
        None => app.company_of_branch(&branch_id, None).await?,
    };
    let model = app.company(&company).await?;
    let branch = model.branch(&branch_id)?;
    let tz = model.zone(&branch_id);
    let today = app.now().to_zoned_datetime(tz.clone()).date();
    let report = Report {
        company,
        branch: branch_id,
        timezone: branch.timezone.clone(),
        weekly: branch.hours.to_table(),
        days: days_ahead(branch, today, weeks * 7),
        clock_changes: clock_changes(&tz, app.now(), weeks),
    };
    if global.json {
        output::json(&report)
    } else {
        print(&report)
    }
    Ok(ExitCode::SUCCESS)
}

fn days_ahead(branch: &Branch, from: Date, count: u32) -> Vec<Day> {
    (0..i64::from(count))
        .filter_map(|offset| from.checked_add(offset.days()).ok())
        .map(|date| {
            let day = opening_on(branch, date);
            let closed_because = match day.closed {
                Some(Closed::ClosedDay) => Some("closed day of the branch".to_owned()),
                Some(Closed::Holiday(name)) => Some(format!("public holiday: {name}")),
                Some(Closed::NoHours) | None => None,
            };
            Day {
                date: date.to_string(),
                weekday: DAY_KEYS[date.weekday().to_monday_zero_offset() as usize],
                hours: day.hours.iter().map(ToString::to_string).collect(),
                closed_because,
            }
        })
        .collect()
}

fn clock_changes(tz: &TimeZone, now: Timestamp, weeks: u32) -> Vec<String> {
    let until = now
        .saturating_add(jiff::SignedDuration::from_hours(i64::from(weeks) * 7 * 24))
        .unwrap_or(now);
    tz.following(now)
        .take_while(|t| t.timestamp() <= until)
        .map(|t| {
            let local = t.timestamp().to_zoned_datetime(tz.clone());
            format!(
                "{} at {}: clocks change to UTC{}",
                local.date(),
                local.time().strftime("%H:%M"),
                t.offset()
            )
        })
        .collect()
}

fn print(report: &Report) {
    println!(
        "{} / {} ({})",
        report.company, report.branch, report.timezone
    );
    println!("\nWEEKLY HOURS");
    let rows: Vec<Vec<String>> = DAY_KEYS
        .iter()
        .map(|d| {
            vec![
                d.to_string(),
                report
                    .weekly
                    .get(*d)
                    .map_or("closed".into(), |h| h.join(", ")),
            ]
        })
        .collect();
    output::table(&["DAY", "HOURS"], &rows);
    println!("\nCOMING DAYS");
    let rows: Vec<Vec<String>> = report
        .days
        .iter()
        .map(|d| {
            let state = match (&d.closed_because, d.hours.is_empty()) {
                (Some(why), _) => format!("closed ({why})"),
                (None, true) => "closed".to_owned(),
                (None, false) => d.hours.join(", "),
            };
            vec![d.date.clone(), d.weekday.to_owned(), state]
        })
        .collect();
    output::table(&["DATE", "DAY", "OPEN"], &rows);
    if !report.clock_changes.is_empty() {
        println!("\nCLOCK CHANGES");
        for change in &report.clock_changes {
            println!("  {change}");
        }
    }
}

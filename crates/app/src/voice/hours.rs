//! `get_opening_hours {branch?, when?}`: the branch's hours for a day or the coming
//! week, aware of holidays and closed days, and whether it is open right now — in
//! sentences the agent can say as they are.

use super::answers::not_understood_time;
use super::context::CallContext;
use super::functions::{arg, ask_branch};
use crate::App;
use crate::error::Result;
use askpro_core::opening::{Closed, DayOpening, minute_of_day, next_open_day, opening_on};
use askpro_core::tenant::Branch;
use askpro_german::phrase::{open_now, opening_day, opening_week};
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};

/// The day after `date` (opening searches start there).
fn day_after(date: Date) -> Date {
    date.checked_add(1.day()).unwrap_or(date)
}

fn day_json(day: &DayOpening) -> Value {
    let closed = day.closed.map(|c| match c {
        Closed::Holiday(name) => name.to_owned(),
        Closed::ClosedDay => "closed_day".to_owned(),
        Closed::NoHours => "no_hours".to_owned(),
    });
    json!({
        "date": day.date.to_string(),
        "hours": day.hours.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "closed": closed,
    })
}

fn which_branch(ctx: &CallContext, args: &Value) -> std::result::Result<Branch, Value> {
    ctx.branch(arg(args, "branch")).cloned().ok_or_else(|| {
        ask_branch(
            ctx,
            "Für welchen Standort möchten Sie die Öffnungszeiten wissen?",
            "Für welchen Standort möchtest du die Öffnungszeiten wissen?",
        )
    })
}

pub async fn opening_hours(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let branch = match which_branch(ctx, args) {
        Ok(branch) => branch,
        Err(question) => return Ok(question),
    };
    let now = app
        .now()
        .to_zoned_datetime(ctx.model.zone(branch.slug.as_str()));
    let today = opening_on(&branch, now.date());
    let minute = minute_of_day(&now);
    let is_open = today.open_at(minute).is_some();
    let right_now = open_now(
        &today,
        minute,
        next_open_day(&branch, day_after(now.date())).as_ref(),
    );
    let (result, days) = match arg(args, "when") {
        Some(said) => {
            let Some(wanted) = ctx.wanted(said, &branch) else {
                return Ok(not_understood_time(ctx));
            };
            let date = wanted.start.date();
            let day = opening_on(&branch, date);
            let text = if date == now.date() && day.is_open() {
                right_now
            } else {
                let next = next_open_day(&branch, day_after(date));
                opening_day(&day, next.as_ref(), now.date())
            };
            (text, vec![day])
        }
        None => {
            let coming: Vec<DayOpening> = (0..7_i64)
                .filter_map(|d| now.date().checked_add(d.days()).ok())
                .map(|date| opening_on(&branch, date))
                .collect();
            let week = opening_week(&branch.hours, &coming, now.date());
            (format!("{right_now} {week}"), coming)
        }
    };
    Ok(json!({
        "ok": true,
        "result": result,
        "branch": branch.slug.as_str(),
        "open_now": is_open,
        "days": days.iter().map(day_json).collect::<Vec<_>>(),
    }))
}

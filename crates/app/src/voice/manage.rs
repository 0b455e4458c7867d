//! The caller's own appointments by phone: find them by the number they call from, and
//! cancel or move one — unless the company switched that off (`retell.enable_cancellation`).

use super::answers::{Target, answer_with_slots, not_understood_time, rejection_sentence};
use super::context::CallContext;
use super::functions::{arg, refusal, say};
use crate::App;
use crate::booking::AppointmentView;
use crate::error::{AppError, Result};
use askpro_german::phrase::{self, AppointmentFacts};
use askpro_store::appointments::AppointmentRow;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};
use serde_json::{Value, json};

fn start_of(row: &AppointmentRow) -> ZonedDateTime {
    let tz = TimeZone::get(&row.timezone).unwrap_or(TimeZone::UTC);
    Timestamp::from_millisecond(row.starts_at)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz)
}

/// What the agent says about an appointment (the branch is named where it matters).
fn facts(row: &AppointmentRow) -> AppointmentFacts<'_> {
    AppointmentFacts {
        start: start_of(row),
        service_name: &row.service_name,
        staff_name: &row.staff_name,
        branch_name: None,
        email: None,
    }
}

fn today(ctx: &CallContext, row: Option<&AppointmentRow>) -> jiff::civil::Date {
    let tz = row
        .and_then(|r| TimeZone::get(&r.timezone).ok())
        .unwrap_or(TimeZone::UTC);
    ctx.reference.to_zoned_datetime(tz).date()
}

fn views(rows: &[AppointmentRow]) -> Vec<AppointmentView> {
    rows.iter().map(AppointmentView::from).collect()
}

pub async fn find(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let Some(phone) = ctx.customer_phone(args) else {
        return Ok(refusal(say(
            ctx,
            "Unter welcher Telefonnummer haben Sie den Termin gebucht?",
            "Unter welcher Telefonnummer hast du den Termin gebucht?",
        )));
    };
    let rows = app.upcoming_of_phone(&ctx.model, &phone).await?;
    let held = app.held_of_phone(&ctx.model, &phone).await?;
    let facts: Vec<AppointmentFacts> = rows.iter().map(|r| facts(r)).collect();
    let mut result = phrase::found_appointments(&facts, today(ctx, rows.first()), ctx.address());
    if !held.is_empty() {
        // A slot held from the waiting list comes first: the caller is probably calling
        // about it, and it is gone when the hold runs out.
        let offer = held_sentence(ctx, &held);
        result = if rows.is_empty() {
            offer
        } else {
            format!("{offer} {result}")
        };
    }
    Ok(json!({
        "ok": !rows.is_empty() || !held.is_empty(),
        "result": result,
        "appointments": views(&rows),
        "held": views(&held),
    }))
}

/// "Für Sie ist ein frei gewordener Termin reserviert: … – noch bis 10:30 Uhr. Möchten
/// Sie ihn buchen?"
fn held_sentence(ctx: &CallContext, held: &[AppointmentRow]) -> String {
    let slots: Vec<String> = held
        .iter()
        .map(|row| {
            let start = start_of(row);
            let until = row
                .hold_until
                .and_then(|ms| Timestamp::from_millisecond(ms).ok());
            let until = until.map(|t| t.to_zoned_datetime(start.time_zone().clone()).time());
            format!(
                "{} {} um {} bei {} – noch bis {}",
                row.service_name,
                phrase::spoken_date(start.date(), today(ctx, Some(row))),
                phrase::spoken_time(start.time()),
                row.staff_name,
                until.map(phrase::spoken_time).unwrap_or_default()
            )
        })
        .collect();
    say(
        ctx,
        &format!(
            "Von der Warteliste ist für Sie ein frei gewordener Termin reserviert: {}. Möchten Sie ihn buchen?",
            slots.join("; ")
        ),
        &format!(
            "Von der Warteliste ist für dich ein frei gewordener Termin reserviert: {}. Möchtest du ihn buchen?",
            slots.join("; ")
        ),
    )
}

/// The caller's held slot that `args` point at (by id or by its time), if any.
async fn held_meant(app: &App, ctx: &CallContext, args: &Value) -> Result<Option<AppointmentRow>> {
    let Some(phone) = ctx.from_number.clone() else {
        return Ok(None);
    };
    let held = app.held_of_phone(&ctx.model, &phone).await?;
    if let Some(id) = arg(args, "appointment_id") {
        return Ok(held.into_iter().find(|r| r.id == id));
    }
    let Some(said) = arg(args, "when") else {
        return Ok(None);
    };
    Ok(held.into_iter().find(|row| {
        ctx.branch(Some(&row.branch_slug))
            .and_then(|b| ctx.wanted(said, b))
            .is_some_and(|w| {
                let from = w.start.timestamp().as_millisecond();
                let to = w
                    .end
                    .map_or(from + 60_000, |e| e.timestamp().as_millisecond());
                (from..to.max(from + 60_000)).contains(&row.starts_at)
            })
    }))
}

/// Declines a held slot the caller does not want; it passes to the next waiting customer.
async fn decline_held(app: &App, ctx: &CallContext, row: &AppointmentRow) -> Result<Value> {
    let Some(entry_id) = row.source_ref.as_deref() else {
        return Ok(refusal("Diesen Termin finde ich leider nicht."));
    };
    let actor = crate::Actor::phone(&ctx.call_id);
    if let Err(error) = app
        .decline_held_slot(ctx.model.slug(), entry_id, &actor)
        .await
    {
        return caller_should_hear(ctx, error);
    }
    Ok(json!({
        "ok": true,
        "result": say(ctx,
            "Alles klar, dann geben wir den reservierten Termin weiter. Ihr Platz auf der Warteliste ist damit erledigt.",
            "Alles klar, dann geben wir den reservierten Termin weiter. Dein Platz auf der Warteliste ist damit erledigt."),
    }))
}

/// The polite answer when the company does not cancel or move by phone.
async fn switched_off(app: &App, ctx: &CallContext) -> Result<Option<Value>> {
    let on = app
        .setting("retell.enable_cancellation", Some(ctx.model.slug()))
        .await?
        .value
        .as_bool();
    Ok((!on).then(|| {
        refusal(match ctx.address() {
            phrase::Address::Sie => "Absagen oder verschieben kann ich Termine am Telefon leider nicht. Antworten Sie dazu einfach auf Ihre Bestätigungs-E-Mail, oder wir rufen Sie zurück – soll ich das für Sie notieren?",
            phrase::Address::Du => "Absagen oder verschieben kann ich Termine am Telefon leider nicht. Antworte dazu einfach auf deine Bestätigungs-E-Mail, oder wir rufen dich zurück – soll ich das für dich notieren?",
        })
    }))
}

/// The appointment the caller means: by id, or among theirs the one at `when_key`'s time
/// (or their only one). Otherwise the question to ask.
async fn pick(
    app: &App,
    ctx: &CallContext,
    args: &Value,
    when_key: &str,
) -> Result<std::result::Result<AppointmentRow, Value>> {
    // Only the caller's own appointments, by the number they call from: a dictated id
    // or number must not cancel someone else's.
    let Some(phone) = ctx.from_number.clone() else {
        return Ok(Err(refusal(say(
            ctx,
            "Ihre Rufnummer wird leider nicht übertragen, daher kann ich Ihre Termine nicht finden. Antworten Sie einfach auf Ihre Bestätigungs-E-Mail, oder wir rufen Sie zurück.",
            "Deine Rufnummer wird leider nicht übertragen, daher kann ich deine Termine nicht finden. Antworte einfach auf deine Bestätigungs-E-Mail, oder wir rufen dich zurück.",
        ))));
    };
    if let Some(id) = arg(args, "appointment_id") {
        let row = askpro_store::appointments::get(&app.db, ctx.model.id(), id).await?;
        let own = row.filter(|r| {
            r.status == "booked" && r.customer_phone.as_deref() == Some(phone.as_str())
        });
        return Ok(match own {
            Some(row) => Ok(row),
            None => Err(refusal("Diesen Termin finde ich leider nicht.")),
        });
    }
    let mut rows = app.upcoming_of_phone(&ctx.model, &phone).await?;
    if let Some(said) = arg(args, when_key) {
        let Some(branch) = rows
            .first()
            .and_then(|r| ctx.branch(Some(&r.branch_slug)))
            .or_else(|| ctx.branch(None))
        else {
            return Ok(Err(not_understood_time(ctx)));
        };
        let Some(wanted) = ctx.wanted(said, branch) else {
            return Ok(Err(not_understood_time(ctx)));
        };
        let from = wanted.start.timestamp().as_millisecond();
        let to = match (&wanted.end, wanted.exact) {
            (_, true) => from + 60_000,
            (Some(end), false) => end.timestamp().as_millisecond(),
            (None, false) => from + 86_400_000,
        };
        rows.retain(|r| (from..to).contains(&r.starts_at));
    }
    let facts: Vec<AppointmentFacts> = rows.iter().map(|r| facts(r)).collect();
    Ok(match rows.len() {
        1 => Ok(rows.remove(0)),
        0 => Err(refusal(phrase::found_appointments(
            &[],
            today(ctx, None),
            ctx.address(),
        ))),
        _ => Err(json!({
            "ok": false,
            "result": phrase::found_appointments(&facts, today(ctx, rows.first()), ctx.address()),
            "appointments": views(&rows),
        })),
    })
}

pub async fn cancel(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    // Letting a held slot go is no cancellation: it is allowed whatever the setting.
    if let Some(held) = held_meant(app, ctx, args).await? {
        return decline_held(app, ctx, &held).await;
    }
    if let Some(answer) = switched_off(app, ctx).await? {
        return Ok(answer);
    }
    let row = match pick(app, ctx, args, "when").await? {
        Ok(row) => row,
        Err(question) => return Ok(question),
    };
    let actor = crate::Actor::phone(&ctx.call_id);
    let view = match app
        .cancel(ctx.model.slug(), &row.id, arg(args, "reason"), &actor)
        .await
    {
        Ok(view) => view,
        Err(error) => return caller_should_hear(ctx, error),
    };
    let mut f = facts(&row);
    f.email = row.customer_email.as_deref();
    let result = phrase::confirm_cancellation(&f, today(ctx, Some(&row)), ctx.address());
    Ok(json!({ "ok": true, "result": result, "appointment": view }))
}

pub async fn reschedule(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    if let Some(answer) = switched_off(app, ctx).await? {
        return Ok(answer);
    }
    let row = match pick(app, ctx, args, "when_old").await? {
        Ok(row) => row,
        Err(question) => return Ok(question),
    };
    let Some(branch) = ctx.branch(Some(&row.branch_slug)) else {
        return Ok(refusal("Diesen Termin finde ich leider nicht mehr."));
    };
    // A move keeps the staff member, so only their free times are offered.
    let target = Target {
        branch,
        service: row.service_slug.clone(),
        staff: Some(row.staff_slug.clone()),
    };
    let Some(wanted) = arg(args, "new_start").and_then(|s| ctx.wanted(s, branch)) else {
        return Ok(not_understood_time(ctx));
    };
    if !wanted.exact {
        return answer_with_slots(app, ctx, &target, Some(&wanted)).await;
    }
    let actor = crate::Actor::phone(&ctx.call_id);
    let moved = app
        .reschedule(
            ctx.model.slug(),
            &row.id,
            wanted.start.timestamp(),
            None,
            &actor,
        )
        .await;
    match moved {
        Ok(view) => {
            let f = AppointmentFacts {
                start: wanted.start.clone(),
                service_name: &view.service_name,
                staff_name: &view.staff_name,
                branch_name: None,
                email: view.customer.email.as_deref(),
            };
            let result = phrase::confirm_reschedule(
                start_of(&row),
                &f,
                today(ctx, Some(&row)),
                ctx.address(),
            );
            Ok(json!({ "ok": true, "result": result, "appointment": view }))
        }
        Err(AppError::SlotUnavailable(reason)) => {
            let mut answer = answer_with_slots(app, ctx, &target, Some(&wanted)).await?;
            let text = answer["result"].as_str().unwrap_or_default().to_owned();
            let text = if reason == askpro_core::SlotRejection::Taken {
                text
            } else {
                format!("{} {text}", rejection_sentence(reason))
            };
            answer["result"] = Value::String(format!(
                "{text} {}",
                say(
                    ctx,
                    "Ihr bisheriger Termin bleibt bis dahin bestehen.",
                    "Dein bisheriger Termin bleibt bis dahin bestehen."
                )
            ));
            answer["ok"] = Value::Bool(false);
            Ok(answer)
        }
        Err(other) => caller_should_hear(ctx, other),
    }
}

/// A change the booking service refused for a reason the caller can do nothing about
/// (changed meanwhile, staff or branch gone) is a sentence, not an error Retell retries.
pub(super) fn caller_should_hear(ctx: &CallContext, error: AppError) -> Result<Value> {
    match error {
        AppError::Conflict(detail) | AppError::NotFound(detail) | AppError::Invalid(detail) => {
            let mut answer = refusal(say(
                ctx,
                "Diesen Termin kann ich gerade leider nicht ändern. Wir rufen Sie gern zurück – soll ich das notieren?",
                "Diesen Termin kann ich gerade leider nicht ändern. Wir rufen dich gern zurück – soll ich das notieren?",
            ));
            answer["detail"] = Value::String(detail);
            Ok(answer)
        }
        other => Err(other),
    }
}

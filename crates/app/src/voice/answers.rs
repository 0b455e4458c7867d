//! The agent's questions about services and free times, and booking: each turns spoken
//! arguments into the booking service's terms and its outcome into a German sentence.

use super::context::{CallContext, Wanted};
use super::functions::{arg, ask_branch, refusal, say};
use crate::App;
use crate::booking::{AvailabilityQuery, BookRequest, Customer, SlotView};
use crate::error::{AppError, Result};
use askpro_core::SlotRejection;
use askpro_core::tenant::Branch;
use askpro_german::phrase::{self, AppointmentFacts, free_times, slot_taken};
use jiff::{Timestamp, ZonedDateTime};
use serde_json::{Value, json};

/// Days searched for free times when the caller named no day, and for alternatives.
const SEARCH_DAYS: u32 = 14;
/// Offers named at once: more is too much to remember on the phone.
const OFFERS: usize = 3;

pub fn list_services(ctx: &CallContext, args: &Value) -> Value {
    let tenant = ctx.model.tenant();
    let branch = arg(args, "branch").and_then(|b| ctx.branch(Some(b)));
    let services: Vec<Value> = tenant
        .services
        .iter()
        .filter_map(|service| {
            let staff: Vec<&str> = tenant
                .staff
                .iter()
                .filter(|s| s.services.contains(&service.slug))
                .filter(|s| branch.is_none_or(|b| s.branches.contains(&b.slug)))
                .map(|s| s.name.as_str())
                .collect();
            (!staff.is_empty()).then(|| {
                json!({ "slug": service.slug.as_str(), "name": service.name, "duration_min": service.duration_min,
                        "price_cents": service.price_cents, "staff": staff })
            })
        })
        .collect();
    let named: Vec<String> = services
        .iter()
        .map(|s| {
            format!(
                "{} ({} Minuten)",
                s["name"].as_str().unwrap_or(""),
                s["duration_min"]
            )
        })
        .collect();
    let result = match named.as_slice() {
        [] => "Dort bieten wir derzeit leider keine Termine an.".to_owned(),
        [one] => format!("Wir bieten {one} an."),
        [init @ .., last] => format!("Wir bieten {} und {last} an.", init.join(", ")),
    };
    json!({ "ok": true, "result": result, "services": services })
}

/// What a booking-related function needs before it can ask the booking service.
pub(crate) struct Target<'c> {
    pub branch: &'c Branch,
    pub service: String,
    pub staff: Option<String>,
}

/// Branch, service and staff from the arguments, or the question to ask the caller.
pub(crate) fn target<'c>(
    ctx: &'c CallContext,
    args: &Value,
) -> std::result::Result<Target<'c>, Value> {
    let tenant = ctx.model.tenant();
    let Some(branch) = ctx.branch(arg(args, "branch")) else {
        return Err(ask_branch(
            ctx,
            "An welchem Standort möchten Sie den Termin?",
            "An welchem Standort möchtest du den Termin?",
        ));
    };
    let service = match arg(args, "service").and_then(|s| ctx.service_slug(s)) {
        Some(slug) => slug,
        None => {
            let names: Vec<&str> = tenant.services.iter().map(|s| s.name.as_str()).collect();
            let question = say(
                ctx,
                "Welche Leistung möchten Sie buchen?",
                "Welche Leistung möchtest du buchen?",
            );
            return Err(refusal(format!(
                "{question} Wir bieten {} an.",
                names.join(", ")
            )));
        }
    };
    let staff = match arg(args, "staff") {
        Some(said) => match ctx.staff_slug(said) {
            Some(slug) => Some(slug),
            None => {
                let names: Vec<&str> = tenant.staff.iter().map(|s| s.name.as_str()).collect();
                let question = say(ctx, "Wen meinen Sie genau?", "Wen meinst du genau?");
                return Err(refusal(format!(
                    "{question} Bei uns arbeiten {}.",
                    names.join(", ")
                )));
            }
        },
        None => None,
    };
    Ok(Target {
        branch,
        service,
        staff,
    })
}

pub fn not_understood_time(ctx: &CallContext) -> Value {
    refusal(say(
        ctx,
        "Den Zeitpunkt habe ich leider nicht verstanden. Können Sie mir Tag und Uhrzeit noch einmal sagen?",
        "Den Zeitpunkt habe ich leider nicht verstanden. Kannst du mir Tag und Uhrzeit noch einmal sagen?",
    ))
}

pub async fn check_availability(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let target = match target(ctx, args) {
        Ok(t) => t,
        Err(question) => return Ok(question),
    };
    let wanted = match arg(args, "when") {
        Some(said) => match ctx.wanted(said, target.branch) {
            Some(w) => Some(w),
            None => return Ok(not_understood_time(ctx)),
        },
        None => None,
    };
    answer_with_slots(app, ctx, &target, wanted.as_ref()).await
}

/// Free times matching `wanted` (up to three, spread over it), or the nearest after it.
pub(super) async fn answer_with_slots(
    app: &App,
    ctx: &CallContext,
    target: &Target<'_>,
    wanted: Option<&Wanted>,
) -> Result<Value> {
    let today = ctx
        .reference
        .to_zoned_datetime(ctx.model.zone(target.branch.slug.as_str()));
    let from = wanted.map_or(today.clone(), |w| w.start.clone());
    // The days the caller named first: most answers need no more, and a fortnight of
    // free times costs ten times as much to compute.
    let narrow = days_named(wanted);
    let mut slots = free_slots(app, ctx, target, &from, narrow).await?;
    // Then a few days more, then the whole fortnight: a full calendar near the wish
    // usually has room a day or two later.
    for days in [4, SEARCH_DAYS] {
        if days <= narrow || !needs_more_days(wanted, &slots) {
            continue;
        }
        slots = free_slots(app, ctx, target, &from, days).await?;
    }
    let a = ctx.address();
    let zoned = |s: &SlotView| zoned(ctx, target.branch, s.start_ms);
    let (picked, result): (Vec<&SlotView>, String) = match wanted {
        Some(w) if w.exact => {
            let at = w.start.timestamp().as_millisecond();
            if let Some(slot) = slots.iter().find(|s| s.start_ms == at) {
                (vec![slot], phrase::slot_free(&w.start, today.date(), a))
            } else {
                let near = nearest(&slots, at);
                let alternatives: Vec<ZonedDateTime> = near.iter().map(|s| zoned(s)).collect();
                let day = w.start.date();
                let day_has_room = slots.iter().any(|s| zoned(s).date() == day);
                let text = if day_has_room {
                    slot_taken(w.start.clone(), &alternatives, today.date(), a)
                } else {
                    // Not "belegt" when the branch is closed or the whole day is full.
                    format!(
                        "{} {}",
                        phrase::day_unavailable(day, today.date(), closed_on(target.branch, day)),
                        free_times(&alternatives, today.date(), a)
                    )
                };
                (near, text)
            }
        }
        _ => {
            let end = wanted
                .and_then(|w| w.end.as_ref())
                .map(|e| e.timestamp().as_millisecond());
            let inside: Vec<&SlotView> = slots
                .iter()
                .filter(|s| end.is_none_or(|e| s.start_ms < e))
                .collect();
            let picked = if inside.is_empty() {
                slots.iter().take(OFFERS).collect()
            } else {
                spread(&inside)
            };
            let times: Vec<ZonedDateTime> = picked.iter().map(|s| zoned(s)).collect();
            let text = if inside.is_empty() && wanted.is_some() && !picked.is_empty() {
                format!(
                    "{} {}",
                    "Zu dieser Zeit ist leider nichts mehr frei.",
                    free_times(&times, today.date(), a)
                )
            } else {
                free_times(&times, today.date(), a)
            };
            (picked, text)
        }
    };
    Ok(json!({ "ok": !picked.is_empty(), "result": result, "slots": picked }))
}

/// Whether the branch does not open on `day` at all (weekday, closed date, holiday).
fn closed_on(branch: &Branch, day: jiff::civil::Date) -> bool {
    branch.hours.on(day.weekday()).is_empty()
        || branch.closed.contains(&day)
        || branch
            .holidays
            .is_some_and(|region| askpro_core::holidays::holiday_on(region, day).is_some())
}

/// How many days (from the wanted one) the wanted time spans.
fn days_named(wanted: Option<&Wanted>) -> u32 {
    match wanted {
        Some(w) if w.exact => 1,
        Some(Wanted {
            start,
            end: Some(end),
            ..
        }) => {
            // The end is exclusive: a span to midnight ends the day before.
            let last = if end.time() == jiff::civil::Time::midnight() {
                end.date().yesterday().unwrap_or(end.date())
            } else {
                end.date()
            }
            .max(start.date());
            let days = (last - start.date()).get_days() + 1;
            u32::try_from(days)
                .unwrap_or(SEARCH_DAYS)
                .clamp(1, SEARCH_DAYS)
        }
        _ => 1,
    }
}

/// Whether the named days leave nothing (or, without a wish, too little) to offer.
fn needs_more_days(wanted: Option<&Wanted>, slots: &[SlotView]) -> bool {
    match wanted {
        Some(w) if w.exact => slots.is_empty(),
        Some(Wanted { end: Some(end), .. }) => {
            let end = end.timestamp().as_millisecond();
            !slots.iter().any(|s| s.start_ms < end)
        }
        _ => slots.len() < OFFERS,
    }
}

/// The branch's free slots of the service from `from`'s day on.
async fn free_slots(
    app: &App,
    ctx: &CallContext,
    target: &Target<'_>,
    from: &ZonedDateTime,
    days: u32,
) -> Result<Vec<SlotView>> {
    let query = AvailabilityQuery {
        service: target.service.clone(),
        from: from.date(),
        days,
        branch: Some(target.branch.slug.as_str().to_owned()),
        staff: target.staff.clone(),
    };
    let from_ms = from.timestamp().as_millisecond();
    let mut slots = app.availability(ctx.model.slug(), &query).await?;
    slots.retain(|s| s.start_ms >= from_ms);
    slots.sort_by_key(|s| s.start_ms);
    // One offer per start time: the caller chooses a time, not a staff member.
    slots.dedup_by_key(|s| s.start_ms);
    Ok(slots)
}

/// First, middle and last: a choice across the whole span, not three neighbours.
fn spread<'s>(slots: &[&'s SlotView]) -> Vec<&'s SlotView> {
    if slots.len() <= OFFERS {
        return slots.to_vec();
    }
    let last = slots.len() - 1;
    vec![slots[0], slots[last / 2], slots[last]]
}

/// The free times closest to `at` (all of them are at or after the wanted day).
fn nearest(slots: &[SlotView], at: i64) -> Vec<&SlotView> {
    let mut by_distance: Vec<&SlotView> = slots.iter().collect();
    by_distance.sort_by_key(|s| (s.start_ms - at).abs());
    by_distance.truncate(OFFERS);
    by_distance.sort_by_key(|s| s.start_ms);
    by_distance
}

fn zoned(ctx: &CallContext, branch: &Branch, ms: i64) -> ZonedDateTime {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(ctx.model.zone(branch.slug.as_str()))
}

pub async fn book(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let target = match target(ctx, args) {
        Ok(t) => t,
        Err(question) => return Ok(question),
    };
    let Some(name) = arg(args, "customer_name") else {
        return Ok(refusal("Auf welchen Namen darf ich den Termin eintragen?"));
    };
    let Some(wanted) = arg(args, "start").and_then(|s| ctx.wanted(s, target.branch)) else {
        return Ok(not_understood_time(ctx));
    };
    if !wanted.exact {
        // A day or a part of it is not yet a time: offer what is free in it.
        return answer_with_slots(app, ctx, &target, Some(&wanted)).await;
    }
    let phone = ctx.customer_phone(args);
    if let Some(answer) = take_held(app, ctx, &target, &wanted).await? {
        return Ok(answer);
    }
    let request = BookRequest {
        branch: Some(target.branch.slug.as_str().to_owned()),
        service: target.service.clone(),
        staff: target.staff.clone(),
        start: wanted.start.timestamp(),
        customer: Customer {
            name: name.to_owned(),
            phone,
            email: arg(args, "customer_email").map(str::to_owned),
        },
    };
    // The call and the arguments make the key: a retried delivery finds the booking.
    let key = format!(
        "retell:{}:{}",
        ctx.call_id,
        super::functions::hash_args(args)
    );
    let actor = crate::Actor::phone(&ctx.call_id);
    match app
        .book(ctx.model.slug(), &request, &actor, Some(&key))
        .await
    {
        Ok(outcome) => {
            let view = outcome.appointment;
            let today = ctx
                .reference
                .to_zoned_datetime(wanted.start.time_zone().clone())
                .date();
            let several = ctx.model.tenant().branches.len() > 1;
            let facts = AppointmentFacts {
                start: wanted.start.clone(),
                service_name: &view.service_name,
                staff_name: &view.staff_name,
                branch_name: several.then_some(target.branch.name.as_str()),
                email: view.customer.email.as_deref(),
            };
            let result = phrase::confirm_booking(&facts, today, ctx.address());
            Ok(json!({ "ok": true, "result": result, "appointment": view }))
        }
        Err(AppError::SlotUnavailable(reason)) => {
            let mut answer = answer_with_slots(app, ctx, &target, Some(&wanted)).await?;
            if reason != SlotRejection::Taken {
                let text = answer["result"].as_str().unwrap_or_default().to_owned();
                let why = rejection_sentence(reason);
                answer["result"] = Value::String(match text.split_once(". ") {
                    Some((_, rest)) if text.starts_with("Um ") => format!("{why} {rest}"),
                    _ => format!("{why} {text}"),
                });
            }
            answer["ok"] = Value::Bool(false);
            Ok(answer)
        }
        Err(AppError::Invalid(detail)) if detail.contains("email") => Ok(json!({
            "ok": false,
            "result": say(ctx, "Die E-Mail-Adresse scheint nicht zu stimmen. Können Sie sie mir bitte noch einmal buchstabieren?",
                "Die E-Mail-Adresse scheint nicht zu stimmen. Kannst du sie mir bitte noch einmal buchstabieren?"),
            "detail": detail,
        })),
        Err(AppError::Invalid(detail)) => Ok(json!({
            "ok": false,
            "result": say(ctx, "Das kann ich so leider nicht buchen. Können Sie mir Leistung, Tag und Uhrzeit noch einmal sagen?",
                "Das kann ich so leider nicht buchen. Kannst du mir Leistung, Tag und Uhrzeit noch einmal sagen?"),
            "detail": detail,
        })),
        Err(other) => super::manage::caller_should_hear(ctx, other),
    }
}

/// Why a time cannot be booked, in a sentence the caller understands.
pub(super) fn rejection_sentence(reason: SlotRejection) -> &'static str {
    match reason {
        SlotRejection::Closed => "An diesem Tag haben wir leider geschlossen.",
        SlotRejection::OutsideHours => "Zu dieser Uhrzeit haben wir leider nicht geöffnet.",
        SlotRejection::TooSoon => "So kurzfristig kann ich leider keinen Termin mehr eintragen.",
        SlotRejection::TooFarAhead => {
            "So weit im Voraus kann ich leider noch keine Termine vergeben."
        }
        SlotRejection::Taken => "Zu dieser Zeit ist leider schon belegt.",
    }
}

/// Booking the very slot the waiting list holds for the caller takes the hold: the
/// caller's number and the start must match (and the service, when it was named).
async fn take_held(
    app: &App,
    ctx: &CallContext,
    target: &Target<'_>,
    wanted: &super::context::Wanted,
) -> Result<Option<Value>> {
    let Some(phone) = ctx.from_number.as_deref() else {
        return Ok(None);
    };
    let start = wanted.start.timestamp().as_millisecond();
    let held = app.held_of_phone(&ctx.model, phone).await?;
    let Some(row) = held
        .iter()
        .find(|r| r.starts_at == start && r.service_slug == target.service)
    else {
        return Ok(None);
    };
    let Some(entry_id) = row.source_ref.as_deref() else {
        return Ok(None);
    };
    let actor = crate::Actor::phone(&ctx.call_id);
    let view = match app.take_held_slot(ctx.model.slug(), entry_id, &actor).await {
        Ok(view) => view,
        // The hold ran out a moment ago: book like anyone else.
        Err(AppError::Conflict(_)) => return Ok(None),
        Err(other) => return Err(other),
    };
    let today = ctx
        .reference
        .to_zoned_datetime(wanted.start.time_zone().clone())
        .date();
    let facts = AppointmentFacts {
        start: wanted.start.clone(),
        service_name: &view.service_name,
        staff_name: &view.staff_name,
        branch_name: None,
        email: view.customer.email.as_deref(),
    };
    let result = phrase::confirm_booking(&facts, today, ctx.address());
    Ok(Some(
        json!({ "ok": true, "result": result, "appointment": view }),
    ))
}

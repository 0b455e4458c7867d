//! `join_waitlist {service, when, staff?, branch?, name, phone?}`: when nothing free fits
//! what the caller wants, they wait for it. `when` is a range as callers say it ("nächste
//! Woche vormittags"). Something already free in that range is offered instead of a
//! place on the list. See `crate::waitlist` for what happens when a slot frees up.

use super::answers::target;
use super::context::CallContext;
use super::functions::{arg, refusal, say};
use crate::App;
use crate::booking::{Actor, Customer};
use crate::error::Result;
use crate::waitlist::{JoinRequest, Want, WindowSpec};
use askpro_german::phrase::{spoken_date, spoken_time};
use serde_json::{Value, json};

pub async fn join_waitlist(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let target = match target(ctx, args) {
        Ok(t) => t,
        Err(question) => return Ok(question),
    };
    let Some(said) = arg(args, "when") else {
        return Ok(refusal(say(
            ctx,
            "Für wann suchen Sie den Termin – zum Beispiel nächste Woche vormittags?",
            "Für wann suchst du den Termin – zum Beispiel nächste Woche vormittags?",
        )));
    };
    let tz = ctx.model.zone(target.branch.slug.as_str());
    let now = ctx.reference.to_zoned_datetime(tz.clone());
    let Some(window) = askpro_german::resolve_window(said, &now) else {
        return Ok(refusal(say(
            ctx,
            "Den Zeitraum habe ich leider nicht verstanden. Für welche Tage suchen Sie einen Termin?",
            "Den Zeitraum habe ich leider nicht verstanden. Für welche Tage suchst du einen Termin?",
        )));
    };
    let Some(name) = arg(args, "name").or_else(|| arg(args, "customer_name")) else {
        return Ok(refusal(say(
            ctx,
            "Auf welchen Namen darf ich Sie auf die Warteliste setzen?",
            "Auf welchen Namen darf ich dich auf die Warteliste setzen?",
        )));
    };
    let phone = arg(args, "phone")
        .filter(|p| askpro_core::tenant::is_e164(p))
        .map(str::to_owned)
        .or_else(|| ctx.customer_phone(args));
    let Some(phone) = phone else {
        return Ok(refusal(say(
            ctx,
            "Unter welcher Handynummer können wir Ihnen Bescheid geben, wenn etwas frei wird?",
            "Unter welcher Handynummer können wir dir Bescheid geben, wenn etwas frei wird?",
        )));
    };
    let minutes = |t: jiff::civil::Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
    let want = Want {
        service: &target.service,
        branch: target.branch.slug.as_str(),
        staff: target.staff.as_deref(),
        from_ms: window.start.timestamp().as_millisecond(),
        until_ms: window.end.timestamp().as_millisecond(),
        daily: window.daily.map(|(a, b)| (minutes(a), minutes(b))),
        tz: tz.clone(),
    };
    if let Some(slot) = app.first_free_slot(&ctx.model, &want).await? {
        let start = jiff::Timestamp::from_millisecond(slot.start_ms)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(tz);
        let when = format!(
            "{} um {}",
            spoken_date(start.date(), now.date()),
            spoken_time(start.time())
        );
        return Ok(json!({
            "ok": false,
            "result": say(ctx,
                &format!("Da ist sogar noch etwas frei: {when}. Soll ich Ihnen den Termin gleich buchen?"),
                &format!("Da ist sogar noch etwas frei: {when}. Soll ich dir den Termin gleich buchen?")),
            "slots": [slot],
        }));
    }
    let request = JoinRequest {
        branch: Some(target.branch.slug.as_str().to_owned()),
        service: target.service.clone(),
        staff: target.staff.clone(),
        window: WindowSpec {
            said: said.to_owned(),
            from: window.start.timestamp(),
            until: window.end.timestamp(),
            daily: window.daily,
        },
        customer: Customer {
            name: name.to_owned(),
            phone: Some(phone),
            email: arg(args, "customer_email").map(str::to_owned),
        },
        call_id: Some(ctx.call_id.clone()),
    };
    let actor = Actor::phone(&ctx.call_id);
    let (entry, new) = app
        .join_waitlist(ctx.model.slug(), &request, &actor)
        .await?;
    let hold = app.hold_minutes(&ctx.model).await?;
    let texts = app.notify_policy(&ctx.model).await?.sms && app.sms.is_some();
    let result = joined_sentence(ctx, &entry.service_name, said, hold, texts, new);
    Ok(json!({ "ok": true, "result": result, "waitlist_entry": entry }))
}

/// What the caller hears after joining (or when they were on the list already).
fn joined_sentence(
    ctx: &CallContext,
    service: &str,
    said: &str,
    hold_minutes: i64,
    texts: bool,
    new: bool,
) -> String {
    let first = if new {
        say(
            ctx,
            &format!("Ich habe Sie für {service} {said} auf die Warteliste gesetzt."),
            &format!("Ich habe dich für {service} {said} auf die Warteliste gesetzt."),
        )
    } else {
        say(
            ctx,
            &format!("Sie stehen für {service} {said} schon auf unserer Warteliste."),
            &format!("Du stehst für {service} {said} schon auf unserer Warteliste."),
        )
    };
    let then = if texts {
        say(
            ctx,
            &format!(
                "Sobald etwas frei wird, halten wir Ihnen den Termin {hold_minutes} Minuten lang frei und schicken Ihnen eine SMS – mit JA ist er gebucht."
            ),
            &format!(
                "Sobald etwas frei wird, halten wir dir den Termin {hold_minutes} Minuten lang frei und schicken dir eine SMS – mit JA ist er gebucht."
            ),
        )
    } else {
        say(
            ctx,
            &format!(
                "Sobald etwas frei wird, halten wir Ihnen den Termin {hold_minutes} Minuten lang frei; rufen Sie uns dann einfach an."
            ),
            &format!(
                "Sobald etwas frei wird, halten wir dir den Termin {hold_minutes} Minuten lang frei; ruf uns dann einfach an."
            ),
        )
    };
    format!("{first} {then}")
}

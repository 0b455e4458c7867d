//! `take_message {name, phone?, concern, callback_when?, urgent?}`: a callback request or
//! message for the team. It is stored, mailed to the company at once (and to the branch's
//! own address when it has one; posted to the operators' Slack when one is configured),
//! and listed until the team marks it done.

use super::context::CallContext;
use super::functions::{arg, refusal, say};
use crate::App;
use crate::booking::Actor;
use crate::error::{AppError, Result};
use askpro_german::phrase::{spoken_date, spoken_time};
use askpro_store::jobs::{self, NewJob};
use askpro_store::messages::{self, MessageRow};
use askpro_store::new_id;
use jiff::ZonedDateTime;
use serde_json::{Value, json};

/// The mail to the team (sent by the prepared-mail handler, like a report).
pub const TEAM_MESSAGE: &str = "email.team_message";
/// The text to the branch's team mobile (`sms_number` in the tenant file).
pub const TEAM_SMS: &str = "sms.team_message";

/// Longest concern quoted in the team's text; the mail has it whole.
const SMS_CONCERN_CHARS: usize = 160;

/// "morgen zwischen 8 und 12 Uhr", "morgen ab 10 Uhr", "am Freitag, den 4. Dezember".
fn callback_words(
    start: &ZonedDateTime,
    end: Option<&ZonedDateTime>,
    today: jiff::civil::Date,
) -> String {
    let day = spoken_date(start.date(), today);
    let short = |t: jiff::civil::Time| {
        if t.minute() == 0 {
            t.hour().to_string()
        } else {
            format!("{}:{:02}", t.hour(), t.minute())
        }
    };
    match end {
        _ if start.time() == jiff::civil::Time::midnight() => day,
        Some(end) if end.date() == start.date() && end.time() > start.time() => format!(
            "{day} zwischen {} und {} Uhr",
            short(start.time()),
            short(end.time())
        ),
        _ => format!("{day} ab {}", spoken_time(start.time())),
    }
}

fn question(ctx: &CallContext, sie: &str, du: &str) -> Value {
    refusal(say(ctx, sie, du))
}

pub async fn take_message(app: &App, ctx: &CallContext, args: &Value) -> Result<Value> {
    let Some(name) = arg(args, "name") else {
        return Ok(question(
            ctx,
            "Darf ich noch Ihren Namen notieren?",
            "Darf ich noch deinen Namen notieren?",
        ));
    };
    let Some(concern) = arg(args, "concern") else {
        return Ok(question(
            ctx,
            "Worum geht es, damit ich es dem Team richtig ausrichte?",
            "Worum geht es, damit ich es dem Team richtig ausrichte?",
        ));
    };
    let phone = arg(args, "phone")
        .map(str::to_owned)
        .or_else(|| ctx.from_number.clone());
    let Some(phone) = phone else {
        return Ok(question(
            ctx,
            "Unter welcher Nummer können wir Sie zurückrufen?",
            "Unter welcher Nummer können wir dich zurückrufen?",
        ));
    };
    let branch = ctx.branch(arg(args, "branch"));
    let tz = ctx.model.zone(branch.map_or("", |b| b.slug.as_str()));
    let today = ctx.reference.to_zoned_datetime(tz.clone()).date();
    let callback = match (
        arg(args, "callback_when"),
        branch.or(ctx.model.tenant().branches.first()),
    ) {
        (Some(said), Some(b)) => match ctx.wanted(said, b) {
            Some(wanted) => Some((said.to_owned(), wanted)),
            None => return Ok(super::answers::not_understood_time(ctx)),
        },
        _ => None,
    };
    let urgent = args["urgent"].as_bool().unwrap_or(false)
        || arg(args, "urgent").is_some_and(|u| matches!(u, "true" | "ja" | "yes"));
    let now = app.now_ms();
    let row = MessageRow {
        id: new_id(),
        company_id: ctx.model.id().to_owned(),
        branch_slug: branch.map(|b| b.slug.to_string()),
        call_id: Some(ctx.call_id.clone()),
        name: name.to_owned(),
        phone: Some(phone.clone()),
        concern: concern.to_owned(),
        callback_said: callback.as_ref().map(|(said, _)| said.clone()),
        callback_from: callback
            .as_ref()
            .map(|(_, w)| w.start.timestamp().as_millisecond()),
        callback_until: callback
            .as_ref()
            .and_then(|(_, w)| w.end.as_ref())
            .map(|e| e.timestamp().as_millisecond()),
        urgent: i64::from(urgent),
        status: "open".to_owned(),
        created_at: now,
        done_at: None,
        done_by: None,
    };
    let when = callback
        .as_ref()
        .map(|(_, w)| callback_words(&w.start, w.end.as_ref(), today));
    let mut tx = app.db.begin_write().await?;
    messages::insert(&mut tx, &row).await?;
    let company = &ctx.model.tenant().company;
    let subject = format!(
        "{}{} von {name}",
        if urgent { "DRINGEND: " } else { "" },
        if when.is_some() {
            "Rückrufbitte"
        } else {
            "Nachricht"
        }
    );
    let text = team_letter(
        &row,
        branch.map(|b| b.name.as_str()),
        when.as_deref(),
        ctx.model.slug(),
    );
    // The company's address, and the branch's own when it has one.
    let mut recipients = vec![(company.email.clone(), String::new())];
    if let Some(address) = branch.and_then(|b| b.email.clone()) {
        recipients.push((address, ":branch".to_owned()));
    }
    for (to, suffix) in recipients {
        let payload = json!({ "company_id": ctx.model.id(), "company": ctx.model.slug(),
                              "to": to, "subject": subject, "text": text });
        let job = NewJob {
            id: new_id(),
            queue: "emails",
            kind: TEAM_MESSAGE,
            payload,
            max_attempts: 8,
            run_at: now,
            idempotency_key: Some(format!("{TEAM_MESSAGE}:{}{suffix}", row.id)),
            company_id: Some(ctx.model.id()),
        };
        jobs::enqueue(&mut tx, &job, now).await?;
    }
    if let Some(mobile) = branch.and_then(|b| b.sms_number.clone())
        && app.sms.is_some()
    {
        let body = team_text(&subject, &row, when.as_deref());
        let job = NewJob {
            id: new_id(),
            queue: "sms",
            kind: TEAM_SMS,
            payload: json!({ "company_id": ctx.model.id(), "to": mobile, "body": body }),
            max_attempts: 6,
            run_at: now,
            idempotency_key: Some(format!("{TEAM_SMS}:{}", row.id)),
            company_id: Some(ctx.model.id()),
        };
        jobs::enqueue(&mut tx, &job, now).await?;
    }
    tx.commit().await?;
    let alert = format!("{subject} ({}): {concern}", ctx.model.slug());
    if let Err(error) = crate::notify::enqueue_alert(app, &alert, &row.id).await {
        tracing::warn!(company = ctx.model.slug(), %error, "message stored and mailed, Slack alert not queued");
    }
    tracing::info!(call_id = %ctx.call_id, company = ctx.model.slug(), message_id = %row.id, urgent, "message taken");
    let mut result = say(
        ctx,
        "Vielen Dank, ich habe Ihre Nachricht notiert und gebe sie an das Team weiter.",
        "Danke, ich habe deine Nachricht notiert und gebe sie an das Team weiter.",
    );
    if let Some(when) = &when {
        result.push(' ');
        result.push_str(&say(
            ctx,
            &format!("Sie werden {when} zurückgerufen."),
            &format!("Du wirst {when} zurückgerufen."),
        ));
    }
    if urgent {
        result.push_str(" Ich habe es als dringend markiert.");
    }
    Ok(json!({ "ok": true, "result": result, "message": message_json(&row) }))
}

/// The team's text: who, their number, when to call back, and the concern (shortened).
fn team_text(subject: &str, m: &MessageRow, when: Option<&str>) -> String {
    let mut concern: String = m.concern.chars().take(SMS_CONCERN_CHARS).collect();
    if m.concern.chars().count() > SMS_CONCERN_CHARS {
        concern.push('…');
    }
    let phone = m.phone.as_deref().unwrap_or("ohne Nummer");
    match when {
        Some(when) => format!("{subject} ({phone}), Rückruf {when}: {concern}"),
        None => format!("{subject} ({phone}): {concern}"),
    }
}

/// The team's mail: everything needed to call back, and how to mark it done.
fn team_letter(m: &MessageRow, branch: Option<&str>, when: Option<&str>, slug: &str) -> String {
    [
        format!(
            "Neue Nachricht über den Telefonassistenten{}:",
            branch.map(|b| format!(" ({b})")).unwrap_or_default()
        ),
        String::new(),
        format!("Name: {}", m.name),
        format!(
            "Telefon: {}",
            m.phone.as_deref().unwrap_or("nicht angegeben")
        ),
        format!("Anliegen: {}", m.concern),
        format!("Rückruf: {}", when.unwrap_or("ohne Zeitwunsch")),
        format!("Dringend: {}", if m.urgent == 1 { "ja" } else { "nein" }),
        String::new(),
        format!(
            "Erledigt? askpro messages done {} --company-id {slug}",
            m.id
        ),
    ]
    .join("\n")
}

pub fn message_json(m: &MessageRow) -> Value {
    let at = |ms: Option<i64>| {
        ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map(|t| t.to_string())
    };
    json!({
        "id": m.id, "branch": m.branch_slug, "call_id": m.call_id, "name": m.name,
        "phone": m.phone, "concern": m.concern, "callback_when": m.callback_said,
        "callback_from": at(m.callback_from), "callback_until": at(m.callback_until),
        "urgent": m.urgent == 1, "status": m.status, "created_at": at(Some(m.created_at)),
        "done_at": at(m.done_at), "done_by": m.done_by,
    })
}

impl App {
    /// A company's messages, newest first (urgent ones on top); `status` open or done.
    pub async fn messages(&self, company: &str, status: Option<&str>) -> Result<Vec<Value>> {
        if let Some(s) = status.filter(|s| !matches!(*s, "open" | "done")) {
            return Err(AppError::Invalid(format!(
                "`status` must be open or done, not `{s}`"
            )));
        }
        let model = self.company(company).await?;
        let rows = messages::list(&self.db, model.id(), status, 500).await?;
        Ok(rows.iter().map(message_json).collect())
    }

    /// Marks a message done by `actor`.
    pub async fn message_done(&self, company: &str, id: &str, actor: &Actor) -> Result<Value> {
        let model = self.company(company).await?;
        let by = actor
            .origin
            .clone()
            .unwrap_or_else(|| actor.kind.to_owned());
        match messages::mark_done(&self.db, model.id(), id, &by, self.now_ms()).await? {
            Some(row) => Ok(message_json(&row)),
            None => Err(AppError::NotFound(format!("unknown message `{id}`"))),
        }
    }
}

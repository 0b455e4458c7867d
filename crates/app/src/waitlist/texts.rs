//! What a waiting customer is told when a slot is held for them: an SMS when the company
//! sends texts and the customer gave a number, else an e-mail when they gave an address,
//! else nothing (they hear of it when they call). The SMS is written when it is sent, so
//! a hold that passed on or ended meanwhile sends nothing.

use crate::App;
use crate::error::Result;
use crate::model::CompanyModel;
use askpro_core::tenant::Formality;
use askpro_german::phrase::{spoken_time, written_date};
use askpro_store::appointments::{self, AppointmentRow};
use askpro_store::jobs::{self, Job, NewJob};
use askpro_store::waitlist::EntryRow;
use askpro_store::{StoreError, WriteTx, new_id, sms};
use askpro_worker::{Handler, HandlerFuture, JobError};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The text telling a waiting customer of their held slot.
pub const HOLD_SMS: &str = "sms.waitlist_hold";
/// The same as a mail (prepared when queued, sent by the prepared-mail handler).
pub const HOLD_MAIL: &str = "email.waitlist_hold";

fn local(ms: i64, timezone: &str) -> jiff::ZonedDateTime {
    let tz = TimeZone::get(timezone).unwrap_or(TimeZone::UTC);
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz)
}

/// "Damenhaarschnitt am Montag, 7. Dezember 2026, um 10 Uhr bei Anna Becker".
pub(crate) fn slot_words(row: &AppointmentRow) -> String {
    let start = local(row.starts_at, &row.timezone);
    format!(
        "{} am {}, um {} bei {}",
        row.service_name,
        written_date(start.date()),
        spoken_time(start.time()),
        row.staff_name
    )
}

/// The message about a held slot, in the company's form of address.
pub(crate) fn hold_text(row: &AppointmentRow, company: &str, formality: Formality) -> String {
    let until = spoken_time(local(row.hold_until.unwrap_or(row.starts_at), &row.timezone).time());
    let slot = slot_words(row);
    match formality {
        Formality::Sie => format!(
            "Guten Tag {name}, bei {company} ist ein Termin frei geworden: {slot}. Wir halten ihn bis {until} für Sie. Antworten Sie mit JA, um ihn zu buchen, oder mit NEIN, wenn Sie ihn nicht brauchen. Sie können uns auch anrufen.",
            name = row.customer_name
        ),
        Formality::Du => format!(
            "Hallo {name}, bei {company} ist ein Termin frei geworden: {slot}. Wir halten ihn bis {until} für dich. Antworte mit JA, um ihn zu buchen, oder mit NEIN, wenn du ihn nicht brauchst. Du kannst uns auch anrufen.",
            name = row.customer_name
        ),
    }
}

/// Queues the notice of a new hold in its transaction.
pub(super) async fn enqueue_hold_notice(
    app: &App,
    tx: &mut WriteTx,
    model: &CompanyModel,
    entry: &EntryRow,
    appointment_id: &str,
    hold_until: i64,
    now: i64,
) -> Result<()> {
    let texts = app.notify_policy(model).await?.sms && app.sms.is_some();
    let key = format!("{appointment_id}:{}:{hold_until}", entry.id);
    if texts && entry.customer_phone.is_some() {
        let job = NewJob {
            id: new_id(),
            queue: "sms",
            kind: HOLD_SMS,
            payload: serde_json::json!({ "appointment_id": appointment_id, "company_id": model.id(), "entry_id": entry.id }),
            max_attempts: 6,
            run_at: now,
            idempotency_key: Some(format!("{HOLD_SMS}:{key}")),
            company_id: Some(model.id()),
        };
        jobs::enqueue(tx, &job, now).await?;
        return Ok(());
    }
    let Some(to) = entry.customer_email.as_deref() else {
        return Ok(());
    };
    let Some(row) = appointments::get_in_tx(tx, model.id(), appointment_id).await? else {
        return Ok(());
    };
    let company = &model.tenant().company;
    let mut text = hold_text(&row, &company.name, company.formality);
    text = text.replace(
        match company.formality {
            Formality::Sie => "Antworten Sie mit JA, um ihn zu buchen, oder mit NEIN, wenn Sie ihn nicht brauchen. Sie können uns auch anrufen.",
            Formality::Du => "Antworte mit JA, um ihn zu buchen, oder mit NEIN, wenn du ihn nicht brauchst. Du kannst uns auch anrufen.",
        },
        match company.formality {
            Formality::Sie => "Rufen Sie uns an, um ihn zu buchen.",
            Formality::Du => "Ruf uns an, um ihn zu buchen.",
        },
    );
    let job = NewJob {
        id: new_id(),
        queue: "emails",
        kind: HOLD_MAIL,
        payload: serde_json::json!({
            "company_id": model.id(), "company": model.slug(), "to": to,
            "subject": format!("Ein Termin ist frei geworden – {}", row.service_name),
            "text": format!("{text}\n\nViele Grüße\n{}", company.name),
        }),
        max_attempts: 8,
        run_at: now,
        idempotency_key: Some(format!("{HOLD_MAIL}:{key}")),
        company_id: Some(model.id()),
    };
    jobs::enqueue(tx, &job, now).await?;
    Ok(())
}

/// Sends the SMS of a hold, if the slot is still held for that entry.
pub struct HoldText {
    pub app: App,
}

impl Handler for HoldText {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.send(job))
    }
}

impl HoldText {
    async fn send(&self, job: &Job) -> std::result::Result<(), JobError> {
        let retry = |e: StoreError| JobError::Retryable(e.to_string());
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
        let field = |name: &str| {
            payload[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| JobError::Permanent(format!("payload lacks `{name}`")))
        };
        let (company_id, appointment_id, entry_id) = (
            field("company_id")?,
            field("appointment_id")?,
            field("entry_id")?,
        );
        let row = appointments::get(&self.app.db, &company_id, &appointment_id)
            .await
            .map_err(retry)?;
        let still_held = row.as_ref().is_some_and(|r| {
            r.status == "held" && r.source_ref.as_deref() == Some(entry_id.as_str())
        });
        let (Some(row), true) = (row, still_held) else {
            tracing::info!(job_id = %job.id, appointment_id, "hold notice dropped: the hold ended or passed on");
            return Ok(());
        };
        if sms::exists_for_job(&self.app.db, &job.id)
            .await
            .map_err(retry)?
        {
            return Ok(());
        }
        let Some(to) = row.customer_phone.clone() else {
            return Ok(());
        };
        let model = self
            .app
            .company(&row.company_slug)
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        let company = &model.tenant().company;
        let text = hold_text(&row, &company.name, company.formality);
        crate::notify::send_text(&self.app, job, &company_id, to, text).await?;
        tracing::info!(job_id = %job.id, company = model.slug(), appointment_id, "hold notice sent by SMS");
        Ok(())
    }
}

//! Notifications of appointment changes. The booking service enqueues one job per change
//! inside the change's own transaction (so a committed booking always gets its mail, and
//! a rolled-back one never does); the worker turns each job into a German e-mail.
//! Until an SMTP server is configured, mails go to the local outbox (`askpro email
//! outbox`), never silently dropped.

use crate::App;
use crate::booking::AppointmentView;
use askpro_connectors::slack::SlackError;
use askpro_connectors::smtp::{MailError, OutgoingMail};
use askpro_connectors::twilio::SmsError;
use askpro_core::tenant::Formality;
use askpro_german::phrase::{spoken_time, written_date};
use askpro_store::emails::{self, Email};
use askpro_store::jobs::{self, Job, NewJob};
use askpro_store::sms;
use askpro_store::{StoreError, WriteTx, appointments, new_id};
use askpro_worker::{Handler, HandlerFuture, JobError, Registry};
use jiff::Timestamp;
use jiff::tz::TimeZone;

pub const BOOKED: &str = "email.appointment_booked";
pub const CANCELLED: &str = "email.appointment_cancelled";
pub const RESCHEDULED: &str = "email.appointment_rescheduled";
/// Same time, another staff member (`askpro staff reassign`).
pub const REASSIGNED: &str = "email.appointment_reassigned";
pub const REMINDER: &str = "email.appointment_reminder";
pub const SMS_BOOKED: &str = "sms.appointment_booked";
pub const SMS_REMINDER: &str = "sms.appointment_reminder";
/// An operator alert with its text ready (`slack` queue).
pub const ALERT: &str = "slack.alert";

/// A reminder that would go out sooner than this after booking is left out: the
/// confirmation the customer just got says it all.
const REMINDER_MIN_LEAD_MS: i64 = 15 * 60_000;

/// Enqueues the customer's mail about `change` of an appointment, in the change's
/// transaction, due `now` (the application's clock, which the workers read too);
/// nothing when the customer gave no e-mail address.
pub(crate) async fn enqueue_mail(
    tx: &mut WriteTx,
    kind: &str,
    appointment: &AppointmentView,
    company_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    enqueue_confirmation(tx, kind, appointment, company_id, now, None).await
}

/// Like [`enqueue_mail`]; with `awaiting` = `(starts_at, delay)` the mail waits that long
/// for Cal.com's answer and is withheld if the appointment is no longer booked at
/// `starts_at` by then (Cal.com refused it, the caller was told so).
async fn enqueue_confirmation(
    tx: &mut WriteTx,
    kind: &str,
    appointment: &AppointmentView,
    company_id: &str,
    now: i64,
    awaiting: Option<(i64, i64)>,
) -> Result<(), StoreError> {
    if appointment.customer.email.is_none() {
        return Ok(());
    }
    let mut payload =
        serde_json::json!({ "appointment_id": appointment.id, "company_id": company_id });
    if let Some((starts_at, _)) = awaiting {
        payload["await_calcom"] = true.into();
        payload["starts_at"] = starts_at.into();
    }
    // One mail per change: a move to another time is a new change, a retry is not.
    let key = format!("{kind}:{}:{}", appointment.id, appointment.start);
    let job = NewJob {
        id: new_id(),
        queue: "emails",
        kind,
        payload,
        max_attempts: 8,
        run_at: now + awaiting.map_or(0, |(_, delay)| delay),
        idempotency_key: Some(key),
        company_id: Some(company_id),
    };
    jobs::enqueue(tx, &job, now).await.map(|_| ())
}

/// When the reminder for an appointment at `starts_at` is due, or `None` when there is
/// none: reminders off (0 hours), or so close to `now` that it would come with the
/// confirmation.
pub(crate) fn reminder_time(starts_at: i64, lead_hours: i64, now: i64) -> Option<i64> {
    let run_at = starts_at - lead_hours * 3_600_000;
    (lead_hours > 0 && run_at >= now + REMINDER_MIN_LEAD_MS).then_some(run_at)
}

/// What a company wants sent besides the e-mail confirmation, read before the change's
/// transaction.
#[derive(Debug, Clone, Copy)]
pub struct NotifyPolicy {
    pub reminder_hours: i64,
    pub sms: bool,
    /// How long confirmations wait for Cal.com's answer (0: not in Cal.com).
    pub await_calcom_ms: i64,
}

/// Everything an appointment at a new time owes its customer, in the change's
/// transaction: the mail of `mail_kind` (booked or moved), the mail reminder, and, when
/// the company sends texts, the text confirmation and reminder. A move schedules new
/// reminders; the old ones find the appointment moved when their time comes and send
/// nothing, like those of a cancelled one.
pub(crate) async fn enqueue_for_new_time(
    tx: &mut WriteTx,
    mail_kind: &str,
    appointment: &AppointmentView,
    starts_at: i64,
    company_id: &str,
    policy: NotifyPolicy,
    now: i64,
) -> Result<(), StoreError> {
    let awaiting = (policy.await_calcom_ms > 0).then_some((starts_at, policy.await_calcom_ms));
    enqueue_confirmation(tx, mail_kind, appointment, company_id, now, awaiting).await?;
    let reminder = reminder_time(starts_at, policy.reminder_hours, now);
    let about = Notice {
        appointment,
        starts_at,
        company_id,
        now,
        await_calcom: awaiting.is_some(),
    };
    if appointment.customer.email.is_some()
        && let Some(run_at) = reminder
    {
        about.enqueue(tx, "emails", REMINDER, 8, run_at).await?;
    }
    if policy.sms && appointment.customer.phone.is_some() {
        let run_at = now + awaiting.map_or(0, |(_, delay)| delay);
        about.enqueue(tx, "sms", SMS_BOOKED, 6, run_at).await?;
        if let Some(run_at) = reminder {
            about.enqueue(tx, "sms", SMS_REMINDER, 6, run_at).await?;
        }
    }
    Ok(())
}

/// A notification about an appointment at `starts_at`: one job per kind and time.
struct Notice<'a> {
    appointment: &'a AppointmentView,
    starts_at: i64,
    company_id: &'a str,
    now: i64,
    await_calcom: bool,
}

impl Notice<'_> {
    async fn enqueue(
        &self,
        tx: &mut WriteTx,
        queue: &str,
        kind: &str,
        max_attempts: i64,
        run_at: i64,
    ) -> Result<(), StoreError> {
        let id = &self.appointment.id;
        let job = NewJob {
            id: new_id(),
            queue,
            kind,
            payload: serde_json::json!({ "appointment_id": id, "company_id": self.company_id, "starts_at": self.starts_at, "await_calcom": self.await_calcom }),
            max_attempts,
            run_at,
            idempotency_key: Some(format!("{kind}:{id}:{}", self.starts_at)),
            company_id: Some(self.company_id),
        };
        jobs::enqueue(tx, &job, self.now).await.map(|_| ())
    }
}

/// Every job handler AskPro has, ready for a worker.
pub fn registry(app: &App) -> Registry {
    Registry::default()
        .with(BOOKED, AppointmentMail { app: app.clone() })
        .with(CANCELLED, AppointmentMail { app: app.clone() })
        .with(RESCHEDULED, AppointmentMail { app: app.clone() })
        .with(REASSIGNED, AppointmentMail { app: app.clone() })
        .with(REMINDER, AppointmentMail { app: app.clone() })
        .with(SMS_BOOKED, TextMessage { app: app.clone() })
        .with(SMS_REMINDER, TextMessage { app: app.clone() })
        .with(ALERT, SlackAlert { app: app.clone() })
        .with(crate::voice::TEAM_SMS, PreparedText { app: app.clone() })
        .with(
            crate::waitlist::HOLD_SMS,
            crate::waitlist::HoldText { app: app.clone() },
        )
        .with(
            crate::waitlist::HOLD_MAIL,
            crate::calendar::ApologyMail { app: app.clone() },
        )
        .with(
            crate::calendar::APOLOGY,
            crate::calendar::ApologyMail { app: app.clone() },
        )
        // A report or a message for the team is written when it is queued, like an
        // apology: the same handler.
        .with(
            crate::operations::report::REPORT,
            crate::calendar::ApologyMail { app: app.clone() },
        )
        .with(
            crate::accounts::LINK_MAIL,
            crate::calendar::ApologyMail { app: app.clone() },
        )
        .with(
            crate::voice::TEAM_MESSAGE,
            crate::calendar::ApologyMail { app: app.clone() },
        )
        .with(
            crate::calendar::PUSH,
            crate::calendar::PushJob { app: app.clone() },
        )
        .with(
            askpro_worker::JOB_DEAD_ALERT,
            DeadJobAlert { app: app.clone() },
        )
}

/// A notification job's payload and the appointment it is about, as it is now.
async fn subject(
    app: &App,
    job: &Job,
) -> Result<(serde_json::Value, appointments::AppointmentRow), JobError> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload)
        .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
    let (Some(appointment_id), Some(company_id)) = (
        payload["appointment_id"].as_str(),
        payload["company_id"].as_str(),
    ) else {
        return Err(JobError::Permanent(
            "payload lacks appointment_id or company_id".into(),
        ));
    };
    let row = appointments::get(&app.db, company_id, appointment_id)
        .await
        .map_err(|e| JobError::Retryable(e.to_string()))?;
    let row = row.ok_or_else(|| {
        JobError::Permanent(format!("appointment {appointment_id} no longer exists"))
    })?;
    Ok((payload, row))
}

pub(crate) struct AppointmentMail {
    pub(crate) app: App,
}

impl Handler for AppointmentMail {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.send(job))
    }
}

impl AppointmentMail {
    async fn send(&self, job: &Job) -> Result<(), JobError> {
        let (payload, row) = subject(&self.app, job).await?;
        let (appointment_id, company_id) = (row.id.as_str(), row.company_id.as_str());
        let retry = |e: StoreError| JobError::Retryable(e.to_string());
        let model = self
            .app
            .company(&row.company_slug)
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        if withheld(&job.id, &row, &payload) {
            return Ok(());
        }
        if job.kind == REMINDER && !still_due(&row, &payload, self.app.now_ms()) {
            tracing::info!(job_id = %job.id, appointment_id, "reminder dropped: the appointment was moved, cancelled or is over");
            return Ok(());
        }
        let view = AppointmentView::from(&row);
        let Some(to) = view.customer.email.clone() else {
            return Ok(());
        };
        // An earlier run of this job already wrote or sent the mail: never a second one.
        if emails::exists_for_job(&self.app.db, &job.id)
            .await
            .map_err(retry)?
        {
            return Ok(());
        }
        let company = &model.tenant().company;
        let branch = model.tenant().branch(&view.branch);
        let letter = Letter {
            kind: &job.kind,
            view: &view,
            starts_at: row.starts_at,
            formality: company.formality,
            company_name: &company.name,
            branch_line: branch.map(|b| format!("{}, {}", b.name, b.address)),
            phone: branch.map(|b| b.phone.clone()),
        };
        let outgoing = OutgoingMail {
            message_id: format!("<{}@askpro>", job.id),
            from: format!(
                "{} <{}>",
                company.name.replace(['<', '>', '"'], ""),
                self.app.mail_from
            ),
            reply_to: Some(company.email.clone()),
            to: to.clone(),
            subject: letter.subject(),
            text: letter.body(),
            html: Some(letter.html()),
            ics: Some(calendar_entry(&row, &letter, job.kind == CANCELLED)),
        };
        let (transport, stored) = self
            .deliver_and_store(job, company_id, &row.company_slug, outgoing)
            .await?;
        tracing::info!(job_id = %job.id, company = model.slug(), appointment_id, kind = %job.kind, transport, first_time = stored, "e-mail delivered");
        Ok(())
    }

    /// Sends `outgoing` for `job` and keeps it in the mail log; the transport's name and
    /// whether the log entry is new.
    pub(crate) async fn deliver_and_store(
        &self,
        job: &Job,
        company_id: &str,
        company_slug: &str,
        outgoing: OutgoingMail,
    ) -> Result<(&'static str, bool), JobError> {
        let transport = self.deliver(&outgoing, company_slug).await?;
        let mail = Email {
            id: new_id(),
            job_id: job.id.clone(),
            company_id: company_id.to_owned(),
            kind: job.kind.clone(),
            to_address: outgoing.to.clone(),
            reply_to: outgoing.reply_to.clone(),
            subject: outgoing.subject,
            body_text: outgoing.text,
            message_id: outgoing.message_id,
            transport: transport.to_owned(),
            created_at: self.app.now_ms(),
        };
        let stored = emails::store(&self.app.db, &mail)
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        Ok((transport, stored))
    }

    /// Sends through SMTP as `mail.mailer` says, or writes to the outbox when it says
    /// so or no SMTP server is configured. Returns the transport's name.
    async fn deliver(&self, mail: &OutgoingMail, company: &str) -> Result<&'static str, JobError> {
        let setting = self
            .app
            .setting("mail.mailer", Some(company))
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        let (Some(mailer), "smtp" | "backup_smtp") = (&self.app.mailer, setting.value.as_str())
        else {
            return Ok("outbox");
        };
        let outcome = mailer
            .send(mail, setting.value.as_str() == "backup_smtp")
            .await;
        let failing = match &outcome {
            Ok(sent) => sent.primary_failure.as_ref().map(|e| {
                format!(
                    "Der Primärserver nimmt keine E-Mails an, der Backup-Server springt ein ({e})"
                )
            }),
            // A refused address is the address's problem, not the servers'.
            Err(MailError::Retryable(e)) => {
                Some(format!("Kein SMTP-Server nimmt E-Mails an ({e})"))
            }
            Err(_) => None,
        };
        if let Some(problem) = failing {
            self.alert_smtp_failing(&problem).await;
        }
        match outcome {
            Ok(sent) => Ok(sent.via.transport_name()),
            Err(MailError::Retryable(e)) => Err(JobError::Retryable(e)),
            Err(e) => Err(JobError::Permanent(e.to_string())),
        }
    }

    /// Tells the operators that SMTP is failing: one alert per hour, however many mails
    /// meet the problem. A failure to raise it is logged, never fails the mail.
    async fn alert_smtp_failing(&self, problem: &str) {
        let hour = self.app.now_ms() / 3_600_000;
        let text = format!(
            ":warning: AskPro: {problem}. Prüfen: `askpro email verify-smtp`; auf den Backup umstellen: `askpro config set mail.mailer=backup_smtp` und `askpro queue restart`."
        );
        if let Err(error) = enqueue_alert(&self.app, &text, &format!("smtp_failing:{hour}")).await {
            tracing::error!(%error, "could not raise the SMTP alert");
        }
    }
}

/// A confirmation that waited for Cal.com is withheld when Cal.com refused the booking
/// or move meanwhile (the appointment is no longer booked at the promised time).
fn withheld(job_id: &str, row: &appointments::AppointmentRow, payload: &serde_json::Value) -> bool {
    let refused = payload["await_calcom"] == true
        && (row.status != "booked" || payload["starts_at"].as_i64() != Some(row.starts_at));
    if refused {
        tracing::info!(job_id, appointment_id = %row.id, "confirmation withheld: Cal.com did not take the booking");
    }
    refused
}

/// A reminder goes out only for a booked appointment, still at the time it was
/// scheduled for, still ahead of `now`.
fn still_due(row: &appointments::AppointmentRow, payload: &serde_json::Value, now: i64) -> bool {
    row.status == "booked"
        && payload["starts_at"].as_i64() == Some(row.starts_at)
        && row.starts_at > now
}

/// An iCalendar entry for the appointment, in UTC so every calendar shows it at the
/// right local time.
fn calendar_entry(row: &appointments::AppointmentRow, letter: &Letter, cancelled: bool) -> String {
    let utc = |ms: i64| {
        Timestamp::from_millisecond(ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    let escape = |text: &str| {
        text.replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace('\n', "\\n")
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".into(),
        "PRODID:-//AskPro//Termine//DE".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}@askpro", row.id),
        format!("DTSTAMP:{}", utc(row.updated_at)),
        format!("SEQUENCE:{}", row.updated_at / 1000),
        format!("DTSTART:{}", utc(row.starts_at)),
        format!("DTEND:{}", utc(row.ends_at)),
        format!(
            "SUMMARY:{}",
            escape(&format!("{} bei {}", row.service_name, letter.company_name))
        ),
        format!(
            "LOCATION:{}",
            escape(letter.branch_line.as_deref().unwrap_or(""))
        ),
        format!(
            "STATUS:{}",
            if cancelled { "CANCELLED" } else { "CONFIRMED" }
        ),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.join("\r\n") + "\r\n"
}

/// The text of one mail, in the company's Sie or du.
struct Letter<'a> {
    kind: &'a str,
    view: &'a AppointmentView,
    starts_at: i64,
    formality: Formality,
    company_name: &'a str,
    branch_line: Option<String>,
    phone: Option<String>,
}

impl Letter<'_> {
    fn when(&self) -> (String, String) {
        let tz = TimeZone::get(&self.view.timezone).unwrap_or(TimeZone::UTC);
        let local = Timestamp::from_millisecond(self.starts_at)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(tz);
        (written_date(local.date()), spoken_time(local.time()))
    }

    fn du(&self) -> bool {
        self.formality == Formality::Du
    }

    fn subject(&self) -> String {
        let (date, time) = self.when();
        let yours = if self.du() { "Dein" } else { "Ihr" };
        match self.kind {
            CANCELLED => format!("Termin abgesagt: {date}, {time}"),
            REMINDER => format!("Erinnerung: {yours} Termin am {date} um {time}"),
            RESCHEDULED => format!("{yours} Termin wurde verschoben: {date}, {time}"),
            REASSIGNED => format!(
                "{yours} Termin am {date} um {time}: jetzt bei {}",
                self.view.staff_name
            ),
            _ => format!("{yours} Termin am {date} um {time}"),
        }
    }

    /// The same letter as simple HTML.
    fn html(&self) -> String {
        html_letter(&self.body())
    }

    fn body(&self) -> String {
        let (date, time) = self.when();
        let v = self.view;
        let first_name = v
            .customer
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&v.customer.name);
        let greeting = if self.du() {
            format!("Hallo {first_name},")
        } else {
            format!("Guten Tag {},", v.customer.name)
        };
        let yours = if self.du() { "deinen" } else { "Ihren" };
        let what = format!(
            "am {date} um {time} bei {} für {}",
            v.staff_name, v.service_name
        );
        let main = match self.kind {
            CANCELLED => format!("{yours} Termin {what} ist abgesagt."),
            RESCHEDULED => {
                format!("wir haben {yours} Termin verschoben. Der neue Termin ist {what}.")
            }
            REASSIGNED => format!(
                "{yours} Termin am {date} um {time} für {} bleibt bestehen; er findet jetzt bei {} statt.",
                v.service_name, v.staff_name
            ),
            REMINDER => format!(
                "wir erinnern {} an {yours} Termin {what}.",
                if self.du() { "dich" } else { "Sie" }
            ),
            _ => format!("hiermit bestätigen wir {yours} Termin {what}."),
        };
        let mut lines = vec![greeting, String::new(), main];
        if let Some(branch) = &self.branch_line {
            lines.push(format!("Adresse: {branch}"));
        }
        if let (Some(phone), true) = (&self.phone, self.kind != CANCELLED) {
            let call = if self.du() {
                "Wenn du den Termin verschieben oder absagen möchtest, ruf uns einfach an"
            } else {
                "Wenn Sie den Termin verschieben oder absagen möchten, rufen Sie uns einfach an"
            };
            lines.push(String::new());
            lines.push(format!("{call}: {phone}."));
        }
        lines.extend([
            String::new(),
            "Viele Grüße".into(),
            self.company_name.to_owned(),
        ]);
        lines.join("\n")
    }
}

struct TextMessage {
    app: App,
}

impl Handler for TextMessage {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.send(job))
    }
}

impl TextMessage {
    async fn send(&self, job: &Job) -> Result<(), JobError> {
        let (payload, row) = subject(&self.app, job).await?;
        let (appointment_id, company_id) = (row.id.as_str(), row.company_id.as_str());
        let retry = |e: StoreError| JobError::Retryable(e.to_string());
        if !still_due(&row, &payload, self.app.now_ms())
            || sms::exists_for_job(&self.app.db, &job.id)
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
        let text = sms_text(&job.kind, &row, &company.name, company.formality);
        send_text(&self.app, job, company_id, to, text).await?;
        tracing::info!(job_id = %job.id, company = model.slug(), appointment_id, kind = %job.kind, "text message sent");
        Ok(())
    }
}

/// Sends `body` to `to` through Twilio for `job` and keeps it in the SMS log.
pub(crate) async fn send_text(
    app: &App,
    job: &Job,
    company_id: &str,
    to: String,
    body: String,
) -> Result<(), JobError> {
    let Some(twilio) = &app.sms else {
        return Err(JobError::Permanent(
            "SMS are switched on but Twilio is not configured (ASKPRO_TWILIO_*)".into(),
        ));
    };
    let receipt = twilio.send(&to, &body).await.map_err(|e| match e {
        SmsError::Retryable {
            message,
            retry_after,
        } => JobError::retryable(message, retry_after),
        SmsError::Permanent(message) => JobError::Permanent(message),
    })?;
    let record = sms::Sms {
        id: new_id(),
        job_id: job.id.clone(),
        company_id: company_id.to_owned(),
        kind: job.kind.clone(),
        to_number: to,
        body,
        provider: "twilio".into(),
        provider_id: receipt.sid,
        status: receipt.status,
        created_at: app.now_ms(),
    };
    sms::record(&app.db, &record)
        .await
        .map_err(|e| JobError::Retryable(e.to_string()))?;
    Ok(())
}

/// Sends a text written when it was queued (`to`, `body` in the payload), once.
struct PreparedText {
    app: App,
}

impl Handler for PreparedText {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.send(job))
    }
}

impl PreparedText {
    async fn send(&self, job: &Job) -> Result<(), JobError> {
        let retry = |e: StoreError| JobError::Retryable(e.to_string());
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
        let field = |name: &str| {
            payload[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| JobError::Permanent(format!("payload lacks `{name}`")))
        };
        let (company_id, to, body) = (field("company_id")?, field("to")?, field("body")?);
        if sms::exists_for_job(&self.app.db, &job.id)
            .await
            .map_err(retry)?
        {
            return Ok(());
        }
        send_text(&self.app, job, &company_id, to, body).await?;
        tracing::info!(job_id = %job.id, kind = %job.kind, "text message sent");
        Ok(())
    }
}

/// A short German text: who, when, with whom.
fn sms_text(
    kind: &str,
    row: &appointments::AppointmentRow,
    company: &str,
    formality: Formality,
) -> String {
    let tz = TimeZone::get(&row.timezone).unwrap_or(TimeZone::UTC);
    let local = Timestamp::from_millisecond(row.starts_at)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz);
    let when = format!(
        "am {}.{}. um {}",
        local.day(),
        local.month(),
        spoken_time(local.time())
    );
    let yours = if formality == Formality::Du {
        "Dein"
    } else {
        "Ihr"
    };
    let yours_dat = if formality == Formality::Du {
        "deinen"
    } else {
        "Ihren"
    };
    match kind {
        SMS_REMINDER => format!(
            "{company}: Erinnerung an {yours_dat} Termin {when} bei {}.",
            row.staff_name
        ),
        _ => format!(
            "{company}: {yours} Termin {when} bei {} ist bestätigt.",
            row.staff_name
        ),
    }
}

/// Queues an operator alert for Slack; `dedup` names it so that the same alert is
/// raised once (e.g. once per hour).
pub async fn enqueue_alert(app: &App, text: &str, dedup: &str) -> Result<(), StoreError> {
    let now = app.now_ms();
    let job = NewJob {
        id: new_id(),
        queue: "slack",
        kind: ALERT,
        payload: serde_json::json!({ "text": text }),
        max_attempts: 5,
        run_at: now,
        idempotency_key: Some(format!("{ALERT}:{dedup}")),
        company_id: None,
    };
    let mut tx = app.db.begin_write().await?;
    jobs::enqueue(&mut tx, &job, now).await?;
    tx.commit().await
}

/// Posts `text` to the operators' Slack, or only logs it when no webhook is configured.
pub async fn post_alert(app: &App, text: &str) -> Result<(), JobError> {
    let Some(slack) = &app.slack else {
        tracing::warn!(alert = %text, "no Slack webhook configured; alert only logged");
        return Ok(());
    };
    slack.post(text).await.map_err(|e| match e {
        SlackError::Retryable {
            message,
            retry_after,
        } => JobError::retryable(message, retry_after),
        SlackError::Permanent(message) => JobError::Permanent(message),
    })
}

/// Posts an alert job's ready text.
struct SlackAlert {
    app: App,
}

impl Handler for SlackAlert {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let payload: serde_json::Value = serde_json::from_str(&job.payload)
                .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
            let text = payload["text"]
                .as_str()
                .ok_or_else(|| JobError::Permanent("alert payload lacks text".into()))?;
            post_alert(&self.app, text).await
        })
    }
}

/// Tells the operators on Slack that a job died, and what fixes it.
struct DeadJobAlert {
    app: App,
}

impl Handler for DeadJobAlert {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.post(job))
    }
}

impl DeadJobAlert {
    async fn post(&self, job: &Job) -> Result<(), JobError> {
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
        post_alert(&self.app, &dead_job_text(&payload)).await
    }
}

fn dead_job_text(payload: &serde_json::Value) -> String {
    let field = |k: &str| payload[k].as_str().unwrap_or("?").to_owned();
    let queue = field("queue");
    let fix = match queue.as_str() {
        "emails" => "Nach der Ursache: `askpro email retry-failed --last-day`.",
        _ => "Details: `askpro queue monitor`.",
    };
    let attempts = match payload["attempts"].as_i64().unwrap_or(0) {
        1 => "einem Versuch".to_owned(),
        n => format!("{n} Versuchen"),
    };
    format!(
        ":rotating_light: AskPro: Job `{}` (Queue `{queue}`) ist nach {attempts} endgültig fehlgeschlagen: {} {fix}",
        field("kind"),
        field("error")
    )
}

/// A plain-text letter as simple HTML: one paragraph per block, every text escaped.
pub(crate) fn html_letter(text: &str) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|block| format!("<p>{}</p>", escape(block).replace('\n', "<br>")))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"></head><body>{}</body></html>",
        paragraphs.join("")
    )
}

#[cfg(test)]
mod tests {
    use super::html_letter;

    #[test]
    fn the_html_letter_escapes_names_and_keeps_paragraphs() {
        let html =
            html_letter("Guten Tag Eva <b>Schmidt</b> & Co,\n\nViele Grüße\nSalon \"Sonne\"");
        assert!(html.contains("<p>Guten Tag Eva &lt;b&gt;Schmidt&lt;/b&gt; &amp; Co,</p><p>Viele Grüße<br>Salon &quot;Sonne&quot;</p>"), "{html}");
    }
}

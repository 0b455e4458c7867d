//! Bringing Cal.com in line with a local change. Every change of a mapped appointment
//! marks it `pending` and queues a `calcom` job in its own transaction; the request then
//! tries the push at once within `calcom.timeout_ms`. Whoever comes second finds it
//! synced and does nothing. A push after a lost answer looks the booking up by
//! `metadata.askpro_id` first, so that a retry never makes a second booking.

use crate::App;
use crate::error::Result;
use crate::model::CompanyModel;
use askpro_connectors::calcom::{
    BookingRecord, CalCom, CalcomError, DEFAULT_DEADLINE, ListBookings, NewBooking,
};
use askpro_store::appointments::{self, AppointmentRow};
use askpro_store::calcom as store;
use askpro_store::jobs::Job;
use askpro_store::jobs::{self, NewJob};
use askpro_store::{StoreError, WriteTx, new_id};
use askpro_worker::{Handler, HandlerFuture, JobError};
use jiff::Timestamp;
use std::time::Duration;

/// The job that pushes one appointment's state to Cal.com.
pub const PUSH: &str = "calcom.push";

/// A little after the request's own attempt has given up, so the job rarely races it.
const JOB_GRACE_MS: i64 = 5_000;

/// How long a push claim outlives its exchange's deadline (the database writes after it).
const PUSH_CLAIM_SLACK_MS: i64 = 2_000;

/// How much longer than the request's push a confirmation waits: the push starts only
/// after the change's commit.
pub(crate) const CONFIRMATION_GRACE_MS: i64 = 2_000;

/// How a push ended.
#[derive(Debug)]
pub(crate) enum Pushed {
    /// Cal.com holds what AskPro holds (or there was nothing to do).
    Synced,
    /// Cal.com said no for good: a taken slot ([`CalcomError::Conflict`]) or a refusal.
    Refused(CalcomError),
    /// Cal.com could not be asked now; the queued job tries again.
    Later(CalcomError),
}

/// Queues the push of appointment `id`, in the change's transaction.
pub(crate) async fn enqueue_push(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
    timeout: Duration,
    now: i64,
) -> std::result::Result<(), StoreError> {
    let delay = i64::try_from(timeout.as_millis()).unwrap_or(0) + JOB_GRACE_MS;
    let job = NewJob {
        id: new_id(),
        queue: "calcom",
        kind: PUSH,
        payload: serde_json::json!({ "appointment_id": id, "company_id": company_id }),
        max_attempts: 25,
        run_at: now + delay,
        idempotency_key: Some(format!("{PUSH}:{id}:{now}")),
        company_id: Some(company_id),
    };
    jobs::enqueue(tx, &job, now).await.map(|_| ())
}

/// Marks a changed appointment `pending` and queues its push, in the change's transaction.
pub(crate) async fn mark_pending(
    tx: &mut WriteTx,
    before: &AppointmentRow,
    timeout: Duration,
    now: i64,
) -> std::result::Result<(), StoreError> {
    let uid = before.calcom_uid.as_deref();
    store::set_sync(tx, &before.id, uid, Some("pending"), now).await?;
    enqueue_push(tx, &before.company_id, &before.id, timeout, now).await
}

/// What Cal.com must be told to hold the appointment as it is here.
enum Step {
    Create,
    Reschedule(String),
    /// Another host now: cancel the old booking, then create anew.
    Replace(String),
    Cancel(String),
    /// Already as it should be: remember this uid (or none).
    Link(Option<String>),
}

impl App {
    /// Pushes appointment `id` if it is `pending`, within `deadline`. `look_up` first
    /// searches Cal.com for a booking made by an earlier attempt whose answer was lost.
    pub(crate) async fn push_appointment(
        &self,
        model: &CompanyModel,
        id: &str,
        deadline: Duration,
        look_up: bool,
    ) -> Result<Pushed> {
        let now = self.now_ms();
        let until = now + i64::try_from(deadline.as_millis()).unwrap_or(0) + PUSH_CLAIM_SLACK_MS;
        if !store::claim_push(&self.db, id, now, until).await? {
            let row = appointments::get(&self.db, model.id(), id).await?;
            if row.is_none_or(|r| r.sync.as_deref() != Some("pending")) {
                return Ok(Pushed::Synced);
            }
            return Ok(Pushed::Later(CalcomError::Unavailable(
                "another push of this appointment is under way".into(),
            )));
        }
        let pushed = self.push_claimed(model, id, deadline, look_up).await;
        if let Err(error) = store::release_push(&self.db, id).await {
            // The claim runs out on its own.
            tracing::warn!(appointment_id = id, %error, "could not give the push claim back");
        }
        pushed
    }

    /// The push itself, while this process holds the appointment's claim.
    async fn push_claimed(
        &self,
        model: &CompanyModel,
        id: &str,
        deadline: Duration,
        look_up: bool,
    ) -> Result<Pushed> {
        let Some(row) = appointments::get(&self.db, model.id(), id).await? else {
            return Ok(Pushed::Synced);
        };
        if row.sync.as_deref() != Some("pending") {
            return Ok(Pushed::Synced);
        }
        let pair = model.calcom_pair_of(&row.service_slug, &row.staff_slug);
        let client = match self.calcom_client(model) {
            Ok(client) => client,
            Err(error) => return Ok(Pushed::Later(error)),
        };
        let Some(client) = client else {
            // The company no longer keeps its calendar in Cal.com.
            self.settle(&row, row.calcom_uid.as_deref(), None).await?;
            return Ok(Pushed::Synced);
        };
        let Some((event_type, host)) = pair else {
            return self.leave_calcom(&client, &row).await;
        };
        let exchange = Exchange {
            client: &client,
            row: &row,
            event_type,
            host,
            deadline,
        };
        let sync_days = model.tenant().calcom.as_ref().map_or(60, |c| c.sync_days);
        match exchange.run(model, look_up, self.now(), sync_days).await {
            Ok(uid) => {
                self.settle(&row, uid.as_deref(), Some("synced")).await?;
                self.calendars.slots.forget_host(model.id(), host);
                tracing::info!(
                    company = model.slug(),
                    appointment_id = id,
                    calcom_uid = uid.as_deref().unwrap_or(""),
                    "appointment synced to Cal.com"
                );
                Ok(Pushed::Synced)
            }
            Err(error) if error.is_retryable() || matches!(error, CalcomError::Unauthorized(_)) => {
                self.note_calcom_failure(model, &error).await;
                Ok(Pushed::Later(error))
            }
            Err(error) => Ok(Pushed::Refused(error)),
        }
    }

    /// An appointment moved to a staff member (or service) outside Cal.com: its old
    /// booking there must not keep the time, or the next reconciliation moves it back.
    async fn leave_calcom(&self, client: &CalCom, row: &AppointmentRow) -> Result<Pushed> {
        if let Some(uid) = &row.calcom_uid {
            match client
                .cancel_booking(uid, "Bei AskPro zu einem Mitarbeiter ohne Cal.com verlegt")
                .await
            {
                Ok(()) | Err(CalcomError::NotFound(_)) => {}
                Err(error) if error.is_retryable() => return Ok(Pushed::Later(error)),
                Err(error) => return Ok(Pushed::Refused(error)),
            }
        }
        self.settle(row, None, None).await?;
        Ok(Pushed::Synced)
    }

    /// Stores the outcome of a push unless the appointment changed meanwhile.
    async fn settle(
        &self,
        row: &AppointmentRow,
        uid: Option<&str>,
        sync: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        store::set_sync_if_unchanged(&mut tx, &row.id, uid, sync, row.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A push Cal.com refused for good after the caller was told "gebucht": the
    /// appointment stays, marked `conflict`, and the operators hear of it.
    pub(crate) async fn mark_conflict(
        &self,
        model: &CompanyModel,
        id: &str,
        error: &CalcomError,
    ) -> Result<()> {
        let mut tx = self.db.begin_write().await?;
        let uid = appointments::get_in_tx(&mut tx, model.id(), id)
            .await?
            .and_then(|r| r.calcom_uid);
        store::set_sync(&mut tx, id, uid.as_deref(), Some("conflict"), self.now_ms()).await?;
        tx.commit().await?;
        tracing::error!(company = model.slug(), appointment_id = id, %error, "Cal.com refused an appointment the customer was promised");
        let text = format!(
            ":warning: AskPro: Cal.com lehnt Termin `{id}` von `{}` ab ({error}). Der Kunde hat eine Zusage. Prüfen: `askpro appointments remove-duplicates --company-id {} --dry-run`, abgleichen: `askpro calcom force-sync --company-id {}`.",
            model.slug(),
            model.slug(),
            model.slug()
        );
        if let Err(error) =
            crate::notify::enqueue_alert(self, &text, &format!("calcom_conflict:{id}")).await
        {
            tracing::error!(%error, "could not raise the Cal.com conflict alert");
        }
        Ok(())
    }
}

/// Where a push looks for bookings of ours: around now and the appointment's start.
struct Window {
    now: Timestamp,
    sync_days: u32,
}

/// One push of one appointment to one Cal.com account.
struct Exchange<'a> {
    client: &'a CalCom,
    row: &'a AppointmentRow,
    event_type: i64,
    host: &'a str,
    deadline: Duration,
}

impl Exchange<'_> {
    /// Brings Cal.com in line; the uid the appointment holds afterwards.
    async fn run(
        &self,
        model: &CompanyModel,
        look_up: bool,
        now: Timestamp,
        sync_days: u32,
    ) -> std::result::Result<Option<String>, CalcomError> {
        let window = Window { now, sync_days };
        let remote = self.remote(look_up, &window).await?;
        match self.step(remote.as_ref()) {
            Step::Link(uid) => Ok(uid),
            Step::Cancel(uid) => {
                let cancelled = self
                    .client
                    .cancel_booking(&uid, "Abgesagt bei AskPro")
                    .await;
                match cancelled {
                    Ok(()) | Err(CalcomError::NotFound(_)) => Ok(Some(uid)),
                    Err(error) => Err(error),
                }
            }
            Step::Reschedule(uid) => {
                let start = self.start()?;
                let moved = self
                    .client
                    .reschedule_booking(&uid, start, "Verlegt bei AskPro")
                    .await?;
                Ok(Some(moved.uid))
            }
            Step::Replace(uid) => {
                // The new host's booking first: refused, the old one still stands.
                let created = self.create(model, &window).await?;
                match self
                    .client
                    .cancel_booking(&uid, "Anderer Mitarbeiter bei AskPro")
                    .await
                {
                    Ok(()) | Err(CalcomError::NotFound(_)) => Ok(Some(created)),
                    Err(error) => Err(error),
                }
            }
            Step::Create => self.create(model, &window).await.map(Some),
        }
    }

    fn step(&self, remote: Option<&BookingRecord>) -> Step {
        let booked = self.row.status == "booked";
        match remote.filter(|r| r.is_active()) {
            None if booked => Step::Create,
            None => Step::Link(self.row.calcom_uid.clone()),
            Some(r) if !booked => Step::Cancel(r.uid.clone()),
            Some(r) if r.host.as_deref().is_some_and(|h| h != self.host) => {
                Step::Replace(r.uid.clone())
            }
            Some(r) if r.start.as_millisecond() != self.row.starts_at => {
                Step::Reschedule(r.uid.clone())
            }
            Some(r) => Step::Link(Some(r.uid.clone())),
        }
    }

    fn start(&self) -> std::result::Result<Timestamp, CalcomError> {
        Timestamp::from_millisecond(self.row.starts_at)
            .map_err(|e| CalcomError::Invalid(e.to_string()))
    }

    /// Creates the booking. Cal.com's "already has booking" may be about our own booking
    /// (a concurrent push, or an earlier attempt whose answer was lost): looked up first.
    async fn create(
        &self,
        model: &CompanyModel,
        window: &Window,
    ) -> std::result::Result<String, CalcomError> {
        match self.create_once(model).await {
            Err(CalcomError::Conflict(message)) => match self.find_mine(window).await? {
                Some(mine) => Ok(mine.uid),
                None => Err(CalcomError::Conflict(message)),
            },
            other => other,
        }
    }

    async fn create_once(&self, model: &CompanyModel) -> std::result::Result<String, CalcomError> {
        let row = self.row;
        let call_id = (row.source == "phone")
            .then_some(row.source_ref.as_deref())
            .flatten();
        let zone = model
            .tenant()
            .branch(&row.branch_slug)
            .map_or("Europe/Berlin", |b| b.timezone.as_str());
        let booking = NewBooking {
            event_type_id: self.event_type,
            host: self.host,
            start: self.start()?,
            attendee_name: &row.customer_name,
            attendee_email: row.customer_email.as_deref(),
            attendee_phone: row.customer_phone.as_deref(),
            time_zone: zone,
            askpro_id: &row.id,
            call_id,
        };
        Ok(self
            .client
            .create_booking(&booking, self.deadline)
            .await?
            .uid)
    }

    /// Cal.com's booking of this appointment: by its uid, or found by AskPro's id.
    async fn remote(
        &self,
        look_up: bool,
        window: &Window,
    ) -> std::result::Result<Option<BookingRecord>, CalcomError> {
        if let Some(uid) = &self.row.calcom_uid {
            match self.client.booking(uid).await {
                Ok(found) if found.is_active() => return Ok(Some(found)),
                // Replaced (our earlier move whose answer was lost, or a move on the web)
                // or gone: whatever of ours still holds a time is found by our id.
                Ok(_) | Err(CalcomError::NotFound(_)) => {}
                Err(error) => return Err(error),
            }
        } else if !look_up {
            return Ok(None);
        }
        self.find_mine(window).await
    }

    /// The active booking carrying this appointment's id, within the reconciliation's
    /// reach around now and the appointment's start; extra ones are cancelled.
    async fn find_mine(
        &self,
        window: &Window,
    ) -> std::result::Result<Option<BookingRecord>, CalcomError> {
        let start = self.start()?;
        let day = jiff::SignedDuration::from_hours(24);
        let ahead = jiff::SignedDuration::from_hours(24 * i64::from(window.sync_days.max(1)));
        let filter = ListBookings {
            event_type_ids: vec![self.event_type],
            after_start: start.min(window.now).checked_sub(day).ok(),
            before_end: start.max(window.now).checked_add(ahead + day).ok(),
            ..ListBookings::default()
        };
        let mut mine: Vec<BookingRecord> = self
            .client
            .bookings(&filter)
            .await?
            .into_iter()
            .filter(|b| b.askpro_id() == Some(self.row.id.as_str()) && b.is_active())
            .collect();
        // Two of ours (an earlier attempt's answer lost, then a retry): keep the first.
        for extra in mine.iter().skip(1) {
            self.client
                .cancel_booking(&extra.uid, "Doppelt angelegt")
                .await?;
        }
        Ok(if mine.is_empty() {
            None
        } else {
            Some(mine.swap_remove(0))
        })
    }
}

/// The `calcom.push` job: pushes with backoff until Cal.com takes it or refuses it.
pub(crate) struct PushJob {
    pub app: App,
}

impl Handler for PushJob {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(self.push(job))
    }
}

impl PushJob {
    async fn push(&self, job: &Job) -> std::result::Result<(), JobError> {
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Permanent(format!("payload is not JSON: {e}")))?;
        let (Some(id), Some(company_id)) = (
            payload["appointment_id"].as_str(),
            payload["company_id"].as_str(),
        ) else {
            return Err(JobError::Permanent(
                "payload lacks appointment_id or company_id".into(),
            ));
        };
        let retry = |e: crate::AppError| JobError::Retryable(e.to_string());
        let slug = askpro_store::tenants::slug_of(&self.app.db, company_id)
            .await
            .map_err(|e| JobError::Retryable(e.to_string()))?
            .ok_or_else(|| JobError::Permanent(format!("company {company_id} no longer exists")))?;
        let model = self.app.company(&slug).await.map_err(retry)?;
        match self
            .app
            .push_appointment(&model, id, DEFAULT_DEADLINE, true)
            .await
            .map_err(retry)?
        {
            Pushed::Synced => Ok(()),
            Pushed::Later(error) => match error.retry_after() {
                Some(after) => Err(JobError::RetryAfter {
                    message: error.to_string(),
                    after,
                }),
                None => Err(JobError::Retryable(error.to_string())),
            },
            Pushed::Refused(error) => {
                self.app
                    .mark_conflict(&model, id, &error)
                    .await
                    .map_err(retry)?;
                Ok(())
            }
        }
    }
}

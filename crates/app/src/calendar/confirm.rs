//! The request's own push, right after the local write: within `calcom.timeout_ms` the
//! caller learns whether Cal.com took the booking. A taken slot (someone booked it on the
//! web meanwhile) undoes the local write, so the caller hears alternatives instead of a
//! promise; an answer that does not come in time leaves the booking standing, pending,
//! for the `calcom` job.

use super::push::Pushed;
use crate::App;
use crate::booking::{AppointmentView, BookOutcome};
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use askpro_connectors::calcom::CalcomError;
use askpro_core::SlotRejection;
use askpro_store::appointments::{self, AppointmentRow, NewTime};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::calcom as store;
use askpro_store::{StoreError, idempotency};

/// The cancel reason of a booking Cal.com refused before the caller was told.
pub const TAKEN_IN_CALCOM: &str = "In Cal.com bereits vergeben";

impl App {
    /// Pushes a fresh booking; [`AppError::SlotUnavailable`] when Cal.com has the slot taken.
    pub(crate) async fn confirm_with_calcom(
        &self,
        model: &CompanyModel,
        booked: BookOutcome,
        key: Option<&str>,
    ) -> Result<BookOutcome> {
        if booked.replayed || booked.appointment.sync.as_deref() != Some("pending") {
            return Ok(booked);
        }
        let id = booked.appointment.id.clone();
        match self.push_now(model, &id).await {
            Some(Pushed::Synced) => Ok(BookOutcome {
                appointment: self.view_of(model, &id).await.unwrap_or(booked.appointment),
                replayed: false,
            }),
            Some(Pushed::Refused(CalcomError::Conflict(message))) => {
                tracing::info!(company = model.slug(), appointment_id = %id, %message, "Cal.com has the slot taken; the booking is withdrawn");
                self.withdraw_taken(model, &id, key).await?;
                Err(AppError::SlotUnavailable(SlotRejection::Taken))
            }
            Some(Pushed::Refused(other)) => {
                self.mark_conflict(model, &id, &other).await?;
                Ok(booked)
            }
            Some(Pushed::Later(_)) | None => Ok(booked),
        }
    }

    /// Pushes a move; when Cal.com has the new time taken, the appointment goes back to
    /// `before` and the caller hears the slot is unavailable.
    pub(crate) async fn confirm_move(
        &self,
        model: &CompanyModel,
        before: &AppointmentRow,
        after: AppointmentView,
    ) -> Result<AppointmentView> {
        if after.sync.as_deref() != Some("pending") {
            return Ok(after);
        }
        match self.push_now(model, &after.id).await {
            Some(Pushed::Synced) => Ok(self.view_of(model, &after.id).await.unwrap_or(after)),
            Some(Pushed::Refused(CalcomError::Conflict(_))) => {
                self.move_back(model, before).await?;
                Err(AppError::SlotUnavailable(SlotRejection::Taken))
            }
            Some(Pushed::Refused(other)) => {
                self.mark_conflict(model, &after.id, &other).await?;
                Ok(after)
            }
            Some(Pushed::Later(_)) | None => Ok(after),
        }
    }

    /// Pushes a cancellation at once; whatever happens, the job is queued behind it.
    pub(crate) async fn confirm_cancel(
        &self,
        model: &CompanyModel,
        after: AppointmentView,
    ) -> AppointmentView {
        if after.sync.as_deref() != Some("pending") {
            return after;
        }
        match self.push_now(model, &after.id).await {
            Some(Pushed::Synced) => self.view_of(model, &after.id).await.unwrap_or(after),
            _ => after,
        }
    }

    /// One push within `calcom.timeout_ms`; `None` when the database failed (the job
    /// pushes later).
    async fn push_now(&self, model: &CompanyModel, id: &str) -> Option<Pushed> {
        let timeout = self.calcom_timeout(model).await;
        // The caller waits `calcom.timeout_ms` at most for the whole exchange, however
        // many requests a move or a lookup takes; the queued job does the rest.
        let pushed =
            tokio::time::timeout(timeout, self.push_appointment(model, id, timeout, false))
                .await
                .unwrap_or(Ok(Pushed::Later(CalcomError::Timeout)));
        match pushed {
            Ok(Pushed::Later(error)) => {
                tracing::warn!(company = model.slug(), appointment_id = id, %error, "Cal.com did not take the change in time; the calcom job pushes it");
                Some(Pushed::Later(error))
            }
            Ok(pushed) => Some(pushed),
            Err(error) => {
                tracing::error!(company = model.slug(), appointment_id = id, %error, "could not push to Cal.com; the calcom job will");
                None
            }
        }
    }

    async fn view_of(&self, model: &CompanyModel, id: &str) -> Option<AppointmentView> {
        let row = appointments::get(&self.db, model.id(), id).await.ok()??;
        Some(AppointmentView::from(&row))
    }

    /// Cancels a booking Cal.com refused, before anyone was told: no mail goes out (the
    /// confirmation waits and finds it cancelled), and a retry with the same
    /// Idempotency-Key hears the refusal.
    async fn withdraw_taken(
        &self,
        model: &CompanyModel,
        id: &str,
        key: Option<&str>,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let Some(before) = appointments::get_for_update(&mut tx, model.id(), id).await? else {
            return Ok(());
        };
        appointments::cancel(&mut tx, id, Some(TAKEN_IN_CALCOM), now).await?;
        store::set_sync(&mut tx, id, None, None, now).await?;
        let after = crate::booking::read_back_row(&mut tx, model.id(), id).await?;
        let entry = AuditEntry {
            company_id: model.id(),
            entity: "appointment",
            entity_id: id,
            action: "cancel",
            actor: "calcom",
            origin: Some("slot taken in Cal.com"),
            before: Some(AppointmentView::from(&before).to_json()),
            after: Some(after.to_json()),
        };
        audit::record(&mut tx, &entry, now).await?;
        if let Some(key) = key {
            let refusal = serde_json::json!({ "reason": SlotRejection::Taken.code() }).to_string();
            idempotency::replace(&mut tx, model.id(), key, 409, &refusal).await?;
        }
        tx.commit().await?;
        self.calendars.slots.forget_company(model.id());
        self.free_conflicts_of(model, id).await
    }

    /// Puts a moved appointment back where it was (Cal.com refused the new time).
    async fn move_back(&self, model: &CompanyModel, before: &AppointmentRow) -> Result<()> {
        let to = NewTime {
            staff_id: &before.staff_id,
            starts_at: before.starts_at,
            ends_at: before.ends_at,
            blocked_from: before.blocked_from,
            blocked_until: before.blocked_until,
        };
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        match appointments::reschedule(&mut tx, &before.id, to, now).await {
            Ok(_) => {
                store::set_sync(
                    &mut tx,
                    &before.id,
                    before.calcom_uid.as_deref(),
                    before.sync.as_deref(),
                    now,
                )
                .await?;
                tx.commit().await?;
                tracing::info!(company = model.slug(), appointment_id = %before.id, "move refused by Cal.com; the appointment is back at its time");
                Ok(())
            }
            Err(StoreError::Overlap) => {
                drop(tx);
                let error = CalcomError::Conflict(
                    "the new time is taken in Cal.com and the old one here".into(),
                );
                self.mark_conflict(model, &before.id, &error).await
            }
            Err(other) => Err(other.into()),
        }
    }
}

//! Cancelling and rescheduling. A move that collides leaves the old time booked: the
//! update either commits whole or not at all.

use super::availability::{engine_for, service_times, staff_calendar};
use super::book::read_back;
use super::{Actor, AppointmentView};
use crate::App;
use crate::error::{AppError, Result};
use askpro_core::SlotRejection;
use askpro_core::availability::BusySpan;
use askpro_store::appointments::{self, AppointmentRow, NewTime};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::{StoreError, WriteTx};
use jiff::Timestamp;

impl App {
    /// Cancels a booked appointment. Cancelling it again answers with the cancelled
    /// appointment and changes nothing, so retried requests are harmless.
    pub async fn cancel(
        &self,
        company: &str,
        id: &str,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<AppointmentView> {
        self.cancel_with_mail(company, id, reason, actor, true)
            .await
    }

    /// Cancels without the cancellation mail (the customer gets another letter instead).
    pub async fn cancel_quietly(
        &self,
        company: &str,
        id: &str,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<AppointmentView> {
        self.cancel_with_mail(company, id, reason, actor, false)
            .await
    }

    async fn cancel_with_mail(
        &self,
        company: &str,
        id: &str,
        reason: Option<&str>,
        actor: &Actor,
        mail: bool,
    ) -> Result<AppointmentView> {
        let model = self.company(company).await?;
        let timeout = self.calcom_timeout(&model).await;
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let before = current(&mut tx, model.id(), id).await?;
        if before.status == "cancelled" {
            return Ok(AppointmentView::from(&before));
        }
        if before.status == "held" {
            return Err(AppError::Conflict(format!(
                "appointment `{id}` is a slot held for waiting-list entry `{}`: let it go with `askpro waitlist remove` or POST …/waitlist/{{id}}/decline",
                before.source_ref.as_deref().unwrap_or("?")
            )));
        }
        if before.status != "booked" {
            return Err(AppError::Conflict(format!(
                "appointment `{id}` is {} and can no longer be cancelled",
                before.status
            )));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if !appointments::cancel(&mut tx, id, reason, now).await? {
            return Err(AppError::Conflict(format!(
                "appointment `{id}` changed while cancelling; try again"
            )));
        }
        if before.calcom_uid.is_some() || before.sync.is_some() {
            crate::calendar::mark_pending(&mut tx, &before, timeout, now).await?;
        }
        let after = read_back(&mut tx, model.id(), id).await?;
        record(&mut tx, "cancel", actor, &before, &after, now).await?;
        if mail {
            crate::notify::enqueue_mail(&mut tx, crate::notify::CANCELLED, &after, model.id(), now)
                .await?;
        }
        tx.commit().await?;
        // The freed slot may be what someone on the waiting list wants.
        self.waitlist_wakeup.notify_one();
        let after = self.confirm_cancel(&model, after).await;
        tracing::info!(
            company = model.slug(),
            appointment_id = id,
            source = actor.kind,
            "appointment cancelled"
        );
        Ok(after)
    }

    /// Moves a booked appointment to `start` (and optionally another staff member).
    pub async fn reschedule(
        &self,
        company: &str,
        id: &str,
        start: Timestamp,
        staff: Option<&str>,
        actor: &Actor,
    ) -> Result<AppointmentView> {
        let model = self.company(company).await?;
        let row = appointments::get(&self.db, model.id(), id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if row.status != "booked" {
            return Err(AppError::Conflict(format!(
                "appointment `{id}` is {} and cannot be moved",
                row.status
            )));
        }
        let branch = model.branch(&row.branch_slug)?;
        let service = model.service(&row.service_slug)?;
        let member = match staff {
            Some(slug) => model.staff_member(slug)?,
            None => model.tenant().staff_member(&row.staff_slug).ok_or_else(|| {
                AppError::Conflict(format!(
                    "`{}` no longer takes appointments (removed from the tenant file); move it with another `staff`",
                    row.staff_slug
                ))
            })?,
        };
        if !member.branches.contains(&branch.slug) || !member.services.contains(&service.slug) {
            return Err(AppError::Invalid(format!(
                "staff member `{}` does not perform service `{}` at branch `{}`",
                member.slug, service.slug, branch.slug
            )));
        }
        let tz = model.zone(branch.slug.as_str());
        let mut busy = self.busy_around(&model, &[member], start).await?;
        // The appointment's own current span must not block its move.
        if let Some(spans) = busy.get_mut(&row.staff_id) {
            spans.retain(|s| {
                *s != BusySpan {
                    from_ms: row.blocked_from,
                    until_ms: row.blocked_until,
                }
            });
        }
        let engine = engine_for(&model, branch, service, &tz, self.now());
        engine
            .check_slot(&staff_calendar(&model, member, &busy), start)
            .map_err(AppError::SlotUnavailable)?;
        let times = service_times(service);
        let blocked = times.blocked_span(start);
        let staff_id = model.ids().staff_ids[member.slug.as_str()].clone();
        let to = NewTime {
            staff_id: &staff_id,
            starts_at: start.as_millisecond(),
            ends_at: times.end(start).as_millisecond(),
            blocked_from: blocked.from_ms,
            blocked_until: blocked.until_ms,
        };
        let mut policy = self.notify_policy(&model).await?;
        let in_calcom = model.calcom_mapped(service, member) || row.calcom_uid.is_some();
        let timeout = self.calcom_timeout(&model).await;
        if in_calcom {
            policy.await_calcom_ms = i64::try_from(timeout.as_millis()).unwrap_or(0)
                + crate::calendar::CONFIRMATION_GRACE_MS;
        }
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let before = current(&mut tx, model.id(), id).await?;
        if before.status != "booked" {
            return Err(AppError::Conflict(format!(
                "appointment `{id}` is {} and cannot be moved",
                before.status
            )));
        }
        match appointments::reschedule(&mut tx, id, to, now).await {
            Err(StoreError::Overlap) => {
                return Err(AppError::SlotUnavailable(SlotRejection::Taken));
            }
            Ok(false) => {
                return Err(AppError::Conflict(format!(
                    "appointment `{id}` changed while moving it; try again"
                )));
            }
            other => other?,
        };
        if in_calcom {
            crate::calendar::mark_pending(&mut tx, &before, timeout, now).await?;
        }
        let after = read_back(&mut tx, model.id(), id).await?;
        record(&mut tx, "reschedule", actor, &before, &after, now).await?;
        // The same start with someone else is news about the staff member, not the time.
        let letter = if before.starts_at == to.starts_at && before.staff_id != staff_id {
            crate::notify::REASSIGNED
        } else {
            crate::notify::RESCHEDULED
        };
        crate::notify::enqueue_for_new_time(
            &mut tx,
            letter,
            &after,
            to.starts_at,
            model.id(),
            policy,
            now,
        )
        .await?;
        tx.commit().await?;
        self.waitlist_wakeup.notify_one();
        tracing::info!(company = model.slug(), appointment_id = id, from = %AppointmentView::from(&before).start, to = %after.start, source = actor.kind, "appointment rescheduled");
        self.confirm_move(&model, &before, after).await
    }
}

async fn current(tx: &mut WriteTx, company_id: &str, id: &str) -> Result<AppointmentRow> {
    appointments::get_for_update(tx, company_id, id)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("unknown appointment `{id}`"))
}

/// The audit entry of a change to an existing appointment, before and after.
async fn record(
    tx: &mut WriteTx,
    action: &str,
    actor: &Actor,
    before: &AppointmentRow,
    after: &AppointmentView,
    now: i64,
) -> Result<()> {
    let entry = AuditEntry {
        company_id: &before.company_id,
        entity: "appointment",
        entity_id: &before.id,
        action,
        actor: actor.kind,
        origin: actor.origin.as_deref(),
        before: Some(AppointmentView::from(before).to_json()),
        after: Some(after.to_json()),
    };
    audit::record(tx, &entry, now).await?;
    Ok(())
}

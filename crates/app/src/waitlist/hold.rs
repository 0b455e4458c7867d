//! Held slots. The sweep (run by `serve` every few seconds and whenever a slot may have
//! freed up) first ends holds that ran out — passing each slot in place to the next
//! waiting customer it fits, so that it never becomes free in between — and then offers
//! each waiting customer, in the order they joined, the first free slot in their range.
//! A hold is an appointment with status `held`: the database keeps it apart from every
//! booking, so of a hold and a concurrent booking of the same slot exactly one exists.

use super::entry::{entry_for_update, read_entry, record};
use super::texts;
use crate::booking::{Actor, AppointmentView, AvailabilityQuery, SlotView};
use crate::error::{AppError, Result};
use crate::{App, CompanyModel};
use askpro_store::appointments::{self, HoldCustomer, NewAppointment};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::waitlist::{self, EntryRow};
use askpro_store::{StoreError, WriteTx, new_id};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// New holds for waiting customers.
    pub held: usize,
    /// Holds that ran out and passed to the next customer in place.
    pub passed: usize,
    /// Holds that ran out with nobody to pass them to (the slot is free again).
    pub released: usize,
    /// Entries whose range passed without a slot.
    pub lapsed: usize,
}

impl App {
    /// Ends holds that ran out and offers free slots to waiting customers, for every
    /// company with a waiting list. A failing company is logged; the others go on, and
    /// the first error is returned after all were tried.
    pub async fn sweep_waitlists(&self) -> Result<SweepReport> {
        let mut total = SweepReport::default();
        let mut first_error = None;
        for company_id in waitlist::active_companies(&self.db).await? {
            let Some(slug) = askpro_store::tenants::slug_of(&self.db, &company_id).await? else {
                continue;
            };
            match self.sweep_company(&slug).await {
                Ok(report) => {
                    total.held += report.held;
                    total.passed += report.passed;
                    total.released += report.released;
                    total.lapsed += report.lapsed;
                }
                Err(error) => {
                    tracing::error!(company = %slug, %error, "waiting-list sweep failed");
                    first_error.get_or_insert(error);
                }
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(total),
        }
    }

    /// One company's sweep.
    pub async fn sweep_company(&self, company: &str) -> Result<SweepReport> {
        let model = self.company(company).await?;
        let mut report = SweepReport::default();
        let now = self.now_ms();
        for expired in waitlist::expired_holds(&self.db, model.id(), now).await? {
            match self.expire_hold(&model, &expired.id).await? {
                Some(true) => report.passed += 1,
                Some(false) => report.released += 1,
                None => {}
            }
        }
        let waiting = waitlist::list(&self.db, model.id(), &["waiting"], 1000).await?;
        for entry in waiting {
            if entry.window_until <= self.now_ms() {
                if self.lapse(&model, &entry).await? {
                    report.lapsed += 1;
                }
                continue;
            }
            if let Some(slot) = self.first_free_slot(&model, &Want::of(&entry)).await?
                && self.offer(&model, &entry, &slot).await?
            {
                report.held += 1;
            }
        }
        Ok(report)
    }

    /// Ends a hold that ran out: `Some(true)` passed on, `Some(false)` released, `None`
    /// when it was taken or ended meanwhile.
    async fn expire_hold(&self, model: &CompanyModel, entry_id: &str) -> Result<Option<bool>> {
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let row = entry_for_update(&mut tx, model.id(), entry_id).await?;
        if row.status != "held" || row.held_until.is_none_or(|until| until > now) {
            return Ok(None);
        }
        let before = super::WaitlistView::from(&row);
        let passed = self.end_hold(&mut tx, model, &row, "expired", now).await?;
        let after = read_entry(&mut tx, model.id(), entry_id).await?;
        record(
            &mut tx,
            model.id(),
            "hold_expired",
            &super::system(),
            Some(&before),
            Some(&after),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            company = model.slug(),
            entry_id,
            passed_on = passed,
            "waiting-list hold ran out"
        );
        Ok(Some(passed))
    }

    /// Ends `row`'s hold (the entry becomes `status`): the slot passes in place to the
    /// next waiting customer it fits, or is released. True when it passed on.
    pub(super) async fn end_hold(
        &self,
        tx: &mut WriteTx,
        model: &CompanyModel,
        row: &EntryRow,
        status: &str,
        now: i64,
    ) -> Result<bool> {
        let Some(appointment_id) = row.hold_appointment_id.as_deref() else {
            waitlist::set_status(tx, &row.id, "held", status, now).await?;
            return Ok(false);
        };
        if !waitlist::set_status(tx, &row.id, "held", status, now).await? {
            return Err(AppError::Conflict(format!(
                "waiting-list entry `{}` changed meanwhile; try again",
                row.id
            )));
        }
        let slot = appointments::get_in_tx(tx, model.id(), appointment_id).await?;
        let Some(slot) = slot.filter(|s| s.status == "held") else {
            return Ok(false);
        };
        let candidates = waitlist::list(&self.db, model.id(), &["waiting"], 1000).await?;
        let min_start = now + i64::from(model.tenant().booking.min_notice_min) * 60_000;
        let next = candidates
            .iter()
            .find(|c| c.id != row.id && slot.starts_at >= min_start && fits(c, &slot));
        let Some(next) = next else {
            appointments::release_hold(tx, appointment_id, now).await?;
            self.record_slot(tx, model, appointment_id, "hold_released", now)
                .await?;
            return Ok(false);
        };
        let hold_until = self.hold_until(model, slot.starts_at, now).await?;
        let to = HoldCustomer {
            entry_id: &next.id,
            name: &next.customer_name,
            phone: next.customer_phone.as_deref(),
            email: next.customer_email.as_deref(),
            hold_until,
        };
        appointments::pass_hold(tx, appointment_id, &to, now).await?;
        waitlist::set_held(tx, &next.id, appointment_id, hold_until, now).await?;
        record_by_system(tx, model, &next.id, "hold", now).await?;
        self.record_slot(tx, model, appointment_id, "hold_passed", now)
            .await?;
        texts::enqueue_hold_notice(self, tx, model, next, appointment_id, hold_until, now).await?;
        Ok(true)
    }

    /// An appointment's audit entry for a change the waiting list made.
    async fn record_slot(
        &self,
        tx: &mut WriteTx,
        model: &CompanyModel,
        appointment_id: &str,
        action: &str,
        now: i64,
    ) -> Result<()> {
        let after = crate::booking::read_back_row(tx, model.id(), appointment_id).await?;
        let actor = super::system();
        let entry = AuditEntry {
            company_id: model.id(),
            entity: "appointment",
            entity_id: appointment_id,
            action,
            actor: actor.kind,
            origin: actor.origin.as_deref(),
            before: None,
            after: Some(after.to_json()),
        };
        audit::record(tx, &entry, now).await?;
        Ok(())
    }

    async fn lapse(&self, model: &CompanyModel, entry: &EntryRow) -> Result<bool> {
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        if !waitlist::set_status(&mut tx, &entry.id, "waiting", "lapsed", now).await? {
            return Ok(false);
        }
        record_by_system(&mut tx, model, &entry.id, "lapse", now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Until when a slot starting at `starts_at` is held from `now`: the company's hold
    /// time, but never past the slot's start.
    async fn hold_until(&self, model: &CompanyModel, starts_at: i64, now: i64) -> Result<i64> {
        Ok((now + self.hold_minutes(model).await? * 60_000).min(starts_at))
    }

    pub(crate) async fn hold_minutes(&self, model: &CompanyModel) -> Result<i64> {
        Ok(self
            .setting("waitlist.hold_minutes", Some(model.slug()))
            .await?
            .value
            .as_i64())
    }

    /// The first slot free now that `want` fits, by AskPro's own calendar (holds and
    /// bookings both count as taken).
    pub(crate) async fn first_free_slot(
        &self,
        model: &CompanyModel,
        want: &Want<'_>,
    ) -> Result<Option<SlotView>> {
        let tz = want.tz.clone();
        let day = |ms: i64| {
            Timestamp::from_millisecond(ms)
                .unwrap_or(Timestamp::UNIX_EPOCH)
                .to_zoned_datetime(tz.clone())
                .date()
        };
        let from = want.from_ms.max(self.now_ms());
        let (mut date, last) = (day(from), day(want.until_ms - 1));
        while date <= last {
            let days = (last - date).get_days().clamp(0, 30) as u32 + 1;
            let query = AvailabilityQuery {
                service: want.service.to_owned(),
                from: date,
                days,
                branch: Some(want.branch.to_owned()),
                staff: want.staff.map(str::to_owned),
            };
            let slots = self.local_availability(model.slug(), &query).await?;
            if let Some(slot) = slots.into_iter().find(|s| {
                s.start_ms >= from
                    && s.start_ms < want.until_ms
                    && in_daily(want.daily, s.start_ms, &tz)
            }) {
                return Ok(Some(slot));
            }
            date = match date.checked_add(jiff::Span::new().days(i64::from(days))) {
                Ok(next) => next,
                Err(_) => break,
            };
        }
        Ok(None)
    }

    /// Holds `slot`, found for `found_for`, for the first waiting customer it fits: a slot
    /// that freed up while the sweep was past an earlier customer still goes to them.
    /// False when someone took the slot (or the entry moved on) first.
    async fn offer(
        &self,
        model: &CompanyModel,
        found_for: &EntryRow,
        slot: &SlotView,
    ) -> Result<bool> {
        let ids = model.ids();
        let Some(staff_id) = ids.staff_ids.get(slot.staff.as_str()).cloned() else {
            return Ok(false);
        };
        let waiting = waitlist::list(&self.db, model.id(), &["waiting"], 1000).await?;
        let entry = waiting
            .iter()
            .find(|e| {
                fits_at(
                    e,
                    &found_for.service_id,
                    &found_for.branch_id,
                    &staff_id,
                    slot.start_ms,
                )
            })
            .unwrap_or(found_for);
        let service = model.service(&entry.service_slug)?;
        let times = crate::booking::service_times(service);
        let start = Timestamp::from_millisecond(slot.start_ms)
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let blocked = times.blocked_span(start);
        let now = self.now_ms();
        let hold_until = self.hold_until(model, slot.start_ms, now).await?;
        let new = NewAppointment {
            id: new_id(),
            company_id: model.id().to_owned(),
            branch_id: entry.branch_id.clone(),
            service_id: entry.service_id.clone(),
            staff_id,
            starts_at: slot.start_ms,
            ends_at: times.end(start).as_millisecond(),
            blocked_from: blocked.from_ms,
            blocked_until: blocked.until_ms,
            customer_name: entry.customer_name.clone(),
            customer_phone: entry.customer_phone.clone(),
            customer_email: entry.customer_email.clone(),
            source: "waitlist".into(),
            source_ref: Some(entry.id.clone()),
            calcom_uid: None,
            sync: None,
            hold_until: Some(hold_until),
        };
        let mut tx = self.db.begin_write().await?;
        match appointments::insert(&mut tx, &new, now).await {
            Err(StoreError::Overlap | StoreError::Retryable) => return Ok(false),
            other => other?,
        }
        if !waitlist::set_held(&mut tx, &entry.id, &new.id, hold_until, now).await? {
            return Ok(false);
        }
        record_by_system(&mut tx, model, &entry.id, "hold", now).await?;
        self.record_slot(&mut tx, model, &new.id, "hold", now)
            .await?;
        texts::enqueue_hold_notice(self, &mut tx, model, entry, &new.id, hold_until, now).await?;
        tx.commit().await?;
        tracing::info!(company = model.slug(), entry_id = %entry.id, appointment_id = %new.id, start = %slot.start, "slot held for a waiting customer");
        Ok(true)
    }

    /// The customer takes the slot held for them: it becomes their booking, with the
    /// usual confirmation. A hold that ran out, or an entry without one, is refused.
    pub async fn take_held_slot(
        &self,
        company: &str,
        entry_id: &str,
        actor: &Actor,
    ) -> Result<AppointmentView> {
        let model = self.company(company).await?;
        let policy = self.notify_policy(&model).await?;
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let row = entry_for_update(&mut tx, model.id(), entry_id).await?;
        let appointment_id = match (row.status.as_str(), row.hold_appointment_id.as_deref()) {
            ("booked", Some(id)) => {
                let view = crate::booking::read_back_row(&mut tx, model.id(), id).await?;
                return Ok(view);
            }
            ("held", Some(id)) if row.held_until.is_some_and(|until| until > now) => id.to_owned(),
            ("held", _) => return Err(AppError::Conflict(hold_ran_out(entry_id))),
            (other, _) => {
                return Err(AppError::Conflict(format!(
                    "no slot is held for waiting-list entry `{entry_id}` (it is {other})"
                )));
            }
        };
        let slot = appointments::get_in_tx(&mut tx, model.id(), &appointment_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("appointment `{appointment_id}`")))?;
        let service = model.service(&slot.service_slug)?;
        let mapped = model
            .tenant()
            .staff_member(&slot.staff_slug)
            .is_some_and(|staff| model.calcom_mapped(service, staff));
        let sync = mapped.then_some("pending");
        if !appointments::take_hold(&mut tx, &appointment_id, sync, now).await? {
            return Err(AppError::Conflict(hold_ran_out(entry_id)));
        }
        waitlist::set_status(&mut tx, entry_id, "held", "booked", now).await?;
        let before = super::WaitlistView::from(&row);
        let after = read_entry(&mut tx, model.id(), entry_id).await?;
        record(
            &mut tx,
            model.id(),
            "take",
            actor,
            Some(&before),
            Some(&after),
            now,
        )
        .await?;
        let view = crate::booking::read_back_row(&mut tx, model.id(), &appointment_id).await?;
        let entry = AuditEntry {
            company_id: model.id(),
            entity: "appointment",
            entity_id: &appointment_id,
            action: "book",
            actor: actor.kind,
            origin: actor.origin.as_deref(),
            before: None,
            after: Some(view.to_json()),
        };
        audit::record(&mut tx, &entry, now).await?;
        if mapped {
            let timeout = self.calcom_timeout(&model).await;
            crate::calendar::enqueue_push(&mut tx, model.id(), &appointment_id, timeout, now)
                .await?;
        }
        crate::notify::enqueue_for_new_time(
            &mut tx,
            crate::notify::BOOKED,
            &view,
            slot.starts_at,
            model.id(),
            policy,
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(company = model.slug(), entry_id, appointment_id = %appointment_id, source = actor.kind, "held slot taken");
        Ok(view)
    }

    /// The customer does not want the slot held for them: it passes to the next waiting
    /// customer, and their entry ends (`declined`).
    pub async fn decline_held_slot(
        &self,
        company: &str,
        entry_id: &str,
        actor: &Actor,
    ) -> Result<super::WaitlistView> {
        let model = self.company(company).await?;
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let row = entry_for_update(&mut tx, model.id(), entry_id).await?;
        let before = super::WaitlistView::from(&row);
        match row.status.as_str() {
            "declined" => return Ok(before),
            "held" => {}
            other => {
                return Err(AppError::Conflict(format!(
                    "no slot is held for waiting-list entry `{entry_id}` (it is {other})"
                )));
            }
        }
        self.end_hold(&mut tx, &model, &row, "declined", now)
            .await?;
        let after = read_entry(&mut tx, model.id(), entry_id).await?;
        record(
            &mut tx,
            model.id(),
            "decline",
            actor,
            Some(&before),
            Some(&after),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            company = model.slug(),
            entry_id,
            source = actor.kind,
            "held slot declined"
        );
        self.waitlist_wakeup.notify_one();
        Ok(after)
    }
}

/// The audit entry of a step the waiting list took on its own, with the entry after it.
async fn record_by_system(
    tx: &mut WriteTx,
    model: &CompanyModel,
    entry_id: &str,
    action: &str,
    now: i64,
) -> Result<()> {
    let after = read_entry(tx, model.id(), entry_id).await?;
    record(
        tx,
        model.id(),
        action,
        &super::system(),
        None,
        Some(&after),
        now,
    )
    .await
}

fn hold_ran_out(entry_id: &str) -> String {
    format!("the slot held for waiting-list entry `{entry_id}` was given on: its hold ran out")
}

/// Whether a held slot suits a waiting customer: same service and branch, their staff
/// member if they named one, and a start within their range and part of the day.
fn fits(entry: &EntryRow, slot: &appointments::AppointmentRow) -> bool {
    fits_at(
        entry,
        &slot.service_id,
        &slot.branch_id,
        &slot.staff_id,
        slot.starts_at,
    )
}

fn fits_at(
    entry: &EntryRow,
    service_id: &str,
    branch_id: &str,
    staff_id: &str,
    starts_at: i64,
) -> bool {
    let tz = TimeZone::get(&entry.timezone).unwrap_or(TimeZone::UTC);
    entry.service_id == service_id
        && entry.branch_id == branch_id
        && entry.staff_id.as_deref().is_none_or(|s| s == staff_id)
        && entry.window_from <= starts_at
        && starts_at < entry.window_until
        && in_daily(daily_of(entry), starts_at, &tz)
}

fn daily_of(entry: &EntryRow) -> Option<(i64, i64)> {
    entry.day_from_min.zip(entry.day_until_min)
}

/// What a waiting customer (or a caller about to join) wants, for finding a free slot.
pub(crate) struct Want<'a> {
    pub service: &'a str,
    pub branch: &'a str,
    pub staff: Option<&'a str>,
    pub from_ms: i64,
    pub until_ms: i64,
    /// Minutes after midnight, local.
    pub daily: Option<(i64, i64)>,
    pub tz: TimeZone,
}

impl<'a> Want<'a> {
    fn of(entry: &'a EntryRow) -> Want<'a> {
        Want {
            service: &entry.service_slug,
            branch: &entry.branch_slug,
            staff: entry.staff_slug.as_deref(),
            from_ms: entry.window_from,
            until_ms: entry.window_until,
            daily: daily_of(entry),
            tz: TimeZone::get(&entry.timezone).unwrap_or(TimeZone::UTC),
        }
    }
}

/// Whether `start_ms` begins within the part of the day (always, without one).
fn in_daily(daily: Option<(i64, i64)>, start_ms: i64, tz: &TimeZone) -> bool {
    let Some((from, until)) = daily else {
        return true;
    };
    let local = Timestamp::from_millisecond(start_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone());
    let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
    (from..until).contains(&minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(local: &str) -> i64 {
        local
            .parse::<jiff::ZonedDateTime>()
            .map(|z| z.timestamp().as_millisecond())
            .unwrap()
    }

    #[test]
    fn a_part_of_the_day_is_read_in_the_branchs_zone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let mornings = Some((8 * 60, 12 * 60));
        let nine = at("2026-12-01T09:00:00+01:00[Europe/Berlin]");
        let noon = at("2026-12-01T12:00:00+01:00[Europe/Berlin]");
        let summer_eleven = at("2026-07-01T11:45:00+02:00[Europe/Berlin]");
        assert!(in_daily(mornings, nine, &berlin));
        assert!(!in_daily(mornings, noon, &berlin), "the end is exclusive");
        assert!(
            in_daily(mornings, summer_eleven, &berlin),
            "local time in summer too"
        );
        assert!(in_daily(None, noon, &berlin), "no part of the day: all day");
        // 9:00 in Berlin is 8:00 UTC: in UTC's mornings, but not before 8:30.
        assert!(!in_daily(
            Some((8 * 60 + 30, 12 * 60)),
            nine,
            &TimeZone::UTC
        ));
    }
}

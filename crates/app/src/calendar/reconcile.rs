//! Reconciliation: both calendars compared booking by booking over the next
//! `sync_days`, every difference reported and fixed the contract's way — Cal.com wins,
//! except a change AskPro made that Cal.com has not received, which is pushed. Webhooks
//! are best effort; this is what makes the two agree anyway (`calcom force-sync`, and
//! every `calcom.sync_interval_minutes` in `serve`).

use super::mirror::{Mirrored, mapped};
use super::push::Pushed;
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use crate::{Actor, App};
use askpro_connectors::calcom::{BookingRecord, CalCom, CalcomError, ListBookings};
use askpro_store::appointments::{self, AppointmentRow, ListFilter};
use askpro_store::calcom as store;
use askpro_store::new_id;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One way the calendars disagreed, and what was (or would be) done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `missing_here`, `missing_there`, `time_differs`, `cancelled_there`,
    /// `cancelled_here`, `unlinked`, `duplicate`, `conflict`, `absent` (a no-show marked in Cal.com).
    pub kind: &'static str,
    pub appointment_id: Option<String>,
    pub calcom_uid: Option<String>,
    /// The start in the branch's time, as Cal.com or AskPro has it.
    pub start: String,
    pub action: String,
    pub fixed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub company: String,
    pub from: String,
    pub to: String,
    pub dry_run: bool,
    pub checked_calcom: usize,
    pub checked_askpro: usize,
    pub differences: Vec<Difference>,
    /// Cal.com bookings kept as conflicts (see `appointments remove-duplicates`).
    pub open_conflicts: usize,
}

impl SyncReport {
    /// Differences that are still there afterwards.
    pub fn remaining(&self) -> usize {
        self.differences.iter().filter(|d| !d.fixed).count()
    }
}

/// The two sides of one company, indexed.
struct Sides {
    remote: Vec<BookingRecord>,
    local: Vec<AppointmentRow>,
    conflicts: HashSet<String>,
}

impl App {
    /// Compares and (unless `dry_run`) fixes company `slug`'s appointments with Cal.com
    /// over the next `days` (default: the tenant's `sync_days`).
    pub async fn calcom_sync(
        &self,
        slug: &str,
        days: Option<u32>,
        dry_run: bool,
    ) -> Result<SyncReport> {
        let model = self.company(slug).await?;
        let config = model.tenant().calcom.clone().ok_or_else(|| {
            AppError::Invalid(format!(
                "company `{slug}` has no [calcom] section in its tenant file"
            ))
        })?;
        let client = self.calcom_of(&model)?;
        let days = days.unwrap_or(config.sync_days).clamp(1, 365);
        let from = self.now();
        let to = from + SignedDuration::from_hours(24 * i64::from(days));
        let started = self.now_ms();
        if !dry_run {
            self.free_stale_conflicts(&model).await?;
        }
        let outcome = self.compare(&model, &client, from, to, dry_run).await;
        let (differences, fixed, error) = match &outcome {
            Ok(report) => (
                report.differences.len(),
                report.differences.len() - report.remaining(),
                None,
            ),
            Err(error) => (0, 0, Some(error.to_string())),
        };
        if !dry_run {
            let run = store::SyncRun {
                id: new_id(),
                company_id: model.id().to_owned(),
                started_at: started,
                finished_at: self.now_ms(),
                differences: i64::try_from(differences).unwrap_or(i64::MAX),
                fixed: i64::try_from(fixed).unwrap_or(i64::MAX),
                error,
            };
            store::record_run(&self.db, &run).await?;
        }
        let report = outcome?;
        tracing::info!(
            company = slug,
            differences,
            fixed,
            dry_run,
            "Cal.com reconciliation done"
        );
        Ok(report)
    }

    /// Conflicts whose local appointment was cancelled meanwhile collide no more.
    async fn free_stale_conflicts(&self, model: &CompanyModel) -> Result<()> {
        for conflict in store::open_conflicts(&self.db, model.id()).await? {
            let holder = appointments::get(&self.db, model.id(), &conflict.appointment_id).await?;
            if holder.is_none_or(|h| h.status != "booked") {
                self.free_conflicts_of(model, &conflict.appointment_id)
                    .await?;
            }
        }
        Ok(())
    }

    async fn compare(
        &self,
        model: &CompanyModel,
        client: &CalCom,
        from: Timestamp,
        to: Timestamp,
        dry_run: bool,
    ) -> Result<SyncReport> {
        let sides = self.both_sides(model, client, from, to).await?;
        let zone = model.zone(
            model
                .tenant()
                .branches
                .first()
                .map_or("", |b| b.slug.as_str()),
        );
        let mut run = Run {
            app: self,
            model,
            client,
            dry_run,
            zone,
            differences: Vec::new(),
        };
        let matched = run.remote_side(&sides).await?;
        run.local_side(&sides, &matched).await?;
        run.absences(from).await?;
        Ok(SyncReport {
            company: model.slug().to_owned(),
            from: crate::time::format_local(from.as_millisecond(), &run.zone),
            to: crate::time::format_local(to.as_millisecond(), &run.zone),
            dry_run,
            checked_calcom: sides.remote.len(),
            checked_askpro: sides.local.len(),
            differences: run.differences,
            open_conflicts: sides.conflicts.len(),
        })
    }

    async fn both_sides(
        &self,
        model: &CompanyModel,
        client: &CalCom,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Sides> {
        let event_types: Vec<i64> = model
            .tenant()
            .services
            .iter()
            .filter_map(|s| s.calcom_event_type_id)
            .collect();
        let filter = ListBookings {
            event_type_ids: event_types,
            after_start: Some(from),
            before_end: Some(to + SignedDuration::from_hours(24)),
            ..ListBookings::default()
        };
        let remote: Vec<BookingRecord> = client
            .bookings(&filter)
            .await?
            .into_iter()
            .filter(|b| mapped(model, b).is_some())
            .collect();
        let rows = appointments::list(
            &self.db,
            &ListFilter {
                company_id: model.id().to_owned(),
                starts_from: from.as_millisecond(),
                starts_to: to.as_millisecond(),
                status: None,
                staff_id: None,
                customer_phone: None,
            },
        )
        .await?;
        let local = rows
            .into_iter()
            .filter(|r| {
                r.calcom_uid.is_some()
                    || r.sync.is_some()
                    || model
                        .calcom_pair_of(&r.service_slug, &r.staff_slug)
                        .is_some()
            })
            .collect();
        let conflicts = store::open_conflicts(&self.db, model.id())
            .await?
            .into_iter()
            .map(|c| c.uid)
            .collect();
        Ok(Sides {
            remote,
            local,
            conflicts,
        })
    }
}

/// One reconciliation in progress.
struct Run<'a> {
    app: &'a App,
    model: &'a CompanyModel,
    client: &'a CalCom,
    dry_run: bool,
    zone: jiff::tz::TimeZone,
    differences: Vec<Difference>,
}

impl Run<'_> {
    /// Attendees the hosts marked absent in Cal.com over the last week become no-shows
    /// here (the rest of the reconciliation looks ahead only).
    async fn absences(&mut self, now: Timestamp) -> Result<()> {
        let filter = ListBookings {
            event_type_ids: self
                .model
                .tenant()
                .services
                .iter()
                .filter_map(|s| s.calcom_event_type_id)
                .collect(),
            after_start: Some(now - SignedDuration::from_hours(24 * 7)),
            before_end: Some(now + SignedDuration::from_hours(24)),
            ..ListBookings::default()
        };
        let absent = self
            .client
            .bookings(&filter)
            .await?
            .into_iter()
            .filter(|b| b.attendee_absent && b.start <= now && b.is_active());
        for booking in absent.collect::<Vec<_>>() {
            let Some(row) = store::by_uid(&self.app.db, self.model.id(), &booking.uid).await?
            else {
                continue;
            };
            if row.status != "booked" {
                continue;
            }
            let at = booking.start.as_millisecond();
            if self.dry_run {
                self.note(
                    "absent",
                    Some(&row),
                    Some(&booking.uid),
                    at,
                    "would mark it a no-show".into(),
                    false,
                );
                continue;
            }
            let actor = Actor {
                kind: "calcom",
                origin: Some(booking.uid.clone()),
            };
            let action = match self
                .app
                .mark_no_show(self.model.slug(), &row.id, false, &actor)
                .await
            {
                Ok(_) => ("marked as a no-show".to_owned(), true),
                Err(error) => (format!("could not mark it a no-show: {error}"), false),
            };
            self.note(
                "absent",
                Some(&row),
                Some(&booking.uid),
                at,
                action.0,
                action.1,
            );
        }
        Ok(())
    }

    fn note(
        &mut self,
        kind: &'static str,
        row: Option<&AppointmentRow>,
        uid: Option<&str>,
        at_ms: i64,
        action: String,
        fixed: bool,
    ) {
        self.differences.push(Difference {
            kind,
            appointment_id: row.map(|r| r.id.clone()),
            calcom_uid: uid.map(str::to_owned),
            start: crate::time::format_local(at_ms, &self.zone),
            action,
            fixed,
        });
    }

    /// Every active Cal.com booking against its local appointment; the ids of the
    /// appointments matched.
    async fn remote_side(&mut self, sides: &Sides) -> Result<HashSet<String>> {
        let by_uid: HashMap<&str, &AppointmentRow> = sides
            .local
            .iter()
            .filter_map(|r| r.calcom_uid.as_deref().map(|u| (u, r)))
            .collect();
        let by_id: HashMap<&str, &AppointmentRow> =
            sides.local.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut matched = HashSet::new();
        let mut seen_ids: HashMap<String, String> = HashMap::new();
        let active = sides.remote.iter().filter(|b| b.is_active());
        for booking in active {
            if sides.conflicts.contains(&booking.uid) {
                continue;
            }
            let local = by_uid
                .get(booking.uid.as_str())
                .or_else(|| booking.askpro_id().and_then(|id| by_id.get(id)))
                .or_else(|| {
                    booking
                        .rescheduled_from
                        .as_deref()
                        .and_then(|u| by_uid.get(u))
                })
                .copied();
            if let Some(row) = local {
                if let Some(kept) = seen_ids.get(&row.id) {
                    if *kept != booking.uid {
                        self.duplicate(row, booking, kept.clone()).await;
                    }
                    continue;
                }
                let keeps_this = row.calcom_uid.as_deref().is_none_or(|u| u == booking.uid)
                    || booking.rescheduled_from.as_deref() == row.calcom_uid.as_deref();
                if !keeps_this
                    && sides
                        .remote
                        .iter()
                        .any(|b| b.is_active() && Some(b.uid.as_str()) == row.calcom_uid.as_deref())
                {
                    // The appointment's own booking is active too: this one is extra.
                    self.duplicate(row, booking, row.calcom_uid.clone().unwrap_or_default())
                        .await;
                    continue;
                }
                seen_ids.insert(row.id.clone(), booking.uid.clone());
                matched.insert(row.id.clone());
                self.against(row, booking).await?;
            } else {
                self.missing_here(booking).await?;
            }
        }
        Ok(matched)
    }

    /// A second Cal.com booking of one AskPro appointment: cancelled in Cal.com.
    async fn duplicate(&mut self, row: &AppointmentRow, extra: &BookingRecord, kept: String) {
        let at = extra.start.as_millisecond();
        if self.dry_run {
            self.note(
                "duplicate",
                Some(row),
                Some(&extra.uid),
                at,
                format!("would cancel it in Cal.com (keeps {kept})"),
                false,
            );
            return;
        }
        match self
            .client
            .cancel_booking(&extra.uid, "Doppelte Buchung")
            .await
        {
            Ok(()) | Err(CalcomError::NotFound(_)) => {
                self.note(
                    "duplicate",
                    Some(row),
                    Some(&extra.uid),
                    at,
                    format!("cancelled in Cal.com (keeps {kept})"),
                    true,
                );
            }
            Err(error) => self.note(
                "duplicate",
                Some(row),
                Some(&extra.uid),
                at,
                format!("could not cancel: {error}"),
                false,
            ),
        }
    }

    async fn missing_here(&mut self, booking: &BookingRecord) -> Result<()> {
        let at = booking.start.as_millisecond();
        if self.dry_run {
            self.note(
                "missing_here",
                None,
                Some(&booking.uid),
                at,
                "would add it to AskPro".into(),
                false,
            );
            return Ok(());
        }
        let done = self.app.mirror_active(self.model, booking).await?;
        let (kind, action, fixed) = match &done {
            Mirrored::Created(id) => ("missing_here", format!("added to AskPro as {id}"), true),
            Mirrored::Conflict(id) => (
                "conflict",
                format!(
                    "collides with {id}; kept as a conflict, see `appointments remove-duplicates`"
                ),
                true,
            ),
            other => (
                "missing_here",
                format!("not added: {}", other.outcome()),
                false,
            ),
        };
        let row = match &done {
            Mirrored::Created(id) | Mirrored::Conflict(id) => {
                appointments::get(&self.app.db, self.model.id(), id).await?
            }
            _ => None,
        };
        self.note(kind, row.as_ref(), Some(&booking.uid), at, action, fixed);
        Ok(())
    }

    /// An active Cal.com booking and its local appointment.
    async fn against(&mut self, row: &AppointmentRow, booking: &BookingRecord) -> Result<()> {
        let at = booking.start.as_millisecond();
        let uid = Some(booking.uid.as_str());
        if row.sync.as_deref() == Some("pending") {
            return self.push(row, "missing_there").await;
        }
        if row.status == "no_show" || row.status == "completed" {
            // It happened (or the customer did not come): nothing to undo in Cal.com.
            return Ok(());
        }
        if row.status != "booked" {
            if self.dry_run {
                self.note(
                    "cancelled_here",
                    Some(row),
                    uid,
                    at,
                    "would cancel it in Cal.com".into(),
                    false,
                );
                return Ok(());
            }
            let outcome = self
                .client
                .cancel_booking(&booking.uid, "Abgesagt bei AskPro")
                .await;
            let (action, fixed) = match outcome {
                Ok(()) | Err(CalcomError::NotFound(_)) => ("cancelled in Cal.com".to_owned(), true),
                Err(error) => (format!("could not cancel in Cal.com: {error}"), false),
            };
            self.note("cancelled_here", Some(row), uid, at, action, fixed);
            return Ok(());
        }
        let staff_differs = mapped(self.model, booking)
            .map(|(_, s)| s.slug.as_str() != row.staff_slug)
            .unwrap_or(false);
        let kind = if row.starts_at != at || staff_differs {
            "time_differs"
        } else if row.calcom_uid.as_deref() != uid || row.sync.as_deref() != Some("synced") {
            "unlinked"
        } else {
            return Ok(());
        };
        if self.dry_run {
            let action = if kind == "unlinked" {
                "would link them"
            } else {
                "would move it to Cal.com's time"
            };
            self.note(kind, Some(row), uid, at, action.into(), false);
            return Ok(());
        }
        let done = self.app.mirror_active(self.model, booking).await?;
        let fixed = matches!(
            done,
            Mirrored::Moved(_) | Mirrored::Linked(_) | Mirrored::Unchanged
        );
        let action = match &done {
            Mirrored::Moved(_) => "moved to Cal.com's time".to_owned(),
            Mirrored::Linked(_) => "linked".to_owned(),
            Mirrored::Conflict(_) => "Cal.com's time is taken here: marked as conflict".to_owned(),
            other => format!("left: {}", other.outcome()),
        };
        self.note(kind, Some(row), uid, at, action, fixed);
        Ok(())
    }

    /// Local appointments no active Cal.com booking matched.
    async fn local_side(&mut self, sides: &Sides, matched: &HashSet<String>) -> Result<()> {
        let remote_by_uid: HashMap<&str, &BookingRecord> =
            sides.remote.iter().map(|b| (b.uid.as_str(), b)).collect();
        for row in sides.local.iter().filter(|r| !matched.contains(&r.id)) {
            if row.sync.as_deref() == Some("pending") {
                self.push(
                    row,
                    if row.status == "booked" {
                        "missing_there"
                    } else {
                        "cancelled_here"
                    },
                )
                .await?;
                continue;
            }
            if row.status != "booked" || row.sync.as_deref() == Some("conflict") {
                continue;
            }
            let Some(uid) = row.calcom_uid.as_deref() else {
                self.push(row, "missing_there").await?;
                continue;
            };
            let remote = match remote_by_uid.get(uid) {
                Some(found) => Some((*found).clone()),
                None => match self.client.booking(uid).await {
                    Ok(found) => Some(found),
                    Err(CalcomError::NotFound(_)) => None,
                    Err(error) => return Err(error.into()),
                },
            };
            match remote {
                Some(b) if b.is_active() => self.against(row, &b).await?,
                _ => self.cancelled_there(row, uid).await?,
            }
        }
        Ok(())
    }

    async fn cancelled_there(&mut self, row: &AppointmentRow, uid: &str) -> Result<()> {
        if self.dry_run {
            self.note(
                "cancelled_there",
                Some(row),
                Some(uid),
                row.starts_at,
                "would cancel it in AskPro".into(),
                false,
            );
            return Ok(());
        }
        let done = self.app.mirror_cancelled(self.model, uid).await?;
        let fixed = matches!(done, Mirrored::Cancelled(_) | Mirrored::Unchanged);
        self.note(
            "cancelled_there",
            Some(row),
            Some(uid),
            row.starts_at,
            "cancelled in AskPro".into(),
            fixed,
        );
        Ok(())
    }

    /// An AskPro change Cal.com has not received: pushed now.
    async fn push(&mut self, row: &AppointmentRow, kind: &'static str) -> Result<()> {
        let uid = row.calcom_uid.as_deref();
        if self.dry_run {
            self.note(
                kind,
                Some(row),
                uid,
                row.starts_at,
                "would push it to Cal.com".into(),
                false,
            );
            return Ok(());
        }
        if row.sync.as_deref() != Some("pending") {
            let mut tx = self.app.db.begin_write().await?;
            store::set_sync(&mut tx, &row.id, uid, Some("pending"), self.app.now_ms()).await?;
            tx.commit().await?;
        }
        let pushed = self
            .app
            .push_appointment(
                self.model,
                &row.id,
                askpro_connectors::calcom::DEFAULT_DEADLINE,
                true,
            )
            .await?;
        let (action, fixed) = match pushed {
            Pushed::Synced => ("pushed to Cal.com".to_owned(), true),
            Pushed::Later(error) => (
                format!("not pushed yet ({error}); the calcom job retries"),
                false,
            ),
            Pushed::Refused(error) => {
                self.app.mark_conflict(self.model, &row.id, &error).await?;
                (
                    format!("Cal.com refused it ({error}): marked as conflict"),
                    false,
                )
            }
        };
        self.note(kind, Some(row), uid, row.starts_at, action, fixed);
        Ok(())
    }
}

//! Cal.com's bookings in AskPro's database: a booking made, moved or cancelled in
//! Cal.com becomes, moves or cancels an appointment here, so that the local guarantees
//! (no overlap per staff member, audit, reminders) see it. A booking AskPro made itself
//! is recognised by `metadata.askpro_id` and linked, never mirrored twice. One that
//! collides with a local appointment is kept as a conflict, visible and alerted.
//! Changes made in Cal.com send no AskPro mail: Cal.com tells its attendees itself.

use crate::App;
use crate::booking::{Actor, AppointmentView};
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use askpro_connectors::calcom::BookingRecord;
use askpro_core::tenant::{Service, Staff, is_e164, is_email};
use askpro_store::appointments::{self, AppointmentRow, ListFilter, NewAppointment, NewTime};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::calcom::{self as store, Conflict};
use askpro_store::{StoreError, WriteTx, new_id};

/// What mirroring one booking did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mirrored {
    Created(String),
    Linked(String),
    Moved(String),
    Cancelled(String),
    /// Collides with this local appointment; kept as a conflict.
    Conflict(String),
    Unchanged,
    /// Not AskPro's to mirror (another event type or host), or waiting for AskPro's push.
    Ignored(&'static str),
}

impl Mirrored {
    pub fn outcome(&self) -> &'static str {
        match self {
            Mirrored::Created(_) => "created",
            Mirrored::Linked(_) => "linked",
            Mirrored::Moved(_) => "moved",
            Mirrored::Cancelled(_) => "cancelled",
            Mirrored::Conflict(_) => "conflict",
            Mirrored::Unchanged => "unchanged",
            Mirrored::Ignored(why) => why,
        }
    }
}

fn calcom_actor(uid: &str) -> Actor {
    Actor {
        kind: "calcom",
        origin: Some(uid.to_owned()),
    }
}

impl App {
    /// The local appointment that stands for `booking`: by uid, by AskPro's id, or as
    /// the appointment of the booking it replaced.
    pub(crate) async fn local_of(
        &self,
        model: &CompanyModel,
        booking: &BookingRecord,
    ) -> Result<Option<AppointmentRow>> {
        if let Some(row) = store::by_uid(&self.db, model.id(), &booking.uid).await? {
            return Ok(Some(row));
        }
        if let Some(id) = booking.askpro_id()
            && let Some(row) = appointments::get(&self.db, model.id(), id).await?
        {
            return Ok(Some(row));
        }
        match &booking.rescheduled_from {
            Some(old) => Ok(store::by_uid(&self.db, model.id(), old).await?),
            None => Ok(None),
        }
    }

    /// Makes the mirror hold an active Cal.com booking.
    pub(crate) async fn mirror_active(
        &self,
        model: &CompanyModel,
        booking: &BookingRecord,
    ) -> Result<Mirrored> {
        let Some((service, staff)) = mapped(model, booking) else {
            return Ok(Mirrored::Ignored("not_mapped"));
        };
        let Some(row) = self.local_of(model, booking).await? else {
            return self.mirror_new(model, service, staff, booking).await;
        };
        if row.sync.as_deref() == Some("pending") {
            // AskPro changed it and Cal.com has not heard yet: the push decides.
            return Ok(Mirrored::Ignored("awaiting_push"));
        }
        if row.status != "booked" {
            return Ok(Mirrored::Ignored("cancelled_here"));
        }
        if row.sync.is_none() {
            // It left Cal.com's reach (moved to a staff member without Cal.com): a late
            // delivery about its old booking must not pull it back.
            return Ok(Mirrored::Ignored("not_in_calcom"));
        }
        let linked = row.calcom_uid.as_deref();
        if linked.is_some_and(|uid| {
            uid != booking.uid && booking.rescheduled_from.as_deref() != Some(uid)
        }) {
            // Another Cal.com booking of this appointment (an older one delivered late, or a
            // duplicate): the linked booking speaks for it.
            return Ok(Mirrored::Ignored("stale"));
        }
        let staff_id = &model.ids().staff_ids[staff.slug.as_str()];
        let same_time =
            row.starts_at == booking.start.as_millisecond() && &row.staff_id == staff_id;
        if same_time {
            if row.calcom_uid.as_deref() == Some(booking.uid.as_str())
                && row.sync.as_deref() == Some("synced")
            {
                return Ok(Mirrored::Unchanged);
            }
            let mut tx = self.db.begin_write().await?;
            store::set_sync(
                &mut tx,
                &row.id,
                Some(&booking.uid),
                Some("synced"),
                self.now_ms(),
            )
            .await?;
            tx.commit().await?;
            return Ok(Mirrored::Linked(row.id));
        }
        self.mirror_move(model, service, staff_id, &row, booking)
            .await
    }

    /// A booking that is new to AskPro: a new appointment, or a conflict when it collides.
    async fn mirror_new(
        &self,
        model: &CompanyModel,
        service: &Service,
        staff: &Staff,
        booking: &BookingRecord,
    ) -> Result<Mirrored> {
        let ids = model.ids();
        let Some(branch) = staff
            .branches
            .iter()
            .find(|b| model.tenant().branch(b.as_str()).is_some())
        else {
            return Ok(Mirrored::Ignored("no_branch"));
        };
        let (start, end) = (booking.start.as_millisecond(), booking.end.as_millisecond());
        let (blocked_from, blocked_until) = blocked(service, start, end);
        let new = NewAppointment {
            id: new_id(),
            company_id: model.id().to_owned(),
            branch_id: ids.branch_ids[branch.as_str()].clone(),
            service_id: ids.service_ids[service.slug.as_str()].clone(),
            staff_id: ids.staff_ids[staff.slug.as_str()].clone(),
            starts_at: start,
            ends_at: end,
            blocked_from,
            blocked_until,
            customer_name: attendee_name(booking),
            customer_phone: booking.attendee_phone.clone().filter(|p| is_e164(p)),
            customer_email: booking.attendee_email.clone().filter(|e| is_email(e)),
            source: "calcom".into(),
            source_ref: Some(booking.uid.clone()),
            calcom_uid: Some(booking.uid.clone()),
            sync: Some("synced"),
            hold_until: None,
        };
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        // The appointment in the way may be withdrawn while we look for it: then the
        // insert is tried again, a few times at most.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match appointments::insert(&mut tx, &new, now).await {
                Ok(()) => break,
                Err(StoreError::Overlap) => {
                    drop(tx);
                    // The webhook and a reconciliation mirroring the same booking at once:
                    // the other one was first, and this is no double booking.
                    if store::by_uid(&self.db, model.id(), &booking.uid)
                        .await?
                        .is_some()
                    {
                        return Ok(Mirrored::Unchanged);
                    }
                    if let Some(holder) = self.overlapping(model, &new).await? {
                        return self.keep_conflict(model, &new, booking, holder).await;
                    }
                    if attempts == 3 {
                        return Err(AppError::Conflict(format!(
                            "Cal.com booking `{}` collides with appointments that keep changing; the next sync mirrors it",
                            booking.uid
                        )));
                    }
                    tx = self.db.begin_write().await?;
                }
                Err(StoreError::Duplicate(_)) => return Ok(Mirrored::Unchanged),
                Err(other) => return Err(other.into()),
            }
        }
        let view = super::super::booking::read_back_row(&mut tx, model.id(), &new.id).await?;
        record(&mut tx, model, "book", &booking.uid, None, Some(&view), now).await?;
        tx.commit().await?;
        self.calendars
            .slots
            .forget_host(model.id(), booking.host.as_deref().unwrap_or(""));
        tracing::info!(company = model.slug(), appointment_id = %new.id, calcom_uid = %booking.uid, start = %view.start, "Cal.com booking mirrored");
        Ok(Mirrored::Created(new.id))
    }

    /// Moves the local appointment to Cal.com's time (and host), taking its new uid.
    async fn mirror_move(
        &self,
        model: &CompanyModel,
        service: &Service,
        staff_id: &str,
        row: &AppointmentRow,
        booking: &BookingRecord,
    ) -> Result<Mirrored> {
        let (start, end) = (booking.start.as_millisecond(), booking.end.as_millisecond());
        let (blocked_from, blocked_until) = blocked(service, start, end);
        let to = NewTime {
            staff_id,
            starts_at: start,
            ends_at: end,
            blocked_from,
            blocked_until,
        };
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        match appointments::reschedule(&mut tx, &row.id, to, now).await {
            Ok(true) => {}
            Ok(false) => return Ok(Mirrored::Ignored("cancelled_here")),
            Err(StoreError::Overlap) => {
                drop(tx);
                return self.conflict_for_move(model, row, booking).await;
            }
            Err(other) => return Err(other.into()),
        }
        store::set_sync(&mut tx, &row.id, Some(&booking.uid), Some("synced"), now).await?;
        let after = super::super::booking::read_back_row(&mut tx, model.id(), &row.id).await?;
        let before = AppointmentView::from(row);
        record(
            &mut tx,
            model,
            "reschedule",
            &booking.uid,
            Some(&before),
            Some(&after),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(company = model.slug(), appointment_id = %row.id, calcom_uid = %booking.uid, from = %before.start, to = %after.start, "appointment moved as in Cal.com");
        Ok(Mirrored::Moved(row.id.clone()))
    }

    /// A move in Cal.com onto a time that is taken here: the appointment keeps its old
    /// time and is marked `conflict`; the operators decide.
    async fn conflict_for_move(
        &self,
        model: &CompanyModel,
        row: &AppointmentRow,
        booking: &BookingRecord,
    ) -> Result<Mirrored> {
        let mut tx = self.db.begin_write().await?;
        store::set_sync(
            &mut tx,
            &row.id,
            Some(&booking.uid),
            Some("conflict"),
            self.now_ms(),
        )
        .await?;
        tx.commit().await?;
        self.alert_conflict(model, &booking.uid, booking, &row.id)
            .await;
        Ok(Mirrored::Conflict(row.id.clone()))
    }

    /// Keeps a colliding Cal.com booking beside the appointment it collides with.
    async fn keep_conflict(
        &self,
        model: &CompanyModel,
        new: &NewAppointment,
        booking: &BookingRecord,
        holder: String,
    ) -> Result<Mirrored> {
        let now = self.now_ms();
        let conflict = Conflict {
            uid: booking.uid.clone(),
            company_id: model.id().to_owned(),
            appointment_id: holder.clone(),
            branch_id: new.branch_id.clone(),
            service_id: new.service_id.clone(),
            staff_id: new.staff_id.clone(),
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            customer_name: new.customer_name.clone(),
            customer_phone: new.customer_phone.clone(),
            customer_email: new.customer_email.clone(),
            booked_at: booking.created_at.map_or(now, |t| t.as_millisecond()),
            seen_at: now,
            resolved_at: None,
            resolution: None,
        };
        let mut tx = self.db.begin_write().await?;
        let fresh = store::record_conflict(&mut tx, &conflict).await?;
        tx.commit().await?;
        // The holder may have been withdrawn meanwhile (Cal.com refused it to its caller):
        // then nothing collides any more.
        let holder_row = appointments::get(&self.db, model.id(), &holder).await?;
        if holder_row.is_none_or(|h| h.status != "booked") {
            self.free_conflicts_of(model, &holder).await?;
            return Ok(
                match store::by_uid(&self.db, model.id(), &booking.uid).await? {
                    Some(row) => Mirrored::Created(row.id),
                    None => Mirrored::Conflict(holder),
                },
            );
        }
        if fresh {
            self.alert_conflict(model, &booking.uid, booking, &holder)
                .await;
        }
        Ok(Mirrored::Conflict(holder))
    }

    /// The booked appointment of `new`'s staff member whose blocked time meets `new`'s.
    async fn overlapping(
        &self,
        model: &CompanyModel,
        new: &NewAppointment,
    ) -> Result<Option<String>> {
        let filter = ListFilter {
            company_id: model.id().to_owned(),
            starts_from: new.blocked_from - 86_400_000,
            starts_to: new.blocked_until,
            status: Some("booked".into()),
            staff_id: Some(new.staff_id.clone()),
            customer_phone: None,
        };
        let rows = appointments::list(&self.db, &filter).await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.calcom_uid.is_none() || r.calcom_uid != new.calcom_uid)
            .find(|r| r.blocked_from < new.blocked_until && new.blocked_from < r.blocked_until)
            .map(|r| r.id))
    }

    async fn alert_conflict(
        &self,
        model: &CompanyModel,
        uid: &str,
        booking: &BookingRecord,
        holder: &str,
    ) {
        let when = crate::time::format_local(
            booking.start.as_millisecond(),
            &model.zone(
                model
                    .tenant()
                    .branches
                    .first()
                    .map_or("", |b| b.slug.as_str()),
            ),
        );
        tracing::warn!(company = model.slug(), calcom_uid = uid, appointment_id = holder, start = %when, "a Cal.com booking collides with an appointment");
        let text = format!(
            ":warning: AskPro: Doppelbuchung bei `{}`: Cal.com-Buchung `{uid}` ({}, {when}) überschneidet sich mit Termin `{holder}`. Beide bleiben sichtbar. Prüfen: `askpro appointments remove-duplicates --company-id {} --dry-run`.",
            model.slug(),
            attendee_name(booking),
            model.slug()
        );
        if let Err(error) =
            crate::notify::enqueue_alert(self, &text, &format!("calcom_collision:{uid}")).await
        {
            tracing::error!(%error, "could not raise the double-booking alert");
        }
    }

    /// Cal.com bookings kept as conflicts against appointment `id`, which is gone now:
    /// they no longer collide and become appointments.
    pub(crate) async fn free_conflicts_of(&self, model: &CompanyModel, id: &str) -> Result<()> {
        let conflicts = store::conflicts_of(&self.db, id).await?;
        if conflicts.is_empty() {
            return Ok(());
        }
        let client = self.calcom_client(model)?;
        for conflict in conflicts {
            let mut tx = self.db.begin_write().await?;
            store::resolve_conflict(
                &mut tx,
                &conflict.uid,
                "the colliding appointment was cancelled",
                self.now_ms(),
            )
            .await?;
            tx.commit().await?;
            let Some(client) = &client else { continue };
            match client.booking(&conflict.uid).await {
                Ok(booking) if booking.is_active() => {
                    // Boxed: mirroring may find the slot taken again and come back here.
                    Box::pin(self.mirror_active(model, &booking)).await?;
                }
                Ok(_) => {}
                // The next reconciliation mirrors it.
                Err(error) => {
                    tracing::warn!(company = model.slug(), calcom_uid = %conflict.uid, %error, "could not fetch a freed Cal.com booking")
                }
            }
        }
        Ok(())
    }

    /// Cancels the appointment that holds Cal.com booking `uid` (cancelled or rejected
    /// in Cal.com), and closes a conflict kept for it.
    pub(crate) async fn mirror_cancelled(
        &self,
        model: &CompanyModel,
        uid: &str,
    ) -> Result<Mirrored> {
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let closed = store::resolve_conflict(&mut tx, uid, "cancelled in Cal.com", now).await?;
        tx.commit().await?;
        let Some(row) = store::by_uid(&self.db, model.id(), uid).await? else {
            return Ok(if closed {
                Mirrored::Cancelled(uid.to_owned())
            } else {
                Mirrored::Ignored("unknown")
            });
        };
        if row.sync.as_deref() == Some("pending") {
            // AskPro is changing it (a move to another host cancels the old booking
            // there): the push decides, not the old booking's cancellation.
            return Ok(Mirrored::Ignored("awaiting_push"));
        }
        if row.status != "booked" {
            return Ok(Mirrored::Unchanged);
        }
        let mut tx = self.db.begin_write().await?;
        if !appointments::cancel(&mut tx, &row.id, Some("Abgesagt in Cal.com"), now).await? {
            return Ok(Mirrored::Unchanged);
        }
        store::set_sync(&mut tx, &row.id, Some(uid), Some("synced"), now).await?;
        let after = super::super::booking::read_back_row(&mut tx, model.id(), &row.id).await?;
        record(
            &mut tx,
            model,
            "cancel",
            uid,
            Some(&AppointmentView::from(&row)),
            Some(&after),
            now,
        )
        .await?;
        tx.commit().await?;
        self.calendars.slots.forget_company(model.id());
        tracing::info!(company = model.slug(), appointment_id = %row.id, calcom_uid = uid, "appointment cancelled as in Cal.com");
        Ok(Mirrored::Cancelled(row.id))
    }
}

/// The service and staff member a Cal.com booking belongs to, when both are mapped.
pub(crate) fn mapped<'m>(
    model: &'m CompanyModel,
    booking: &BookingRecord,
) -> Option<(&'m Service, &'m Staff)> {
    model.tenant().calcom.as_ref()?;
    let event_type = booking.event_type_id?;
    let host = booking.host.as_deref()?;
    let service = model
        .tenant()
        .services
        .iter()
        .find(|s| s.calcom_event_type_id == Some(event_type))?;
    let staff = model.tenant().staff.iter().find(|s| {
        s.calcom_username.as_deref() == Some(host) && s.services.contains(&service.slug)
    })?;
    Some((service, staff))
}

/// The time a mirrored booking blocks: Cal.com's start and end (its length may differ
/// from the service's) with the service's buffers around them.
fn blocked(service: &Service, start: i64, end: i64) -> (i64, i64) {
    (
        start - i64::from(service.buffer_before_min) * 60_000,
        end + i64::from(service.buffer_after_min) * 60_000,
    )
}

fn attendee_name(booking: &BookingRecord) -> String {
    let name = booking.attendee_name.trim();
    if name.is_empty() {
        "Cal.com-Buchung".to_owned()
    } else {
        name.chars().take(200).collect()
    }
}

async fn record(
    tx: &mut WriteTx,
    model: &CompanyModel,
    action: &str,
    uid: &str,
    before: Option<&AppointmentView>,
    after: Option<&AppointmentView>,
    now: i64,
) -> Result<()> {
    let actor = calcom_actor(uid);
    let id = after.or(before).map(|v| v.id.clone()).unwrap_or_default();
    let entry = AuditEntry {
        company_id: model.id(),
        entity: "appointment",
        entity_id: &id,
        action,
        actor: actor.kind,
        origin: actor.origin.as_deref(),
        before: before.map(AppointmentView::to_json),
        after: after.map(AppointmentView::to_json),
    };
    audit::record(tx, &entry, now).await?;
    Ok(())
}

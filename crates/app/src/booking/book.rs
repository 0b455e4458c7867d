//! Booking: validate, pick a staff member, and let the database decide. The insert,
//! its audit entry and the idempotency record commit together or not at all.

use super::availability::{engine_for, service_times, staff_calendar};
use super::{Actor, AppointmentView};
use crate::App;
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use askpro_core::SlotRejection;
use askpro_core::tenant::{Branch, Service, Staff, is_e164, is_email};
use askpro_store::appointments::{self, NewAppointment};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::idempotency::{self, StoredResponse};
use askpro_store::{StoreError, WriteTx, new_id};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A booking request; `staff` and (with one branch) `branch` may be left open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookRequest {
    pub branch: Option<String>,
    pub service: String,
    pub staff: Option<String>,
    pub start: Timestamp,
    pub customer: Customer,
}

#[derive(Debug, Clone)]
pub struct BookOutcome {
    pub appointment: AppointmentView,
    /// True when an earlier request with the same idempotency key already booked it.
    pub replayed: bool,
}

const MAX_KEY_LEN: usize = 255;

impl App {
    pub async fn book(
        &self,
        company: &str,
        request: &BookRequest,
        actor: &Actor,
        idempotency_key: Option<&str>,
    ) -> Result<BookOutcome> {
        validate_customer(&request.customer)?;
        let model = self.company(company).await?;
        let Some(key) = idempotency_key else {
            let booked = self.book_once(&model, request, actor, None).await?;
            return self.confirm_with_calcom(&model, booked, None).await;
        };
        check_key(key)?;
        let request_hash = hash_of(request);
        if let Some(stored) = idempotency::find(&self.db, model.id(), key).await? {
            return replay(stored, &request_hash);
        }
        match self
            .book_once(&model, request, actor, Some((key, &request_hash)))
            .await
        {
            Ok(booked) => self.confirm_with_calcom(&model, booked, Some(key)).await,
            // A concurrent request with the same key may have committed first (taking the
            // slot, or the key itself): then its outcome is ours too. Otherwise a refusal
            // is recorded under the key, so that a retry hears the same answer.
            Err(AppError::SlotUnavailable(reason)) => {
                self.refusal_under_key(&model, key, &request_hash, reason)
                    .await
            }
            Err(AppError::Store(StoreError::Duplicate(constraint))) => {
                match idempotency::find(&self.db, model.id(), key).await? {
                    Some(stored) => replay(stored, &request_hash),
                    None => Err(AppError::Store(StoreError::Duplicate(constraint))),
                }
            }
            other => other,
        }
    }

    /// Answers a refused booking under its idempotency key: the winner's outcome when a
    /// concurrent request with the key committed, else this refusal, now recorded.
    async fn refusal_under_key(
        &self,
        model: &CompanyModel,
        key: &str,
        request_hash: &str,
        reason: SlotRejection,
    ) -> Result<BookOutcome> {
        if let Some(stored) = idempotency::find(&self.db, model.id(), key).await? {
            return replay(stored, request_hash);
        }
        let refusal = StoredResponse {
            request_hash: request_hash.to_owned(),
            status_code: 409,
            response: serde_json::json!({ "reason": reason.code() }).to_string(),
        };
        let mut tx = self.db.begin_write().await?;
        match idempotency::record(&mut tx, model.id(), key, &refusal, self.now_ms()).await {
            Ok(()) => {
                tx.commit().await?;
                Err(AppError::SlotUnavailable(reason))
            }
            Err(StoreError::Duplicate(_)) => {
                drop(tx);
                let stored = idempotency::find(&self.db, model.id(), key).await?;
                stored.map_or(Err(AppError::SlotUnavailable(reason)), |s| {
                    replay(s, request_hash)
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// One attempt: tries the candidates in order until the database accepts one.
    async fn book_once(
        &self,
        model: &CompanyModel,
        request: &BookRequest,
        actor: &Actor,
        key: Option<(&str, &str)>,
    ) -> Result<BookOutcome> {
        let branch = model.branch_or_only(request.branch.as_deref())?;
        let service = model.service(&request.service)?;
        for staff in self.candidates(model, branch, service, request).await? {
            let new = new_appointment(model, branch, service, staff, request, actor);
            match self.insert_with_retries(model, &new, actor, key).await {
                Ok(view) => {
                    return Ok(BookOutcome {
                        appointment: view,
                        replayed: false,
                    });
                }
                Err(AppError::Store(StoreError::Overlap)) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(AppError::SlotUnavailable(SlotRejection::Taken))
    }

    /// Staff members who could take the slot as far as hours, notice and known
    /// appointments go, in preference order. Errors with the reason when nobody can.
    async fn candidates<'m>(
        &self,
        model: &'m CompanyModel,
        branch: &'m Branch,
        service: &'m Service,
        request: &BookRequest,
    ) -> Result<Vec<&'m Staff>> {
        let qualified: Vec<&Staff> = match &request.staff {
            Some(slug) => {
                let member = model.staff_member(slug)?;
                if !member.branches.contains(&branch.slug)
                    || !member.services.contains(&service.slug)
                {
                    return Err(AppError::Invalid(format!(
                        "staff member `{slug}` does not perform service `{}` at branch `{}`",
                        service.slug, branch.slug
                    )));
                }
                vec![member]
            }
            None => model.qualified_staff(branch, service).collect(),
        };
        let tz = model.zone(branch.slug.as_str());
        let busy = self.busy_around(model, &qualified, request.start).await?;
        let engine = engine_for(model, branch, service, &tz, self.now());
        let mut reasons = Vec::new();
        let mut free = Vec::new();
        for member in qualified {
            match engine.check_slot(&staff_calendar(model, member, &busy), request.start) {
                Ok(()) => free.push(member),
                Err(reason) => reasons.push(reason),
            }
        }
        if request.staff.is_none() {
            // Whom Cal.com last showed free at that time goes first; whom it showed busy
            // (another calendar of theirs, say) last.
            free.sort_by_key(|member| {
                match self.calcom_offered(
                    model,
                    service,
                    member,
                    branch.slug.as_str(),
                    request.start,
                ) {
                    Some(true) => 0,
                    None => 1,
                    Some(false) => 2,
                }
            });
        }
        if free.is_empty() {
            let reason = if reasons.contains(&SlotRejection::Taken) {
                SlotRejection::Taken
            } else {
                reasons.first().copied().unwrap_or(SlotRejection::Taken)
            };
            return Err(AppError::SlotUnavailable(reason));
        }
        Ok(free)
    }

    /// Reminders and texts as the company's settings say.
    pub(crate) async fn notify_policy(
        &self,
        model: &CompanyModel,
    ) -> Result<crate::notify::NotifyPolicy> {
        let company = Some(model.slug());
        let sms = self
            .setting("notifications.sms.enabled", company)
            .await?
            .value
            .as_bool();
        let reminder_hours = self
            .setting("notifications.reminder_hours", company)
            .await?
            .value
            .as_i64();
        Ok(crate::notify::NotifyPolicy {
            reminder_hours,
            sms,
            await_calcom_ms: 0,
        })
    }

    /// Runs the insert again when the database aborted it to resolve a deadlock.
    async fn insert_with_retries(
        &self,
        model: &CompanyModel,
        new: &NewAppointment,
        actor: &Actor,
        key: Option<(&str, &str)>,
    ) -> Result<AppointmentView> {
        let mut attempt = 1;
        loop {
            match self.insert_booking(model, new, actor, key).await {
                Err(AppError::Store(StoreError::Retryable)) if attempt < 3 => attempt += 1,
                other => return other,
            }
        }
    }

    async fn insert_booking(
        &self,
        model: &CompanyModel,
        new: &NewAppointment,
        actor: &Actor,
        key: Option<(&str, &str)>,
    ) -> Result<AppointmentView> {
        let now = self.now_ms();
        let mut policy = self.notify_policy(model).await?;
        // Only a booking Cal.com must hear of waits for it.
        let calcom_timeout = match new.sync {
            Some(_) => Some(self.calcom_timeout(model).await),
            None => None,
        };
        if let Some(timeout) = calcom_timeout {
            policy.await_calcom_ms = i64::try_from(timeout.as_millis()).unwrap_or(0)
                + crate::calendar::CONFIRMATION_GRACE_MS;
        }
        let mut tx = self.db.begin_write().await?;
        appointments::insert(&mut tx, new, now).await?;
        if let Some(timeout) = calcom_timeout {
            crate::calendar::enqueue_push(&mut tx, model.id(), &new.id, timeout, now).await?;
        }
        let view = read_back(&mut tx, model.id(), &new.id).await?;
        let entry = AuditEntry {
            company_id: model.id(),
            entity: "appointment",
            entity_id: &new.id,
            action: "book",
            actor: actor.kind,
            origin: actor.origin.as_deref(),
            before: None,
            after: Some(view.to_json()),
        };
        audit::record(&mut tx, &entry, now).await?;
        crate::notify::enqueue_for_new_time(
            &mut tx,
            crate::notify::BOOKED,
            &view,
            new.starts_at,
            model.id(),
            policy,
            now,
        )
        .await?;
        if let Some((key, request_hash)) = key {
            let stored = StoredResponse {
                request_hash: request_hash.to_owned(),
                status_code: 201,
                response: view.to_json().to_string(),
            };
            idempotency::record(&mut tx, model.id(), key, &stored, now).await?;
        }
        tx.commit().await?;
        tracing::info!(company = model.slug(), appointment_id = %new.id, staff = %view.staff, start = %view.start, source = actor.kind, "appointment booked");
        Ok(view)
    }
}

pub(crate) async fn read_back(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
) -> Result<AppointmentView> {
    let row = appointments::get_in_tx(tx, company_id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("appointment `{id}`")))?;
    Ok(AppointmentView::from(&row))
}

fn new_appointment(
    model: &CompanyModel,
    branch: &Branch,
    service: &Service,
    staff: &Staff,
    request: &BookRequest,
    actor: &Actor,
) -> NewAppointment {
    let times = service_times(service);
    let blocked = times.blocked_span(request.start);
    let ids = model.ids();
    NewAppointment {
        id: new_id(),
        company_id: model.id().to_owned(),
        branch_id: ids.branch_ids[branch.slug.as_str()].clone(),
        service_id: ids.service_ids[service.slug.as_str()].clone(),
        staff_id: ids.staff_ids[staff.slug.as_str()].clone(),
        starts_at: request.start.as_millisecond(),
        ends_at: times.end(request.start).as_millisecond(),
        blocked_from: blocked.from_ms,
        blocked_until: blocked.until_ms,
        customer_name: request.customer.name.trim().to_owned(),
        customer_phone: request.customer.phone.clone(),
        customer_email: request.customer.email.clone(),
        source: actor.kind.to_owned(),
        source_ref: actor.origin.clone(),
        calcom_uid: None,
        sync: model.calcom_mapped(service, staff).then_some("pending"),
        hold_until: None,
    }
}

pub(crate) fn validate_customer(customer: &Customer) -> Result<()> {
    let name = customer.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::Invalid(
            "`customer.name` must be 1 to 200 characters".into(),
        ));
    }
    if let Some(phone) = customer.phone.as_deref().filter(|p| !is_e164(p)) {
        return Err(AppError::Invalid(format!(
            "`customer.phone`: `{phone}` is not an E.164 number such as +4915112345678"
        )));
    }
    if let Some(email) = customer.email.as_deref().filter(|e| !is_email(e)) {
        return Err(AppError::Invalid(format!(
            "`customer.email`: `{email}` is not an e-mail address"
        )));
    }
    Ok(())
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::Invalid(format!(
            "`Idempotency-Key` must be 1 to {MAX_KEY_LEN} printable ASCII characters"
        )));
    }
    Ok(())
}

fn hash_of(request: &BookRequest) -> String {
    let canonical = serde_json::to_vec(request).unwrap_or_default();
    hex::encode(Sha256::digest(&canonical))
}

fn replay(stored: StoredResponse, request_hash: &str) -> Result<BookOutcome> {
    if stored.request_hash != request_hash {
        return Err(AppError::IdempotencyKeyReused);
    }
    if stored.status_code == 409 {
        let refusal: serde_json::Value = serde_json::from_str(&stored.response)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let reason = refusal["reason"]
            .as_str()
            .and_then(SlotRejection::from_code)
            .unwrap_or(SlotRejection::Taken);
        return Err(AppError::SlotUnavailable(reason));
    }
    let appointment =
        serde_json::from_str(&stored.response).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(BookOutcome {
        appointment,
        replayed: true,
    })
}

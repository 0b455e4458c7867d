//! Joining, listing and leaving the waiting list.

use crate::App;
use crate::booking::{Actor, Customer};
use crate::error::{AppError, Result};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::waitlist::{self, EntryRow, NewEntry};
use askpro_store::{WriteTx, new_id};
use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// The range a customer waits for: days from `from` to `until` (exclusive) and, with
/// `daily`, only that part of each day (local times of the branch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowSpec {
    pub said: String,
    pub from: Timestamp,
    pub until: Timestamp,
    pub daily: Option<(Time, Time)>,
}

/// Who waits for what.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    pub branch: Option<String>,
    pub service: String,
    pub staff: Option<String>,
    pub window: WindowSpec,
    pub customer: Customer,
    pub call_id: Option<String>,
}

/// An entry as the API, the CLI and the agent show it; times in the branch's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistView {
    pub id: String,
    pub status: String,
    pub branch: String,
    pub service: String,
    pub service_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    pub when: String,
    pub from: String,
    pub until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_until: Option<String>,
    pub customer: Customer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_appointment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    pub created_at: String,
}

fn local(ms: i64, tz: &TimeZone) -> String {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn clock(minutes: Option<i64>) -> Option<String> {
    minutes.map(|m| format!("{:02}:{:02}", m / 60, m % 60))
}

impl From<&EntryRow> for WaitlistView {
    fn from(row: &EntryRow) -> Self {
        let tz = TimeZone::get(&row.timezone).unwrap_or(TimeZone::UTC);
        WaitlistView {
            id: row.id.clone(),
            status: row.status.clone(),
            branch: row.branch_slug.clone(),
            service: row.service_slug.clone(),
            service_name: row.service_name.clone(),
            staff: row.staff_slug.clone(),
            when: row.window_said.clone(),
            from: local(row.window_from, &tz),
            until: local(row.window_until, &tz),
            daily_from: clock(row.day_from_min),
            daily_until: clock(row.day_until_min),
            customer: Customer {
                name: row.customer_name.clone(),
                phone: row.customer_phone.clone(),
                email: row.customer_email.clone(),
            },
            held_appointment_id: (row.status == "held")
                .then(|| row.hold_appointment_id.clone())
                .flatten(),
            held_until: (row.status == "held")
                .then(|| row.held_until.map(|ms| local(ms, &tz)))
                .flatten(),
            call_id: row.call_id.clone(),
            created_at: local(row.created_at, &tz),
        }
    }
}

impl WaitlistView {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Statuses `list` filters by.
pub const STATUSES: [&str; 7] = [
    "waiting", "held", "booked", "expired", "declined", "removed", "lapsed",
];

/// Most entries one list returns.
const LIST_LIMIT: i64 = 1000;

impl App {
    /// Puts a customer on the waiting list; joining again for the same service and an
    /// overlapping range (same phone) is the first entry. The flag says whether it is new.
    pub async fn join_waitlist(
        &self,
        company: &str,
        request: &JoinRequest,
        actor: &Actor,
    ) -> Result<(WaitlistView, bool)> {
        crate::booking::validate_customer(&request.customer)?;
        if request.customer.phone.is_none() && request.customer.email.is_none() {
            return Err(AppError::Invalid(
                "`customer.phone` or `customer.email` is needed to tell the customer of a free slot".into(),
            ));
        }
        let model = self.company(company).await?;
        let branch = model.branch_or_only(request.branch.as_deref())?;
        let service = model.service(&request.service)?;
        if let Some(slug) = &request.staff {
            let member = model.staff_member(slug)?;
            if !member.branches.contains(&branch.slug) || !member.services.contains(&service.slug) {
                return Err(AppError::Invalid(format!(
                    "staff member `{slug}` does not perform service `{}` at branch `{}`",
                    service.slug, branch.slug
                )));
            }
        }
        let window = &request.window;
        let now = self.now_ms();
        if window.from >= window.until || window.until.as_millisecond() <= now {
            return Err(AppError::Invalid(format!(
                "the range `{}` is empty or over",
                window.said
            )));
        }
        let ids = model.ids();
        let minutes = |t: Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
        let new = NewEntry {
            id: new_id(),
            company_id: model.id().to_owned(),
            branch_id: ids.branch_ids[branch.slug.as_str()].clone(),
            service_id: ids.service_ids[service.slug.as_str()].clone(),
            staff_id: request
                .staff
                .as_deref()
                .and_then(|s| model.staff_member(s).ok())
                .map(|m| ids.staff_ids[m.slug.as_str()].clone()),
            window_said: window.said.trim().to_owned(),
            window_from: window.from.as_millisecond().max(now),
            window_until: window.until.as_millisecond(),
            day_from_min: window.daily.map(|(from, _)| minutes(from)),
            day_until_min: window.daily.map(|(_, until)| minutes(until)),
            customer_name: request.customer.name.trim().to_owned(),
            customer_phone: request.customer.phone.clone(),
            customer_email: request.customer.email.clone(),
            call_id: request.call_id.clone(),
        };
        let mut tx = self.db.begin_write().await?;
        if new.customer_phone.is_some()
            && let Some(existing) = waitlist::find_same(&mut tx, &new).await?
        {
            drop(tx);
            let row = self.entry(model.id(), &existing).await?;
            return Ok((WaitlistView::from(&row), false));
        }
        waitlist::insert(&mut tx, &new, now).await?;
        let view = read_entry(&mut tx, model.id(), &new.id).await?;
        record(&mut tx, model.id(), "join", actor, None, Some(&view), now).await?;
        tx.commit().await?;
        tracing::info!(company = model.slug(), entry_id = %new.id, service = %service.slug, when = %window.said, source = actor.kind, "customer joined the waiting list");
        self.waitlist_wakeup.notify_one();
        Ok((view, true))
    }

    /// A company's entries in the order they joined; `status` one of [`STATUSES`] or
    /// `active` (waiting or held); all when `None`.
    pub async fn waitlist(&self, company: &str, status: Option<&str>) -> Result<Vec<WaitlistView>> {
        let statuses: Vec<&str> = match status {
            None | Some("all") => Vec::new(),
            Some("active") => waitlist::ACTIVE.to_vec(),
            Some(one) if STATUSES.contains(&one) => vec![one],
            Some(other) => {
                return Err(AppError::Invalid(format!(
                    "`status`: `{other}` is not one of active, all, {}",
                    STATUSES.join(", ")
                )));
            }
        };
        let model = self.company(company).await?;
        let rows = waitlist::list(&self.db, model.id(), &statuses, LIST_LIMIT).await?;
        Ok(rows.iter().map(WaitlistView::from).collect())
    }

    /// Takes an entry off the list; a slot held for it passes to the next customer.
    /// Removing it again answers with the removed entry.
    pub async fn remove_from_waitlist(
        &self,
        company: &str,
        id: &str,
        actor: &Actor,
    ) -> Result<WaitlistView> {
        let model = self.company(company).await?;
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let row = entry_for_update(&mut tx, model.id(), id).await?;
        let before = WaitlistView::from(&row);
        match row.status.as_str() {
            "removed" => return Ok(before),
            "waiting" => {
                waitlist::set_status(&mut tx, id, "waiting", "removed", now).await?;
            }
            "held" => {
                self.end_hold(&mut tx, &model, &row, "removed", now).await?;
            }
            other => {
                return Err(AppError::Conflict(format!(
                    "waiting-list entry `{id}` is {other} and no longer on the list"
                )));
            }
        }
        let after = read_entry(&mut tx, model.id(), id).await?;
        record(
            &mut tx,
            model.id(),
            "remove",
            actor,
            Some(&before),
            Some(&after),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            company = model.slug(),
            entry_id = id,
            source = actor.kind,
            "waiting-list entry removed"
        );
        Ok(after)
    }

    /// A range as callers say it ("nächste Woche vormittags"), read in the branch's zone
    /// against now.
    pub async fn waitlist_window(
        &self,
        company: &str,
        branch: Option<&str>,
        said: &str,
    ) -> Result<WindowSpec> {
        let model = self.company(company).await?;
        let branch = model.branch_or_only(branch)?;
        let tz = model.zone(branch.slug.as_str());
        let now = self.now().to_zoned_datetime(tz);
        let window = askpro_german::resolve_window(said, &now).ok_or_else(|| {
            AppError::Invalid(format!(
                "`when`: `{said}` is not a range AskPro understands (e.g. „nächste Woche vormittags“, „bis Freitag“)"
            ))
        })?;
        Ok(WindowSpec {
            said: said.to_owned(),
            from: window.start.timestamp(),
            until: window.end.timestamp(),
            daily: window.daily,
        })
    }

    pub(crate) async fn entry(&self, company_id: &str, id: &str) -> Result<EntryRow> {
        waitlist::get(&self.db, company_id, id)
            .await?
            .ok_or_else(|| not_found(id))
    }
}

pub(super) fn not_found(id: &str) -> AppError {
    AppError::NotFound(format!("unknown waiting-list entry `{id}`"))
}

pub(super) async fn entry_for_update(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
) -> Result<EntryRow> {
    waitlist::get_for_update(tx, company_id, id)
        .await?
        .ok_or_else(|| not_found(id))
}

pub(super) async fn read_entry(
    tx: &mut WriteTx,
    company_id: &str,
    id: &str,
) -> Result<WaitlistView> {
    let row = entry_for_update(tx, company_id, id).await?;
    Ok(WaitlistView::from(&row))
}

/// The audit entry of a change to an entry.
pub(super) async fn record(
    tx: &mut WriteTx,
    company_id: &str,
    action: &str,
    actor: &Actor,
    before: Option<&WaitlistView>,
    after: Option<&WaitlistView>,
    now: i64,
) -> Result<()> {
    let entity_id = after.or(before).map(|v| v.id.clone()).unwrap_or_default();
    let entry = AuditEntry {
        company_id,
        entity: "waitlist_entry",
        entity_id: &entity_id,
        action,
        actor: actor.kind,
        origin: actor.origin.as_deref(),
        before: before.map(WaitlistView::to_json),
        after: after.map(WaitlistView::to_json),
    };
    audit::record(tx, &entry, now).await?;
    Ok(())
}

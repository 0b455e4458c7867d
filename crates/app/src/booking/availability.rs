//! Free slots of a service: loads the company's booked spans once and asks the pure
//! engine, branch by branch, staff member by staff member.

use crate::App;
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use crate::time::format_local;
use askpro_core::availability::{
    AvailabilityRequest, BranchCalendar, BusySpan, ServiceTimes, StaffCalendar,
};
use askpro_core::tenant::{Branch, Service, Staff};
use askpro_store::appointments;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::HashMap;

/// What `GET …/availability` asks.
#[derive(Debug, Clone)]
pub struct AvailabilityQuery {
    pub service: String,
    /// A local date of the branch.
    pub from: Date,
    pub days: u32,
    pub branch: Option<String>,
    pub staff: Option<String>,
}

/// One offered slot, with the branch's offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotView {
    pub start: String,
    pub end: String,
    pub branch: String,
    pub staff: String,
    #[serde(skip)]
    pub start_ms: i64,
}

pub const MAX_DAYS: u32 = 31;

impl App {
    /// Free slots as AskPro and, for companies that keep their calendar there, Cal.com
    /// agree.
    pub async fn availability(
        &self,
        company: &str,
        query: &AvailabilityQuery,
    ) -> Result<Vec<SlotView>> {
        let slots = self.local_availability(company, query).await?;
        let model = self.company(company).await?;
        let service = model.service(&query.service)?;
        Ok(self.agree_with_calcom(&model, service, slots).await)
    }

    /// Free slots by AskPro's own calendar alone.
    pub async fn local_availability(
        &self,
        company: &str,
        query: &AvailabilityQuery,
    ) -> Result<Vec<SlotView>> {
        if !(1..=MAX_DAYS).contains(&query.days) {
            return Err(AppError::Invalid(format!(
                "`days` must be from 1 to {MAX_DAYS}, not {}",
                query.days
            )));
        }
        let model = self.company(company).await?;
        let service = model.service(&query.service)?;
        let branches: Vec<&Branch> = match &query.branch {
            Some(slug) => vec![model.branch(slug)?],
            None => model.tenant().branches.iter().collect(),
        };
        if let Some(slug) = &query.staff {
            let member = model.staff_member(slug)?;
            if !member.services.contains(&service.slug) {
                return Err(AppError::Invalid(format!(
                    "staff member `{slug}` does not perform service `{}`",
                    service.slug
                )));
            }
        }
        let busy = self.busy_by_staff(&model, query.from, query.days).await?;
        let now = self.now();
        let mut slots = Vec::new();
        for branch in branches {
            let staff: Vec<&Staff> = model
                .qualified_staff(branch, service)
                .filter(|s| query.staff.as_deref().is_none_or(|q| s.slug.as_str() == q))
                .collect();
            slots.extend(slots_at_branch(
                &model, branch, service, &staff, &busy, now, query,
            ));
        }
        slots.sort_by(|a, b| {
            a.start_ms
                .cmp(&b.start_ms)
                .then_with(|| a.staff.cmp(&b.staff))
        });
        Ok(slots)
    }

    /// Blocked spans by staff id, for a window generous enough for any time zone.
    /// Blocked spans of the given staff members within a day of `around`: all a single
    /// booking check needs, fetched through the per-staff index.
    pub(crate) async fn busy_around(
        &self,
        model: &CompanyModel,
        staff: &[&Staff],
        around: Timestamp,
    ) -> Result<HashMap<String, Vec<BusySpan>>> {
        let at = around.as_millisecond();
        let mut by_staff = HashMap::new();
        for member in staff {
            let Some(id) = model.ids().staff_ids.get(member.slug.as_str()) else {
                continue;
            };
            let spans =
                appointments::busy_spans_of_staff(&self.db, id, at - DAY_MS, at + DAY_MS).await?;
            by_staff.insert(
                id.clone(),
                spans
                    .into_iter()
                    .map(|(from_ms, until_ms)| BusySpan { from_ms, until_ms })
                    .collect(),
            );
        }
        Ok(by_staff)
    }

    pub(crate) async fn busy_by_staff(
        &self,
        model: &CompanyModel,
        from: Date,
        days: u32,
    ) -> Result<HashMap<String, Vec<BusySpan>>> {
        let start = from
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN);
        let from_ms = start.as_millisecond() - 2 * DAY_MS;
        let until_ms = from_ms + (i64::from(days) + 4) * DAY_MS;
        let mut by_staff: HashMap<String, Vec<BusySpan>> = HashMap::new();
        for (staff_id, from_ms, until_ms) in
            appointments::busy_spans(&self.db, model.id(), from_ms, until_ms).await?
        {
            by_staff
                .entry(staff_id)
                .or_default()
                .push(BusySpan { from_ms, until_ms });
        }
        Ok(by_staff)
    }
}

const DAY_MS: i64 = 86_400_000;

pub(crate) fn service_times(service: &Service) -> ServiceTimes {
    ServiceTimes {
        duration_min: service.duration_min,
        buffer_before_min: service.buffer_before_min,
        buffer_after_min: service.buffer_after_min,
    }
}

pub(crate) fn staff_calendar<'a>(
    model: &CompanyModel,
    staff: &'a Staff,
    busy: &HashMap<String, Vec<BusySpan>>,
) -> StaffCalendar<'a> {
    let spans = model
        .ids()
        .staff_ids
        .get(staff.slug.as_str())
        .and_then(|id| busy.get(id))
        .cloned()
        .unwrap_or_default();
    StaffCalendar {
        staff: staff.slug.as_str(),
        hours: staff.hours.as_ref(),
        busy: spans,
    }
}

/// The engine's view of one service at one branch of this company.
pub(crate) fn engine_for<'a>(
    model: &CompanyModel,
    branch: &'a Branch,
    service: &Service,
    tz: &'a TimeZone,
    now: Timestamp,
) -> AvailabilityRequest<'a> {
    AvailabilityRequest {
        branch: BranchCalendar {
            timezone: tz,
            hours: &branch.hours,
            closed: &branch.closed,
            holidays: branch.holidays,
        },
        service: service_times(service),
        rules: model.tenant().booking,
        now,
    }
}

fn slots_at_branch(
    model: &CompanyModel,
    branch: &Branch,
    service: &Service,
    staff: &[&Staff],
    busy: &HashMap<String, Vec<BusySpan>>,
    now: Timestamp,
    query: &AvailabilityQuery,
) -> Vec<SlotView> {
    let tz = model.zone(branch.slug.as_str());
    let request = engine_for(model, branch, service, &tz, now);
    let calendars: Vec<StaffCalendar> = staff
        .iter()
        .map(|s| staff_calendar(model, s, busy))
        .collect();
    request
        .free_slots(&calendars, query.from, query.days)
        .into_iter()
        .map(|slot| SlotView {
            start: format_local(slot.start.as_millisecond(), &tz),
            end: format_local(slot.end.as_millisecond(), &tz),
            branch: branch.slug.to_string(),
            staff: slot.staff.to_owned(),
            start_ms: slot.start.as_millisecond(),
        })
        .collect()
}

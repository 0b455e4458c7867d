//! Reading appointments: one by id, or a filtered list over local dates or instants.

use super::AppointmentView;
use crate::App;
use crate::error::{AppError, Result};
use askpro_store::appointments::{self, ListFilter};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// One end of a list range: an instant, or a local date (inclusive, in each branch's zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Instant(Timestamp),
    Date(Date),
}

impl Bound {
    pub fn parse(field: &str, raw: &str) -> Result<Bound> {
        if raw.len() == 10
            && let Ok(date) = raw.parse::<Date>()
        {
            return Ok(Bound::Date(date));
        }
        raw.parse::<Timestamp>().map(Bound::Instant).map_err(|_| {
            AppError::Invalid(format!(
                "`{field}`: `{raw}` is neither a date (YYYY-MM-DD) nor an RFC 3339 time"
            ))
        })
    }
}

#[derive(Debug, Clone)]
pub struct AppointmentQuery {
    pub from: Bound,
    pub to: Bound,
    pub status: Option<String>,
    pub staff: Option<String>,
}

/// `held`: a slot the waiting list holds for someone; `released`: a hold that ended
/// without a booking.
const STATUSES: [&str; 6] = [
    "booked",
    "cancelled",
    "completed",
    "no_show",
    "held",
    "released",
];
const DAY_MS: i64 = 86_400_000;

impl App {
    /// An appointment's audit trail, oldest first (the dashboard's appointment page).
    pub async fn appointment_history(
        &self,
        company: &str,
        id: &str,
    ) -> Result<Vec<askpro_store::audit::AuditRow>> {
        // Only after the appointment proved to be this company's.
        self.appointment(company, id).await?;
        Ok(askpro_store::audit::history(&self.db, "appointment", id).await?)
    }

    pub async fn appointment(&self, company: &str, id: &str) -> Result<AppointmentView> {
        let model = self.company(company).await?;
        let row = appointments::get(&self.db, model.id(), id).await?;
        row.map(|r| AppointmentView::from(&r))
            .ok_or_else(|| AppError::NotFound(format!("unknown appointment `{id}`")))
    }

    /// A caller's booked appointments from now on, by phone number (E.164), soonest first.
    pub async fn upcoming_of_phone(
        &self,
        model: &crate::CompanyModel,
        phone: &str,
    ) -> Result<Vec<appointments::AppointmentRow>> {
        let filter = ListFilter {
            company_id: model.id().to_owned(),
            starts_from: self.now_ms(),
            starts_to: i64::MAX / 2,
            status: Some("booked".into()),
            staff_id: None,
            customer_phone: Some(phone.to_owned()),
        };
        Ok(appointments::list(&self.db, &filter).await?)
    }

    /// Slots held for this number by the waiting list, soonest first.
    pub async fn held_of_phone(
        &self,
        model: &crate::CompanyModel,
        phone: &str,
    ) -> Result<Vec<appointments::AppointmentRow>> {
        let filter = ListFilter {
            company_id: model.id().to_owned(),
            starts_from: self.now_ms(),
            starts_to: i64::MAX / 2,
            status: Some("held".into()),
            staff_id: None,
            customer_phone: Some(phone.to_owned()),
        };
        let now = self.now_ms();
        let mut rows = appointments::list(&self.db, &filter).await?;
        rows.retain(|r| r.hold_until.is_some_and(|until| until > now));
        Ok(rows)
    }

    pub async fn appointments(
        &self,
        company: &str,
        query: &AppointmentQuery,
    ) -> Result<Vec<AppointmentView>> {
        if let Some(status) = query.status.as_deref().filter(|s| !STATUSES.contains(s)) {
            return Err(AppError::Invalid(format!(
                "`status`: `{status}` is not one of {}",
                STATUSES.join(", ")
            )));
        }
        let model = self.company(company).await?;
        let staff_id =
            match &query.staff {
                Some(slug) => {
                    Some(model.ids().staff_ids.get(slug).cloned().ok_or_else(|| {
                        AppError::NotFound(format!("unknown staff member `{slug}`"))
                    })?)
                }
                None => None,
            };
        // Dates are local to each branch: fetch a day more on each side, then filter exactly.
        let filter = ListFilter {
            company_id: model.id().to_owned(),
            starts_from: rough_ms(query.from, false),
            starts_to: rough_ms(query.to, true),
            status: query.status.clone(),
            staff_id,
            customer_phone: None,
        };
        let rows = appointments::list(&self.db, &filter).await?;
        if rows.len() >= appointments::LIST_LIMIT {
            return Err(AppError::Invalid(format!(
                "more than {} appointments in that range; narrow `from`/`to`",
                appointments::LIST_LIMIT - 1
            )));
        }
        Ok(rows
            .iter()
            .filter(|row| {
                let tz = TimeZone::get(&row.timezone).unwrap_or(TimeZone::UTC);
                within(row.starts_at, query.from, &tz, false)
                    && within(row.starts_at, query.to, &tz, true)
            })
            .map(AppointmentView::from)
            .collect())
    }
}

fn rough_ms(bound: Bound, is_end: bool) -> i64 {
    match bound {
        Bound::Instant(t) => t.as_millisecond(),
        Bound::Date(d) => {
            let midnight = d
                .to_zoned_datetime(TimeZone::UTC)
                .map(|z| z.timestamp().as_millisecond())
                .unwrap_or(0);
            if is_end {
                midnight + 2 * DAY_MS
            } else {
                midnight - DAY_MS
            }
        }
    }
}

fn within(starts_at: i64, bound: Bound, tz: &TimeZone, is_end: bool) -> bool {
    match bound {
        Bound::Instant(t) if is_end => starts_at <= t.as_millisecond(),
        Bound::Instant(t) => starts_at >= t.as_millisecond(),
        Bound::Date(d) => {
            let local = Timestamp::from_millisecond(starts_at)
                .map(|t| t.to_zoned_datetime(tz.clone()).date());
            local.is_ok_and(|day| if is_end { day <= d } else { day >= d })
        }
    }
}

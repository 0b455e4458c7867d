//! The availability engine: which slots a service can be booked in, per staff member,
//! given opening hours, closed days, holidays, existing appointments and the booking
//! rules. Pure code: the caller passes "now" and the appointments it loaded.
//!
//! All local reasoning happens in the branch's time zone, day by day, so an opening at
//! 09:00 stays 09:00 local on both sides of a daylight-saving change. Instants are
//! compared as UTC timestamps.

mod day;
#[cfg(test)]
mod tests;

use crate::holidays::{HolidayRegion, holiday_on};
use crate::hours::WeeklyHours;
use crate::tenant::BookingRules;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

pub use day::local_instant;

/// A span of time a staff member is blocked for (an appointment including its buffers),
/// as Unix milliseconds, half-open `[from_ms, until_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BusySpan {
    pub from_ms: i64,
    pub until_ms: i64,
}

/// Where and when a branch is open.
#[derive(Debug, Clone)]
pub struct BranchCalendar<'a> {
    pub timezone: &'a TimeZone,
    pub hours: &'a WeeklyHours,
    pub closed: &'a [Date],
    pub holidays: Option<HolidayRegion>,
}

impl BranchCalendar<'_> {
    /// Closed for the whole day: an extra closed day or a statutory holiday.
    pub fn is_closed(&self, date: Date) -> bool {
        self.closed.contains(&date)
            || self
                .holidays
                .is_some_and(|region| holiday_on(region, date).is_some())
    }
}

/// One staff member as the engine sees them.
#[derive(Debug, Clone)]
pub struct StaffCalendar<'a> {
    pub staff: &'a str,
    /// Own hours; `None` = whenever the branch is open.
    pub hours: Option<&'a WeeklyHours>,
    /// Blocked spans of all their appointments (any branch), in any order.
    pub busy: Vec<BusySpan>,
}

/// How long a service takes and how much time it blocks around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceTimes {
    pub duration_min: u32,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
}

impl ServiceTimes {
    /// The span an appointment starting at `start` blocks: `[start - before, start + duration + after)`.
    pub fn blocked_span(&self, start: Timestamp) -> BusySpan {
        let start_ms = start.as_millisecond();
        BusySpan {
            from_ms: start_ms - minutes_ms(self.buffer_before_min),
            until_ms: start_ms + minutes_ms(self.duration_min + self.buffer_after_min),
        }
    }

    pub fn end(&self, start: Timestamp) -> Timestamp {
        start
            .saturating_add(SignedDuration::from_mins(self.duration_min.into()))
            .unwrap_or(start)
    }
}

/// Everything one availability question needs besides the staff.
#[derive(Debug, Clone)]
pub struct AvailabilityRequest<'a> {
    pub branch: BranchCalendar<'a>,
    pub service: ServiceTimes,
    pub rules: BookingRules,
    pub now: Timestamp,
}

/// A bookable slot: `start`..`end` is the service itself (without buffers). The
/// staff slug is borrowed from the [`StaffCalendar`] it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot<'s> {
    pub start: Timestamp,
    pub end: Timestamp,
    pub staff: &'s str,
}

/// Why a wanted start time cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlotRejection {
    #[error("the branch is closed that day")]
    Closed,
    #[error("the time lies outside the opening hours")]
    OutsideHours,
    #[error("the time is sooner than the minimum notice allows")]
    TooSoon,
    #[error("the time is further ahead than bookings are taken")]
    TooFarAhead,
    #[error("the staff member is already booked at that time")]
    Taken,
}

impl SlotRejection {
    const ALL: [SlotRejection; 5] = [
        SlotRejection::Closed,
        SlotRejection::OutsideHours,
        SlotRejection::TooSoon,
        SlotRejection::TooFarAhead,
        SlotRejection::Taken,
    ];

    /// The reason's code in API answers: `taken`, `closed`, `outside_hours`, …
    pub fn code(self) -> &'static str {
        match self {
            SlotRejection::Closed => "closed",
            SlotRejection::OutsideHours => "outside_hours",
            SlotRejection::TooSoon => "too_soon",
            SlotRejection::TooFarAhead => "too_far_ahead",
            SlotRejection::Taken => "taken",
        }
    }

    pub fn from_code(code: &str) -> Option<SlotRejection> {
        SlotRejection::ALL.into_iter().find(|r| r.code() == code)
    }
}

fn minutes_ms(minutes: u32) -> i64 {
    i64::from(minutes) * 60_000
}

impl AvailabilityRequest<'_> {
    fn earliest_start(&self) -> Timestamp {
        self.now
            .saturating_add(SignedDuration::from_mins(self.rules.min_notice_min.into()))
            .unwrap_or(self.now)
    }

    /// The last allowed start: `horizon_days` calendar days after now, in the branch's zone.
    fn latest_start(&self) -> Timestamp {
        let now_local = self.now.to_zoned_datetime(self.branch.timezone.clone());
        now_local
            .checked_add(i64::from(self.rules.horizon_days).days())
            .map_or(Timestamp::MAX, |z| z.timestamp())
    }

    /// Free slots for `days` local days from `from`, for every given staff member,
    /// sorted by start, then staff slug.
    pub fn free_slots<'s>(
        &self,
        staff: &[StaffCalendar<'s>],
        from: Date,
        days: u32,
    ) -> Vec<Slot<'s>> {
        let window = day::Window {
            earliest: self.earliest_start(),
            latest: self.latest_start(),
        };
        let mut slots = Vec::new();
        let calendars: Vec<(&StaffCalendar<'s>, Vec<BusySpan>)> =
            staff.iter().map(|s| (s, merged(&s.busy))).collect();
        let mut date = from;
        for _ in 0..days {
            if !self.branch.is_closed(date) {
                // Most staff keep the branch's hours: convert those to instants once a day.
                let branch_spans = day::work_spans(self, None, date);
                for (calendar, busy) in &calendars {
                    let own_spans;
                    let spans = match calendar.hours {
                        None => &branch_spans,
                        Some(hours) => {
                            own_spans = day::work_spans(self, Some(hours), date);
                            &own_spans
                        }
                    };
                    day::slots_of_day(self, calendar.staff, spans, busy, window, &mut slots);
                }
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        slots.sort_unstable_by(|a, b| a.start.cmp(&b.start).then_with(|| a.staff.cmp(b.staff)));
        slots
    }

    /// Whether `start` can be booked for this staff member, and if not, why.
    /// Any start inside the hours is accepted, not only the offered steps: a
    /// receptionist may book 09:05 if the customer asks for it.
    pub fn check_slot(
        &self,
        staff: &StaffCalendar<'_>,
        start: Timestamp,
    ) -> Result<(), SlotRejection> {
        let date = start.to_zoned_datetime(self.branch.timezone.clone()).date();
        if self.branch.is_closed(date) {
            return Err(SlotRejection::Closed);
        }
        let blocked = self.service.blocked_span(start);
        if !day::work_spans(self, staff.hours, date)
            .iter()
            .any(|(open, close)| *open <= blocked.from_ms && blocked.until_ms <= *close)
        {
            return Err(SlotRejection::OutsideHours);
        }
        if start < self.earliest_start() {
            return Err(SlotRejection::TooSoon);
        }
        if start > self.latest_start() {
            return Err(SlotRejection::TooFarAhead);
        }
        if staff.busy.iter().any(|b| overlaps(*b, blocked)) {
            return Err(SlotRejection::Taken);
        }
        Ok(())
    }
}

pub(crate) fn overlaps(a: BusySpan, b: BusySpan) -> bool {
    a.from_ms < b.until_ms && b.from_ms < a.until_ms
}

/// Sorted, with overlapping or touching spans merged, so that both starts and ends
/// are ascending and a binary search can find the span relevant for a slot.
fn merged(busy: &[BusySpan]) -> Vec<BusySpan> {
    let mut spans = busy.to_vec();
    spans.sort_unstable();
    let mut out: Vec<BusySpan> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.from_ms <= last.until_ms => {
                last.until_ms = last.until_ms.max(span.until_ms)
            }
            _ => out.push(span),
        }
    }
    out
}

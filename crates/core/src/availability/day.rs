//! One local day of one staff member: their working spans as instants, and the slots in them.

use super::{AvailabilityRequest, BusySpan, Slot, minutes_ms, overlaps};
use crate::hours::{Interval, Minute, WeeklyHours};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The earliest and latest start the booking rules allow.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub earliest: Timestamp,
    pub latest: Timestamp,
}

/// The instant of a local wall-clock minute on `date` (1440 = next midnight). A time
/// that does not exist (the spring-forward gap) moves forward by the gap, a time that
/// exists twice (the autumn fold) takes the earlier one: what a clock on the wall shows.
pub fn local_instant(tz: &TimeZone, date: Date, minute: Minute) -> Option<Timestamp> {
    let (date, minute) = if minute >= 1440 {
        (date.tomorrow().ok()?, minute - 1440)
    } else {
        (date, minute)
    };
    let clock = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
    tz.to_ambiguous_timestamp(clock).compatible().ok()
}

/// Working spans on `date` as `[open_ms, close_ms)` pairs: the branch's hours, cut
/// to a staff member's own hours if they have any.
pub(super) fn work_spans(
    request: &AvailabilityRequest<'_>,
    own_hours: Option<&WeeklyHours>,
    date: Date,
) -> Vec<(i64, i64)> {
    let weekday = date.weekday();
    let branch_day = request.branch.hours.on(weekday);
    let own_day: &[Interval] = own_hours.map_or(branch_day, |h| h.on(weekday));
    let tz = request.branch.timezone;
    branch_day
        .iter()
        .flat_map(|b| own_day.iter().filter_map(move |o| b.intersect(*o)))
        .filter_map(|interval| {
            let open = local_instant(tz, date, interval.start)?;
            let close = local_instant(tz, date, interval.end)?;
            Some((open.as_millisecond(), close.as_millisecond()))
        })
        .collect()
}

/// Appends the free slots of one staff member within their working spans of one day.
pub(super) fn slots_of_day<'s>(
    request: &AvailabilityRequest<'_>,
    staff: &'s str,
    spans: &[(i64, i64)],
    busy: &[BusySpan],
    window: Window,
    out: &mut Vec<Slot<'s>>,
) {
    let service = request.service;
    let step = minutes_ms(request.rules.slot_step_min.max(1));
    let before = minutes_ms(service.buffer_before_min);
    let after = minutes_ms(service.duration_min + service.buffer_after_min);
    let duration = minutes_ms(service.duration_min);
    let (earliest, latest) = (
        window.earliest.as_millisecond(),
        window.latest.as_millisecond(),
    );
    for &(open, close) in spans {
        // Steps count from the opening, so slots sit at 09:00, 09:15, … for a 09:00 opening.
        let first_step = ceil_div(before, step)
            .max(ceil_div(earliest - open, step))
            .max(0);
        let mut start = open + first_step * step;
        while start + after <= close && start <= latest {
            let blocked = BusySpan {
                from_ms: start - before,
                until_ms: start + after,
            };
            if !collides(busy, blocked)
                && let (Ok(s), Ok(e)) = (
                    Timestamp::from_millisecond(start),
                    Timestamp::from_millisecond(start + duration),
                )
            {
                out.push(Slot {
                    start: s,
                    end: e,
                    staff,
                });
            }
            start += step;
        }
    }
}

/// Whether `blocked` meets any of the merged, sorted spans.
fn collides(busy: &[BusySpan], blocked: BusySpan) -> bool {
    let first_ending_after = busy.partition_point(|b| b.until_ms <= blocked.from_ms);
    busy.get(first_ending_after)
        .is_some_and(|b| overlaps(*b, blocked))
}

fn ceil_div(a: i64, b: i64) -> i64 {
    let q = a / b;
    if a % b > 0 { q + 1 } else { q }
}

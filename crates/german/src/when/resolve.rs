//! Putting a phrase's pieces together: one point or interval, a range between two, or
//! an open range ("ab 15 Uhr"), under the conventions of `shared/contract/german.md`.

use super::dates::{DateSpec, Grain, date_spec};
use super::frame::Frame;
use super::pieces::{Piece, Shift};
use jiff::civil::Date;
use jiff::{ToSpan, ZonedDateTime};

/// A resolved expression. `end` is exclusive; `None` means open after `start`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub start: ZonedDateTime,
    pub end: Option<ZonedDateTime>,
    pub grain: Grain,
}

/// One side of a phrase, resolved.
#[derive(Debug, Clone)]
struct Side {
    start: ZonedDateTime,
    end: ZonedDateTime,
    grain: Grain,
    time_of_day: bool,
}

/// Bare 12-hour values mean the one of h and h+12 that starts within 07:00–20:00.
const BUSINESS_DAY: (u32, u32) = (7 * 60, 20 * 60);

pub fn resolve(pieces: &[Piece], now: &ZonedDateTime) -> Option<Resolution> {
    if let Some(at) = pieces.iter().position(|p| *p == Piece::After) {
        // "frühestens ab 10" says it twice; one open range all the same.
        let rest: Vec<Piece> = pieces
            .iter()
            .filter(|p| **p != Piece::After)
            .cloned()
            .collect();
        if pieces[at..].contains(&Piece::RangeTo) {
            return None;
        }
        let side = side(&Frame::of(&rest)?, now)?;
        return Some(Resolution {
            start: side.start,
            end: None,
            grain: side.grain,
        });
    }
    if let Some(to) = pieces.iter().position(|p| *p == Piece::RangeTo) {
        return range(pieces, to, now);
    }
    let frame = Frame::of(pieces)?;
    let side = side(&frame, now)?;
    Some(Resolution {
        start: side.start,
        end: Some(side.end),
        grain: side.grain,
    })
}

fn range(pieces: &[Piece], to: usize, now: &ZonedDateTime) -> Option<Resolution> {
    let open = pieces
        .iter()
        .position(|p| *p == Piece::RangeOpen)
        .filter(|o| *o < to);
    let (prefix, left) = match open {
        Some(o) => (&pieces[..o], &pieces[o + 1..to]),
        None => (&[][..], &pieces[..to]),
    };
    let prefix = Frame::of(prefix)?;
    let mut left = Frame::of(left)?;
    let mut right = Frame::of(pieces.get(to + 1..)?)?;
    if left.is_empty() || right.is_empty() {
        return None;
    }
    left.inherit_date(&prefix);
    right.inherit_date(&prefix);
    right.inherit_date(&left);
    left.inherit_date(&right);
    left.inherit_part(&right);
    right.inherit_part(&left);
    let start = side(&left, now)?;
    // Both ends on the day the range starts, when the right end names no day itself.
    if !right.has_date() {
        right.relative_day = Some((start.start.date() - now.date()).get_days().into());
    }
    let mut end = side(&right, now)?;
    // "Montag bis Mittwoch" said on a Tuesday: the Wednesday after that Monday.
    if end.start < start.start
        && let Some((_, Shift::Next)) = right.weekday
    {
        end = shift_days(&end, 7)?;
    }
    let end_at = if end.time_of_day { end.start } else { end.end };
    (start.start < end_at).then_some(Resolution {
        start: start.start,
        end: Some(end_at),
        grain: start.grain,
    })
}

fn shift_days(side: &Side, days: i64) -> Option<Side> {
    Some(Side {
        start: side.start.checked_add(days.days()).ok()?,
        end: side.end.checked_add(days.days()).ok()?,
        ..side.clone()
    })
}

fn side(frame: &Frame, now: &ZonedDateTime) -> Option<Side> {
    let date = date_spec(frame, now).ok()?;
    let has_time = frame.has_time();
    match date {
        None if has_time => {
            // No day said: today if the time is still ahead, else tomorrow.
            let today = on_day(frame, now.date(), now)?;
            let passed = if today.time_of_day && frame.clock.is_some() {
                today.start <= *now
            } else {
                today.end <= *now
            };
            if passed {
                on_day(frame, now.date().tomorrow().ok()?, now)
            } else {
                Some(today)
            }
        }
        None => None,
        Some(DateSpec::Day(day)) if has_time => on_day(frame, day, now),
        Some(DateSpec::Day(day)) => whole_days(day, day.tomorrow().ok()?, Grain::Day, now),
        Some(DateSpec::Span { start, end, grain }) if !has_time => {
            whole_days(start, end, grain, now)
        }
        Some(DateSpec::Instant(at, grain)) if !has_time => {
            let at = truncate(&at, grain)?;
            let end = at
                .checked_add(if grain == Grain::Second {
                    1.second()
                } else {
                    1.minute()
                })
                .ok()?;
            Some(Side {
                start: at,
                end,
                grain,
                time_of_day: true,
            })
        }
        Some(_) => None,
    }
}

fn truncate(at: &ZonedDateTime, grain: Grain) -> Option<ZonedDateTime> {
    let time = at.time();
    let second = if grain == Grain::Second {
        time.second()
    } else {
        0
    };
    at.with()
        .time(jiff::civil::time(time.hour(), time.minute(), second, 0))
        .build()
        .ok()
}

fn whole_days(start: Date, end: Date, grain: Grain, now: &ZonedDateTime) -> Option<Side> {
    let tz = now.time_zone().clone();
    Some(Side {
        start: start.to_zoned_datetime(tz.clone()).ok()?,
        end: end.to_zoned_datetime(tz).ok()?,
        grain,
        time_of_day: false,
    })
}

/// The frame's time of day (a clock time or a part of the day) on `day`.
fn on_day(frame: &Frame, day: Date, now: &ZonedDateTime) -> Option<Side> {
    let local = |minutes: u32| -> Option<ZonedDateTime> {
        let date = day.checked_add(i64::from(minutes / 1440).days()).ok()?;
        let minutes = minutes % 1440;
        let clock = date.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
        now.time_zone()
            .to_ambiguous_zoned_datetime(clock)
            .compatible()
            .ok()
    };
    match (frame.clock, frame.part) {
        (Some((hour, minute, explicit)), part) => {
            let hour = match part {
                _ if explicit => hour,
                Some(part) => part.hour_of(hour),
                None => business_hour(hour, minute),
            };
            let start = local(hour * 60 + minute)?;
            let end = start.checked_add(1.minute()).ok()?;
            Some(Side {
                start,
                end,
                grain: Grain::Minute,
                time_of_day: true,
            })
        }
        (None, Some(part)) => {
            let (from, to) = part.minutes();
            Some(Side {
                start: local(from)?,
                end: local(to)?,
                grain: Grain::Hour,
                time_of_day: false,
            })
        }
        (None, None) => None,
    }
}

fn business_hour(hour: u32, minute: u32) -> u32 {
    let base = hour % 12;
    [base, base + 12]
        .into_iter()
        .find(|h| (BUSINESS_DAY.0..BUSINESS_DAY.1).contains(&(h * 60 + minute)))
        .unwrap_or(hour)
}

//! What the date part of a frame means, relative to today: a day, a span of days
//! (a week, a month, part of one), or an instant ("jetzt", "in drei Stunden").

use super::frame::Frame;
use super::lexicon::HolidayRule;
use super::pieces::{FromHoliday, Segment, Shift};
use askpro_core::holidays::easter_sunday;
use jiff::civil::{Date, Weekday};
use jiff::{ToSpan, ZonedDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grain {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Second => "second",
            Grain::Minute => "minute",
            Grain::Hour => "hour",
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Year => "year",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DateSpec {
    Day(Date),
    /// `[start, end)` of whole days.
    Span {
        start: Date,
        end: Date,
        grain: Grain,
    },
    Instant(ZonedDateTime, Grain),
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(days.days()).ok()
}

fn monday_of(date: Date) -> Option<Date> {
    add_days(date, -i64::from(date.weekday().to_monday_zero_offset()))
}

fn first_of_month(year: i16, month: i8) -> Option<Date> {
    Date::new(year, month, 1).ok()
}

/// The next `weekday` strictly after today (or before it, for "letzten").
fn weekday_from(today: Date, weekday: Weekday, shift: Shift) -> Option<Date> {
    let ahead = i64::from(
        (weekday.to_monday_zero_offset() - today.weekday().to_monday_zero_offset()).rem_euclid(7),
    );
    match shift {
        Shift::Next => add_days(today, if ahead == 0 { 7 } else { ahead }),
        Shift::AfterNext => add_days(today, if ahead == 0 { 14 } else { ahead + 7 }),
        Shift::Last => add_days(today, if ahead == 0 { -7 } else { ahead - 7 }),
    }
}

fn holiday_in(rule: HolidayRule, year: i16) -> Option<Date> {
    match rule {
        HolidayRule::Fixed(month, day) => Date::new(year, month, day).ok(),
        HolidayRule::Easter(offset) => add_days(easter_sunday(year)?, i64::from(offset)),
        HolidayRule::WeekdayFrom {
            month,
            day,
            weekday,
        } => {
            let from = Date::new(year, month, day).ok()?;
            let ahead = (weekday.to_monday_zero_offset() - from.weekday().to_monday_zero_offset())
                .rem_euclid(7);
            add_days(from, i64::from(ahead))
        }
    }
}

/// The day `from` says, counted from the holiday on `day`.
fn from_holiday(day: Date, from: Option<FromHoliday>) -> Option<Date> {
    match from {
        None => Some(day),
        Some(FromHoliday::Days(n)) => add_days(day, n),
        Some(FromHoliday::Weekday(weekday, after)) => {
            let gap = i64::from(
                (weekday.to_monday_zero_offset() - day.weekday().to_monday_zero_offset())
                    .rem_euclid(7),
            );
            if after {
                add_days(day, if gap == 0 { 7 } else { gap })
            } else {
                add_days(day, if gap == 0 { -7 } else { gap - 7 })
            }
        }
    }
}

/// The day, or the Monday-based week containing it.
fn day_or_week(date: Date, week_of: bool) -> Result<DateSpec, ()> {
    if !week_of {
        return Ok(DateSpec::Day(date));
    }
    let monday = monday_of(date).ok_or(())?;
    Ok(DateSpec::Span {
        start: monday,
        end: add_days(monday, 7).ok_or(())?,
        grain: Grain::Week,
    })
}

/// Counts the date anchors that are set, to refuse combinations that make no sense.
fn anchors(f: &Frame) -> usize {
    [
        f.relative_day.is_some(),
        f.weekday.is_some(),
        f.week.is_some(),
        f.weekend.is_some(),
        f.relative_month.is_some(),
        f.month.is_some(),
        f.day_of_month.is_some(),
        f.holiday.is_some(),
        f.offset_days.is_some() || f.offset_months.is_some(),
        f.year.is_some() || f.relative_year.is_some(),
    ]
    .iter()
    .filter(|set| **set)
    .count()
}

/// The date a frame names. `Ok(None)`: it names none. `Err(())`: it contradicts itself.
pub fn date_spec(f: &Frame, now: &ZonedDateTime) -> Result<Option<DateSpec>, ()> {
    let today = now.date();
    let n = anchors(f);
    if f.now {
        return if n == 0 && !f.has_time() && f.elapsed_minutes.is_none() {
            Ok(Some(DateSpec::Instant(now.clone(), Grain::Second)))
        } else {
            Err(())
        };
    }
    if let Some(minutes) = f.elapsed_minutes {
        let only_today = n == 0 || (n == 1 && f.relative_day == Some(0));
        if !only_today || f.has_time() {
            return Err(());
        }
        let later = now
            .timestamp()
            .checked_add(jiff::SignedDuration::from_mins(minutes))
            .map_err(|_| ())?;
        return Ok(Some(DateSpec::Instant(
            later.to_zoned_datetime(now.time_zone().clone()),
            Grain::Minute,
        )));
    }
    let year = f
        .year
        .or(f.relative_year.map(|k| i32::from(today.year()) + k as i32));
    let year = year.map(|y| i16::try_from(y).map_err(|_| ())).transpose()?;
    if let Some(segment) = f.segment {
        return segment_spec(f, segment, today, year, n).map(Some).ok_or(());
    }
    if let Some(week) = f.week {
        let monday = monday_of(today)
            .and_then(|m| add_days(m, 7 * week))
            .ok_or(())?;
        return match f.weekday {
            Some((day, Shift::Next)) if n == 2 => Ok(Some(DateSpec::Day(
                add_days(monday, i64::from(day.to_monday_zero_offset())).ok_or(())?,
            ))),
            None if n == 1 => Ok(Some(DateSpec::Span {
                start: monday,
                end: add_days(monday, 7).ok_or(())?,
                grain: Grain::Week,
            })),
            _ => Err(()),
        };
    }
    if let Some(week) = f.weekend {
        let saturday = monday_of(today)
            .and_then(|m| add_days(m, 7 * week + 5))
            .ok_or(())?;
        return if n == 1 {
            Ok(Some(DateSpec::Span {
                start: saturday,
                end: add_days(saturday, 2).ok_or(())?,
                grain: Grain::Day,
            }))
        } else {
            Err(())
        };
    }
    if let Some(rule) = f.holiday {
        let extra = usize::from(year.is_some());
        if n != 1 + extra {
            return Err(());
        }
        let this_year = year.unwrap_or(today.year());
        let day_in =
            |year: i16| holiday_in(rule, year).and_then(|d| from_holiday(d, f.from_holiday));
        let date = match day_in(this_year) {
            Some(d) if d >= today || year.is_some() => d,
            _ => day_in(this_year + 1).ok_or(())?,
        };
        return day_or_week(date, f.week_of).map(Some);
    }
    if let Some(day) = f.day_of_month {
        let date = day_of_month(f, day, today, year)?;
        if let Some((weekday, _)) = f.weekday
            && weekday != date.weekday()
        {
            return Err(());
        }
        return day_or_week(date, f.week_of).map(Some);
    }
    if f.week_of {
        return Err(());
    }
    if let Some(month) = f.month {
        if n != 1 + usize::from(year.is_some()) {
            return Err(());
        }
        let next = if month >= today.month() {
            today.year()
        } else {
            today.year() + 1
        };
        let y = year.unwrap_or(next + f.month_skip as i16);
        let start = first_of_month(y, month).ok_or(())?;
        return Ok(Some(DateSpec::Span {
            start,
            end: start.checked_add(1.month()).map_err(|_| ())?,
            grain: Grain::Month,
        }));
    }
    if let Some(k) = f.relative_month {
        if n != 1 {
            return Err(());
        }
        let start = first_of_month(today.year(), today.month())
            .and_then(|d| d.checked_add(k.months()).ok())
            .ok_or(())?;
        return Ok(Some(DateSpec::Span {
            start,
            end: start.checked_add(1.month()).map_err(|_| ())?,
            grain: Grain::Month,
        }));
    }
    let base = f
        .relative_day
        .map(|k| add_days(today, k).ok_or(()))
        .transpose()?;
    if let Some((weekday, shift)) = f.weekday {
        let from = weekday_from(today, weekday, shift).ok_or(())?;
        return match (base, f.offset_days) {
            (Some(day), None) if n == 2 && day.weekday() == weekday => Ok(Some(DateSpec::Day(day))),
            (None, None) if n == 1 => Ok(Some(DateSpec::Day(from))),
            // "Mittwoch in zwei Wochen": the coming Wednesday, two weeks on.
            (None, Some(days)) if n == 2 && f.offset_months.is_none() => {
                Ok(Some(DateSpec::Day(add_days(from, days).ok_or(())?)))
            }
            _ => Err(()),
        };
    }
    if f.offset_days.is_some() || f.offset_months.is_some() {
        if year.is_some() {
            return Err(());
        }
        let from = base.unwrap_or(today);
        let date = add_days(from, f.offset_days.unwrap_or(0))
            .and_then(|d| d.checked_add(f.offset_months.unwrap_or(0).months()).ok())
            .ok_or(())?;
        return Ok(Some(DateSpec::Day(date)));
    }
    if let Some(day) = base {
        return if n == 1 {
            Ok(Some(DateSpec::Day(day)))
        } else {
            Err(())
        };
    }
    if let Some(y) = year {
        let start = Date::new(y, 1, 1).map_err(|_| ())?;
        return Ok(Some(DateSpec::Span {
            start,
            end: Date::new(y + 1, 1, 1).map_err(|_| ())?,
            grain: Grain::Year,
        }));
    }
    Ok(None)
}

/// A day of the month: in the named month (this year if still ahead, else next), or
/// without a month the next such day from today on.
fn day_of_month(f: &Frame, day: u32, today: Date, year: Option<i16>) -> Result<Date, ()> {
    let day = i8::try_from(day).map_err(|_| ())?;
    let month = match (f.month, f.relative_month) {
        (Some(m), None) => Some(m),
        (None, Some(k)) => Some(
            first_of_month(today.year(), today.month())
                .and_then(|d| d.checked_add(k.months()).ok())
                .ok_or(())?
                .month(),
        ),
        (None, None) => None,
        _ => return Err(()),
    };
    let allowed = 1
        + usize::from(month.is_some())
        + usize::from(year.is_some())
        + usize::from(f.weekday.is_some());
    if anchors(f) != allowed {
        return Err(());
    }
    match (month, year) {
        (Some(m), Some(y)) => Date::new(y, m, day).map_err(|_| ()),
        (Some(m), None) => {
            // "am 31. Februar" exists in no year: refuse instead of guessing.
            Date::new(2024, m, day).map_err(|_| ())?;
            match Date::new(today.year(), m, day) {
                Ok(d) if d >= today => Ok(d),
                _ => (1..=8)
                    .find_map(|k| Date::new(today.year() + k, m, day).ok())
                    .ok_or(()),
            }
        }
        (None, None) => {
            let first = first_of_month(today.year(), today.month()).ok_or(())?;
            (0..13)
                .filter_map(|k| first.checked_add(k.months()).ok())
                .filter_map(|m| Date::new(m.year(), m.month(), day).ok())
                .find(|d| *d >= today)
                .ok_or(())
        }
        (None, Some(_)) => Err(()),
    }
}

/// Anfang / Mitte / Ende of a week or a month.
fn segment_spec(
    f: &Frame,
    segment: Segment,
    today: Date,
    year: Option<i16>,
    n: usize,
) -> Option<DateSpec> {
    if let Some(week) = f.week {
        if n != 1 {
            return None;
        }
        let monday = add_days(monday_of(today)?, 7 * week)?;
        let (from, to) = match segment {
            Segment::Start => (0, 2),
            Segment::Middle => (2, 3),
            Segment::End => (3, 5),
        };
        return Some(DateSpec::Span {
            start: add_days(monday, from)?,
            end: add_days(monday, to)?,
            grain: Grain::Day,
        });
    }
    let first = match (f.month, f.relative_month) {
        (Some(m), None) if n == 1 + usize::from(year.is_some()) => {
            let y = year.unwrap_or(if m >= today.month() {
                today.year()
            } else {
                today.year() + 1
            });
            first_of_month(y, m)?
        }
        (None, Some(k)) if n == 1 => first_of_month(today.year(), today.month())?
            .checked_add(k.months())
            .ok()?,
        // "Ende der Woche", "Anfang des Monats": this week or month.
        (None, None) if n == 0 => return None,
        _ => return None,
    };
    let next = first.checked_add(1.month()).ok()?;
    let (start, end) = match segment {
        Segment::Start => (first, add_days(first, 10)?),
        Segment::Middle => (add_days(first, 10)?, add_days(first, 20)?),
        Segment::End => (add_days(first, 20)?, next),
    };
    Some(DateSpec::Span {
        start,
        end,
        grain: Grain::Day,
    })
}

//! A branch's opening on a given day: its hours from the weekly table, unless the day
//! is one of its closed days or a statutory holiday of its region. The one place that
//! decides it, for `branch show-hours` and the voice agent's `get_opening_hours`.

use crate::holidays::holiday_on;
use crate::hours::Interval;
use crate::tenant::Branch;
use jiff::civil::Date;

/// Why a branch is closed on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// A statutory holiday, with its name ("Ostermontag").
    Holiday(&'static str),
    /// One of the branch's own closed days (tenant file `closed`).
    ClosedDay,
    /// The weekly hours have nothing on this weekday.
    NoHours,
}

/// One day of a branch: its hours, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOpening {
    pub date: Date,
    pub hours: Vec<Interval>,
    pub closed: Option<Closed>,
}

impl DayOpening {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// The opening hours interval holding `minute` (of the local day), if any.
    pub fn open_at(&self, minute: u16) -> Option<Interval> {
        self.hours
            .iter()
            .copied()
            .find(|i| i.start <= minute && minute < i.end)
    }
}

/// The minute of the local day `at` stands at, for [`DayOpening::open_at`].
pub fn minute_of_day(at: &jiff::ZonedDateTime) -> u16 {
    u16::try_from(i32::from(at.hour()) * 60 + i32::from(at.minute())).unwrap_or(0)
}

/// The opening of `branch` on `date`.
pub fn opening_on(branch: &Branch, date: Date) -> DayOpening {
    let closed = if branch.closed.contains(&date) {
        Some(Closed::ClosedDay)
    } else if let Some(holiday) = branch.holidays.and_then(|region| holiday_on(region, date)) {
        Some(Closed::Holiday(holiday.name))
    } else if branch.hours.on(date.weekday()).is_empty() {
        Some(Closed::NoHours)
    } else {
        None
    };
    DayOpening {
        date,
        hours: if closed.is_some() {
            Vec::new()
        } else {
            branch.hours.on(date.weekday()).to_vec()
        },
        closed,
    }
}

/// The first day from `from` on (at most four weeks ahead) on which `branch` opens.
pub fn next_open_day(branch: &Branch, from: Date) -> Option<DayOpening> {
    (0..28)
        .filter_map(|offset| from.checked_add(jiff::Span::new().days(offset)).ok())
        .map(|date| opening_on(branch, date))
        .find(DayOpening::is_open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tenant;

    fn mitte() -> Branch {
        let text = include_str!("../../../examples/salon-sonnenschein.toml");
        Tenant::from_toml(text).unwrap().branches[0].clone()
    }

    #[test]
    fn holidays_closed_days_and_free_weekdays_close_a_branch() {
        let branch = mitte();
        let easter_monday = opening_on(&branch, jiff::civil::date(2027, 3, 29));
        assert_eq!(easter_monday.closed, Some(Closed::Holiday("Ostermontag")));
        assert!(easter_monday.hours.is_empty());
        let sunday = opening_on(&branch, jiff::civil::date(2026, 12, 6));
        assert_eq!(sunday.closed, Some(Closed::NoHours));
        let tuesday = opening_on(&branch, jiff::civil::date(2026, 12, 1));
        assert!(tuesday.is_open() && !tuesday.hours.is_empty());
        let after_easter = next_open_day(&branch, jiff::civil::date(2027, 3, 29)).unwrap();
        assert_eq!(after_easter.date, jiff::civil::date(2027, 3, 30));
    }
}

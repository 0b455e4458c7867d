//! The meaningful pieces a phrase is made of, before they are put together.

use super::lexicon::{DayPart, HolidayRule};
use jiff::civil::Weekday;

/// Which occurrence of a weekday (or week, or month) is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// "am Freitag", "diesen Freitag", "kommenden Freitag": the next one after today.
    Next,
    /// "übernächsten Freitag".
    AfterNext,
    /// "letzten Freitag": the most recent one before today.
    Last,
}

/// Anfang, Mitte or Ende of a week or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Start,
    Middle,
    End,
}

/// A day reached from a holiday: "der Tag vor Weihnachten", "Mittwoch nach Ostern".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromHoliday {
    /// Days after (negative: before) the holiday.
    Days(i64),
    /// The nearest such weekday strictly after (`true`) or before the holiday.
    Weekday(Weekday, bool),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Now,
    /// heute 0, morgen 1, übermorgen 2, gestern −1, vorgestern −2.
    RelativeDay(i64),
    Weekday(Weekday, Shift),
    /// This week 0, next week 1, …
    Week(i64),
    Weekend(i64),
    /// This month 0, next month 1, …
    RelativeMonth(i64),
    /// A month by name; `skip` 1 for "übernächsten", −2 for "letzten" (relative to the next one).
    Month {
        month: i8,
        skip: i64,
    },
    /// A day of the month, with its month when said.
    DayOfMonth {
        day: u32,
        month: Option<i8>,
    },
    Year(i32),
    /// heuer 0, nächstes Jahr 1.
    RelativeYear(i64),
    Holiday(HolidayRule),
    /// A day counted from a holiday.
    AroundHoliday(HolidayRule, FromHoliday),
    /// "in der Woche vom 14. Dezember", "die Woche nach Weihnachten": the Monday-based
    /// week containing the day the rest names.
    WeekOf,
    OffsetDays(i64),
    OffsetMonths(i64),
    /// Elapsed time: "in drei Stunden".
    OffsetMinutes(i64),
    Clock {
        hour: u32,
        minute: u32,
        explicit: bool,
    },
    Part(DayPart),
    Segment(Segment),
    /// zwischen / von / vom
    RangeOpen,
    /// bis / und (inside a range) / -
    RangeTo,
    /// ab / nach / frühestens
    After,
}

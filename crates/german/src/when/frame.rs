//! Sorting the pieces of one side of a phrase into what it says about the date and
//! what it says about the time. Saying the same kind of thing twice ("Montag Freitag")
//! makes the phrase not understood.

use super::lexicon::{DayPart, HolidayRule};
use super::pieces::{FromHoliday, Piece, Segment, Shift};
use jiff::civil::Weekday;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    pub now: bool,
    pub relative_day: Option<i64>,
    pub weekday: Option<(Weekday, Shift)>,
    pub week: Option<i64>,
    pub weekend: Option<i64>,
    pub relative_month: Option<i64>,
    pub month: Option<i8>,
    /// Years after (or before) the next occurrence of `month`.
    pub month_skip: i64,
    pub day_of_month: Option<u32>,
    pub year: Option<i32>,
    pub relative_year: Option<i64>,
    pub holiday: Option<HolidayRule>,
    pub from_holiday: Option<FromHoliday>,
    /// The week containing the named day, not the day.
    pub week_of: bool,
    pub offset_days: Option<i64>,
    pub offset_months: Option<i64>,
    pub elapsed_minutes: Option<i64>,
    pub segment: Option<Segment>,
    pub clock: Option<(u32, u32, bool)>,
    pub part: Option<DayPart>,
}

/// Sets `slot` once; a second value is a contradiction.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

impl Frame {
    pub fn of(pieces: &[Piece]) -> Option<Frame> {
        let mut f = Frame::default();
        for piece in pieces {
            match piece {
                Piece::Now => f.now = true,
                Piece::RelativeDay(d) => once(&mut f.relative_day, *d)?,
                Piece::Weekday(d, s) => once(&mut f.weekday, (*d, *s))?,
                Piece::Week(w) => once(&mut f.week, *w)?,
                Piece::Weekend(w) => once(&mut f.weekend, *w)?,
                Piece::RelativeMonth(m) => once(&mut f.relative_month, *m)?,
                Piece::Month { month, skip } => {
                    once(&mut f.month, *month)?;
                    f.month_skip = *skip;
                }
                Piece::DayOfMonth { day, month } => {
                    once(&mut f.day_of_month, *day)?;
                    if let Some(m) = month {
                        once(&mut f.month, *m)?;
                    }
                }
                Piece::Year(y) => once(&mut f.year, *y)?,
                Piece::RelativeYear(y) => once(&mut f.relative_year, *y)?,
                Piece::Holiday(h) => once(&mut f.holiday, *h)?,
                Piece::AroundHoliday(h, from) => {
                    once(&mut f.holiday, *h)?;
                    f.from_holiday = Some(*from);
                }
                Piece::WeekOf => {
                    if f.week_of {
                        return None;
                    }
                    f.week_of = true;
                }
                Piece::OffsetDays(d) => once(&mut f.offset_days, *d)?,
                Piece::OffsetMonths(m) => once(&mut f.offset_months, *m)?,
                Piece::OffsetMinutes(m) => once(&mut f.elapsed_minutes, *m)?,
                Piece::Segment(s) => once(&mut f.segment, *s)?,
                Piece::Clock {
                    hour,
                    minute,
                    explicit,
                } => once(&mut f.clock, (*hour, *minute, *explicit))?,
                Piece::Part(p) => once(&mut f.part, *p)?,
                Piece::RangeOpen | Piece::RangeTo | Piece::After => return None,
            }
        }
        Some(f)
    }

    pub fn has_date(&self) -> bool {
        self.now
            || self.relative_day.is_some()
            || self.weekday.is_some()
            || self.week.is_some()
            || self.weekend.is_some()
            || self.relative_month.is_some()
            || self.month.is_some()
            || self.day_of_month.is_some()
            || self.year.is_some()
            || self.relative_year.is_some()
            || self.holiday.is_some()
            || self.offset_days.is_some()
            || self.offset_months.is_some()
            || self.elapsed_minutes.is_some()
    }

    pub fn has_time(&self) -> bool {
        self.clock.is_some() || self.part.is_some()
    }

    pub fn is_empty(&self) -> bool {
        !self.has_date() && !self.has_time() && self.segment.is_none()
    }

    /// Takes the date of `other` where this side says nothing about the date
    /// ("morgen zwischen 14 und 16 Uhr": both ends are tomorrow).
    pub fn inherit_date(&mut self, other: &Frame) {
        if self.has_date() {
            // "vom 7. bis 11. Dezember", "14.10. bis 15.10.2018": the month and year of the other end.
            if self.day_of_month.is_some() && (self.month.is_none() || self.month == other.month) {
                self.month = self.month.or(other.month);
                self.year = self.year.or(other.year);
                self.relative_year = self.relative_year.or(other.relative_year);
            }
            return;
        }
        let time = (self.clock, self.part);
        *self = Frame {
            clock: time.0,
            part: time.1,
            ..other.clone()
        };
        self.segment = other.segment;
    }

    /// Takes the part of day of `other` for a bare clock ("von 3 bis 5 nachmittags").
    pub fn inherit_part(&mut self, other: &Frame) {
        if self.part.is_none() && self.clock.is_some() && other.clock.is_some() {
            self.part = other.part;
        }
    }
}

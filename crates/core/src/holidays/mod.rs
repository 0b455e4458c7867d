//! Statutory public holidays for the German-speaking regions we serve.
//!
//! The availability engine needs to know which days a business in a given
//! region is legally closed. This module answers that for every German state
//! (`DE-BY`, …), for Austria (`AT`) and for a set of Swiss cantons (`CH-ZH`, …).
//!
//! Scope and conventions:
//! - Only holidays that apply to the *whole* region are listed. Days that only
//!   some municipalities or districts keep (e.g. Mariä Himmelfahrt in Bavaria)
//!   are deliberately left out, because we cannot tell from a region code
//!   whether a given business is affected.
//! - Sundays are not listed unless the statute names them explicitly
//!   (Brandenburg's Ostersonntag and Pfingstsonntag).
//! - Rules describe current law projected backwards and forwards; only changes
//!   we actually care about (e.g. Reformationstag in northern Germany from
//!   2018) carry a start year.
//! - Nothing here panics: years outside the range jiff can represent simply
//!   have no holidays.

mod austria;
mod germany;
mod switzerland;

use std::fmt;
use std::str::FromStr;

use jiff::Span;
use jiff::civil::{Date, Weekday};

use self::germany::State;
use self::switzerland::Canton;

/// A region whose statutory public holidays we know: a German state, Austria, or a Swiss canton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HolidayRegion(Region);

/// Private so that callers can only obtain regions through `all()` or parsing,
/// which keeps the set of codes closed and validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Region {
    Germany(State),
    Austria,
    Switzerland(Canton),
}

const fn de(state: State) -> HolidayRegion {
    HolidayRegion(Region::Germany(state))
}

const fn ch(canton: Canton) -> HolidayRegion {
    HolidayRegion(Region::Switzerland(canton))
}

/// Every supported region, in the order we present them (Germany, Austria, Switzerland).
static ALL: [HolidayRegion; 25] = [
    de(State::Bw),
    de(State::By),
    de(State::Be),
    de(State::Bb),
    de(State::Hb),
    de(State::Hh),
    de(State::He),
    de(State::Mv),
    de(State::Ni),
    de(State::Nw),
    de(State::Rp),
    de(State::Sl),
    de(State::Sn),
    de(State::St),
    de(State::Sh),
    de(State::Th),
    HolidayRegion(Region::Austria),
    ch(Canton::Zh),
    ch(Canton::Be),
    ch(Canton::Vd),
    ch(Canton::Ag),
    ch(Canton::Sg),
    ch(Canton::Ge),
    ch(Canton::Lu),
    ch(Canton::Bs),
];

impl HolidayRegion {
    /// The ISO 3166-style code, e.g. `"DE-BY"`, `"AT"`, `"CH-ZH"`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self.0 {
            Region::Germany(state) => state.code(),
            Region::Austria => "AT",
            Region::Switzerland(canton) => canton.code(),
        }
    }

    /// The region's German name, e.g. `"Bayern"`, `"Österreich"`, `"Zürich"`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self.0 {
            Region::Germany(state) => state.name(),
            Region::Austria => "Österreich",
            Region::Switzerland(canton) => canton.name(),
        }
    }

    /// Every supported region.
    #[must_use]
    pub fn all() -> &'static [HolidayRegion] {
        &ALL
    }
}

impl fmt::Display for HolidayRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Returned when a string is not one of the codes in [`HolidayRegion::all`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown holiday code `{code}`; valid codes: {valid}")]
pub struct UnknownHolidayRegion {
    /// The code as the caller gave it.
    pub code: String,
    /// Comma-separated list of every valid code, so the message is actionable.
    pub valid: String,
}

impl FromStr for HolidayRegion {
    type Err = UnknownHolidayRegion;

    /// Case-insensitive, because codes come from hand-written config files.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        ALL.iter()
            .copied()
            .find(|region| region.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownHolidayRegion {
                code: s.to_owned(),
                valid: ALL
                    .iter()
                    .map(HolidayRegion::code)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// One public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    /// The calendar day of the holiday.
    pub date: Date,
    /// German (or, in Switzerland, local) name, e.g. `"Fronleichnam"`.
    pub name: &'static str,
}

/// Easter Sunday in the (proleptic) Gregorian calendar, or `None` if the year
/// is outside the range jiff supports.
///
/// Uses the anonymous Gregorian algorithm (Meeus/Jones/Butcher). The
/// single-letter names follow the published algorithm so it can be checked
/// line by line. Euclidean division keeps it total for negative years.
#[must_use]
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = i8::try_from(n / 31).ok()?;
    let day = i8::try_from(n % 31 + 1).ok()?;
    Date::new(year, month, day).ok()
}

/// All statutory holidays of `region` in `year`, sorted by date.
///
/// If two holidays fall on the same date (e.g. Tag der Arbeit and Christi
/// Himmelfahrt on 1 May 2008) only the first one in the region's table is
/// kept, so callers can rely on one entry per date.
#[must_use]
pub fn holidays_in_year(region: HolidayRegion, year: i16) -> Vec<Holiday> {
    let Some(mut year_holidays) = YearHolidays::new(year) else {
        return Vec::new();
    };
    match region.0 {
        Region::Germany(state) => germany::add_holidays(state, &mut year_holidays),
        Region::Austria => austria::add_holidays(&mut year_holidays),
        Region::Switzerland(canton) => switzerland::add_holidays(canton, &mut year_holidays),
    }
    year_holidays.finish()
}

/// The holiday on `date` in `region`, if any.
#[must_use]
pub fn holiday_on(region: HolidayRegion, date: Date) -> Option<Holiday> {
    holidays_in_year(region, date.year())
        .into_iter()
        .find(|holiday| holiday.date == date)
}

/// How to find one holiday in a given year. Country modules describe their
/// holidays as tables of these so each list can be read against the statute.
#[derive(Clone, Copy)]
struct Rule {
    name: &'static str,
    when: When,
}

#[derive(Clone, Copy)]
enum When {
    /// The same calendar day every year.
    Fixed { month: i8, day: i8 },
    /// A number of days after (or before, if negative) Easter Sunday.
    Easter(i16),
    /// Anything else, e.g. "the Wednesday before 23 November".
    Computed(fn(i16) -> Option<Date>),
}

const fn fixed(month: i8, day: i8, name: &'static str) -> Rule {
    Rule {
        name,
        when: When::Fixed { month, day },
    }
}

const fn easter(offset: i16, name: &'static str) -> Rule {
    Rule {
        name,
        when: When::Easter(offset),
    }
}

const fn computed(date: fn(i16) -> Option<Date>, name: &'static str) -> Rule {
    Rule {
        name,
        when: When::Computed(date),
    }
}

/// Collects one year's holidays. All dates go through `Option`, so a rule
/// whose date cannot be represented is skipped rather than panicking.
struct YearHolidays {
    year: i16,
    easter: Date,
    holidays: Vec<Holiday>,
}

impl YearHolidays {
    /// `None` when the year is out of range: Easter is needed by every region.
    fn new(year: i16) -> Option<Self> {
        Some(Self {
            year,
            easter: easter_sunday(year)?,
            holidays: Vec::with_capacity(16),
        })
    }

    fn year(&self) -> i16 {
        self.year
    }

    fn add(&mut self, rule: &Rule) {
        if let Some(date) = self.date_of(rule.when) {
            self.holidays.push(Holiday {
                date,
                name: rule.name,
            });
        }
    }

    fn date_of(&self, when: When) -> Option<Date> {
        match when {
            When::Fixed { month, day } => Date::new(self.year, month, day).ok(),
            When::Easter(offset) => shift(self.easter, offset),
            When::Computed(date) => date(self.year),
        }
    }

    fn finish(mut self) -> Vec<Holiday> {
        // Stable sort + dedup keeps the first rule listed for a shared date.
        self.holidays.sort_by_key(|holiday| holiday.date);
        self.holidays.dedup_by_key(|holiday| holiday.date);
        self.holidays
    }
}

/// `date` moved by `days`, or `None` at the edges of jiff's range.
fn shift(date: Date, days: i16) -> Option<Date> {
    let span = Span::new().try_days(days).ok()?;
    date.checked_add(span).ok()
}

/// The `nth` `weekday` of a month (negative counts from the end).
fn nth_weekday_of_month(year: i16, month: i8, nth: i8, weekday: Weekday) -> Option<Date> {
    Date::new(year, month, 1)
        .ok()?
        .nth_weekday_of_month(nth, weekday)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_sunday_known_dates() {
        let cases = [
            (2024, date(2024, 3, 31)),
            (2025, date(2025, 4, 20)),
            (2026, date(2026, 4, 5)),
            (2027, date(2027, 3, 28)),
            // Latest and earliest possible dates.
            (2038, date(2038, 4, 25)),
            (2285, date(2285, 3, 22)),
        ];
        for (year, expected) in cases {
            assert_eq!(easter_sunday(year), Some(expected), "year {year}");
        }
    }

    #[test]
    fn easter_sunday_is_always_a_sunday_in_range() {
        for year in (-9999..=9999).step_by(7) {
            let easter = easter_sunday(year).expect("year in jiff range");
            assert_eq!(easter.weekday(), Weekday::Sunday, "year {year}");
            assert!(easter >= date(year, 3, 22) && easter <= date(year, 4, 25));
        }
    }

    #[test]
    fn out_of_range_years_are_empty_not_panics() {
        assert_eq!(easter_sunday(i16::MAX), None);
        assert_eq!(easter_sunday(i16::MIN), None);
        for &region in HolidayRegion::all() {
            assert!(holidays_in_year(region, 32767).is_empty());
            assert!(holidays_in_year(region, -32768).is_empty());
            // The edges of jiff's range still work.
            assert!(!holidays_in_year(region, -9999).is_empty());
            assert!(!holidays_in_year(region, 9999).is_empty());
            // Every region keeps New Year, including at jiff's lower bound.
            assert_eq!(
                holiday_on(region, Date::MIN).map(|h| h.name),
                Some("Neujahr")
            );
            let _ = holiday_on(region, Date::MAX);
        }
    }

    #[test]
    fn parse_is_case_insensitive() {
        let region: HolidayRegion = "de-by".parse().expect("valid code");
        assert_eq!(region.code(), "DE-BY");
        assert_eq!(region.to_string(), "DE-BY");
        assert_eq!(region.name(), "Bayern");
        assert_eq!("at".parse::<HolidayRegion>().map(|r| r.code()), Ok("AT"));
        assert_eq!(
            "Ch-Zh".parse::<HolidayRegion>().map(|r| r.code()),
            Ok("CH-ZH")
        );
    }

    #[test]
    fn parse_unknown_lists_valid_codes() {
        let err = "DE-XX".parse::<HolidayRegion>().expect_err("unknown code");
        assert_eq!(err.code, "DE-XX");
        assert!(err.valid.starts_with("DE-BW, DE-BY, "));
        assert!(err.valid.contains("AT") && err.valid.contains("CH-GE"));
        let message = err.to_string();
        assert!(message.starts_with("unknown holiday code `DE-XX`; valid codes: DE-BW"));
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        let all = HolidayRegion::all();
        assert_eq!(all.len(), 25);
        for (i, region) in all.iter().enumerate() {
            assert_eq!(region.code().parse::<HolidayRegion>().as_ref(), Ok(region));
            assert!(all[..i].iter().all(|other| other.code() != region.code()));
        }
    }

    #[test]
    fn lists_are_sorted_without_duplicate_dates() {
        for &region in HolidayRegion::all() {
            for year in 1990..=2100 {
                let holidays = holidays_in_year(region, year);
                // Aargau's five canton-wide days are the smallest list.
                assert!(holidays.len() >= 5, "{region} {year}");
                assert!(
                    holidays.windows(2).all(|w| w[0].date < w[1].date),
                    "{region} {year}: {holidays:?}"
                );
                assert!(holidays.iter().all(|h| h.date.year() == year));
            }
        }
    }

    #[test]
    fn shared_date_keeps_one_entry() {
        // 1 May 2008 was both Tag der Arbeit and Christi Himmelfahrt.
        let berlin: HolidayRegion = "DE-BE".parse().expect("valid code");
        let may_first: Vec<_> = holidays_in_year(berlin, 2008)
            .into_iter()
            .filter(|h| h.date == date(2008, 5, 1))
            .collect();
        assert_eq!(may_first.len(), 1);
        assert_eq!(may_first[0].name, "Tag der Arbeit");
    }

    #[test]
    fn holiday_on_agrees_with_holidays_in_year() {
        for &region in HolidayRegion::all() {
            for year in [2017, 2024, 2026] {
                let holidays = holidays_in_year(region, year);
                let mut day = date(year, 1, 1);
                while day.year() == year {
                    let expected = holidays.iter().find(|h| h.date == day).copied();
                    assert_eq!(holiday_on(region, day), expected, "{region} {day}");
                    day = day.tomorrow().expect("not at the end of jiff's range");
                }
            }
        }
    }
}

//! Public holidays of the 16 German states.
//!
//! Holiday law is state law (Feiertagsgesetze der Länder); only Tag der
//! Deutschen Einheit is federal. Each entry in [`RULES`] pairs a holiday with
//! the states (and years) in which it applies statewide.

use jiff::civil::{Date, Weekday};

use super::{Rule, YearHolidays, computed, easter, fixed};

/// A German state (Bundesland), named by its ISO 3166-2 suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum State {
    Bw,
    By,
    Be,
    Bb,
    Hb,
    Hh,
    He,
    Mv,
    Ni,
    Nw,
    Rp,
    Sl,
    Sn,
    St,
    Sh,
    Th,
}

use State::{Bb, Be, Bw, By, Hb, He, Hh, Mv, Ni, Nw, Rp, Sh, Sl, Sn, St, Th};

impl State {
    pub(super) const fn code(self) -> &'static str {
        match self {
            Bw => "DE-BW",
            By => "DE-BY",
            Be => "DE-BE",
            Bb => "DE-BB",
            Hb => "DE-HB",
            Hh => "DE-HH",
            He => "DE-HE",
            Mv => "DE-MV",
            Ni => "DE-NI",
            Nw => "DE-NW",
            Rp => "DE-RP",
            Sl => "DE-SL",
            Sn => "DE-SN",
            St => "DE-ST",
            Sh => "DE-SH",
            Th => "DE-TH",
        }
    }

    pub(super) const fn name(self) -> &'static str {
        match self {
            Bw => "Baden-Württemberg",
            By => "Bayern",
            Be => "Berlin",
            Bb => "Brandenburg",
            Hb => "Bremen",
            Hh => "Hamburg",
            He => "Hessen",
            Mv => "Mecklenburg-Vorpommern",
            Ni => "Niedersachsen",
            Nw => "Nordrhein-Westfalen",
            Rp => "Rheinland-Pfalz",
            Sl => "Saarland",
            Sn => "Sachsen",
            St => "Sachsen-Anhalt",
            Sh => "Schleswig-Holstein",
            Th => "Thüringen",
        }
    }
}

/// Whether a holiday applies in a state in a given year.
type Applies = fn(State, i16) -> bool;

/// Every German holiday with where it applies. Order matters only when two
/// holidays share a date: the earlier entry wins (see `holidays_in_year`).
const RULES: &[(Rule, Applies)] = &[
    (fixed(1, 1, "Neujahr"), everywhere),
    (fixed(1, 6, "Heilige Drei Könige"), |s, _| {
        matches!(s, Bw | By | St)
    }),
    (fixed(3, 8, "Internationaler Frauentag"), womens_day),
    (easter(-2, "Karfreitag"), everywhere),
    // Brandenburg is the only state whose law names these Sundays explicitly.
    (easter(0, "Ostersonntag"), |s, _| s == Bb),
    (easter(1, "Ostermontag"), everywhere),
    (fixed(5, 1, "Tag der Arbeit"), everywhere),
    // One-off holidays for the 75th and 80th anniversary of the end of WWII.
    (fixed(5, 8, "Tag der Befreiung"), |s, y| {
        s == Be && matches!(y, 2020 | 2025)
    }),
    (easter(39, "Christi Himmelfahrt"), everywhere),
    (easter(49, "Pfingstsonntag"), |s, _| s == Bb),
    (easter(50, "Pfingstmontag"), everywhere),
    // Also kept in some Catholic municipalities of Saxony and Thuringia, but
    // not statewide there, so those states are not listed.
    (easter(60, "Fronleichnam"), |s, _| {
        matches!(s, Bw | By | He | Nw | Rp | Sl)
    }),
    // Bavaria keeps Mariä Himmelfahrt only in predominantly Catholic
    // municipalities (most, but not all, of the state), so it is not a
    // statewide holiday there. Augsburg's Hohes Friedensfest (8 Aug) is
    // likewise city-only.
    (fixed(8, 15, "Mariä Himmelfahrt"), |s, _| s == Sl),
    (fixed(9, 20, "Weltkindertag"), |s, y| s == Th && y >= 2019),
    // Introduced by the Unification Treaty in 1990.
    (fixed(10, 3, "Tag der Deutschen Einheit"), |_, y| y >= 1990),
    (fixed(10, 31, "Reformationstag"), reformation_day),
    (fixed(11, 1, "Allerheiligen"), |s, _| {
        matches!(s, Bw | By | Nw | Rp | Sl)
    }),
    (computed(repentance_day, "Buß- und Bettag"), |s, _| s == Sn),
    (fixed(12, 25, "1. Weihnachtstag"), everywhere),
    (fixed(12, 26, "2. Weihnachtstag"), everywhere),
];

pub(super) fn add_holidays(state: State, year_holidays: &mut YearHolidays) {
    let year = year_holidays.year();
    for (rule, applies) in RULES {
        if applies(state, year) {
            year_holidays.add(rule);
        }
    }
}

fn everywhere(_: State, _: i16) -> bool {
    true
}

/// Berlin made 8 March a holiday from 2019, Mecklenburg-Vorpommern from 2023.
fn womens_day(state: State, year: i16) -> bool {
    match state {
        Be => year >= 2019,
        Mv => year >= 2023,
        _ => false,
    }
}

/// The eastern states have always kept Reformationstag; the four northern
/// states added it in 2018. In 2017, the 500th anniversary of the
/// Reformation, it was a one-off holiday in every state.
fn reformation_day(state: State, year: i16) -> bool {
    match state {
        Bb | Mv | Sn | St | Th => true,
        Hb | Hh | Ni | Sh => year >= 2017,
        Bw | By | Be | He | Nw | Rp | Sl => year == 2017,
    }
}

/// Buß- und Bettag: the Wednesday before 23 November (16–22 November).
fn repentance_day(year: i16) -> Option<Date> {
    Date::new(year, 11, 23)
        .ok()?
        .nth_weekday(-1, Weekday::Wednesday)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::super::{HolidayRegion, holiday_on, holidays_in_year};
    use jiff::civil::{Date, date};

    fn region(code: &str) -> HolidayRegion {
        code.parse().expect("valid code")
    }

    fn name_on(code: &str, day: Date) -> Option<&'static str> {
        holiday_on(region(code), day).map(|h| h.name)
    }

    #[test]
    fn fronleichnam_2026_in_bavaria_not_berlin() {
        assert_eq!(name_on("DE-BY", date(2026, 6, 4)), Some("Fronleichnam"));
        assert_eq!(name_on("DE-BE", date(2026, 6, 4)), None);
    }

    #[test]
    fn buss_und_bettag_in_saxony_only() {
        assert_eq!(
            name_on("DE-SN", date(2026, 11, 18)),
            Some("Buß- und Bettag")
        );
        assert_eq!(
            name_on("DE-SN", date(2025, 11, 19)),
            Some("Buß- und Bettag")
        );
        assert_eq!(name_on("DE-BY", date(2026, 11, 18)), None);
        for year in 1990..=2100 {
            let day = super::repentance_day(year).expect("in range");
            assert!((16..=22).contains(&day.day()), "{day}");
            assert_eq!(day.month(), 11);
        }
    }

    #[test]
    fn reformationstag_2017_everywhere_2018_north_and_east() {
        assert_eq!(
            name_on("DE-BY", date(2017, 10, 31)),
            Some("Reformationstag")
        );
        assert_eq!(name_on("DE-BY", date(2018, 10, 31)), None);
        assert_eq!(name_on("DE-HH", date(2016, 10, 31)), None);
        assert_eq!(
            name_on("DE-HH", date(2018, 10, 31)),
            Some("Reformationstag")
        );
        assert_eq!(
            name_on("DE-SN", date(2016, 10, 31)),
            Some("Reformationstag")
        );
    }

    #[test]
    fn frauentag_in_berlin_from_2019() {
        assert_eq!(
            name_on("DE-BE", date(2019, 3, 8)),
            Some("Internationaler Frauentag")
        );
        assert_eq!(name_on("DE-BE", date(2018, 3, 8)), None);
        assert_eq!(name_on("DE-MV", date(2022, 3, 8)), None);
        assert_eq!(
            name_on("DE-MV", date(2023, 3, 8)),
            Some("Internationaler Frauentag")
        );
    }

    #[test]
    fn state_specific_days() {
        assert_eq!(
            name_on("DE-BE", date(2025, 5, 8)),
            Some("Tag der Befreiung")
        );
        assert_eq!(name_on("DE-BE", date(2026, 5, 8)), None);
        assert_eq!(name_on("DE-TH", date(2026, 9, 20)), Some("Weltkindertag"));
        assert_eq!(name_on("DE-BB", date(2026, 4, 5)), Some("Ostersonntag"));
        assert_eq!(name_on("DE-BB", date(2026, 5, 24)), Some("Pfingstsonntag"));
        assert_eq!(name_on("DE-HE", date(2026, 4, 5)), None);
        assert_eq!(name_on("DE-BY", date(2026, 8, 15)), None);
        assert_eq!(
            name_on("DE-SL", date(2026, 8, 15)),
            Some("Mariä Himmelfahrt")
        );
        assert_eq!(name_on("DE-NW", date(2026, 11, 1)), Some("Allerheiligen"));
        assert_eq!(
            name_on("DE-ST", date(2026, 1, 6)),
            Some("Heilige Drei Könige")
        );
    }

    #[test]
    fn bavaria_2026_full_list() {
        let got: Vec<_> = holidays_in_year(region("DE-BY"), 2026)
            .into_iter()
            .map(|h| (h.date, h.name))
            .collect();
        let expected = vec![
            (date(2026, 1, 1), "Neujahr"),
            (date(2026, 1, 6), "Heilige Drei Könige"),
            (date(2026, 4, 3), "Karfreitag"),
            (date(2026, 4, 6), "Ostermontag"),
            (date(2026, 5, 1), "Tag der Arbeit"),
            (date(2026, 5, 14), "Christi Himmelfahrt"),
            (date(2026, 5, 25), "Pfingstmontag"),
            (date(2026, 6, 4), "Fronleichnam"),
            (date(2026, 10, 3), "Tag der Deutschen Einheit"),
            (date(2026, 11, 1), "Allerheiligen"),
            (date(2026, 12, 25), "1. Weihnachtstag"),
            (date(2026, 12, 26), "2. Weihnachtstag"),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn german_unity_day_from_1990() {
        assert_eq!(name_on("DE-HE", date(1989, 10, 3)), None);
        assert_eq!(
            name_on("DE-HE", date(1990, 10, 3)),
            Some("Tag der Deutschen Einheit")
        );
    }
}

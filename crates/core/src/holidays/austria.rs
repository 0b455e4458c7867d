//! Public holidays in Austria (Arbeitsruhegesetz § 7). They are federal and
//! the same in every Bundesland, so Austria is a single region.

use super::{Rule, YearHolidays, easter, fixed};

/// Austria's statutory holidays in calendar order.
///
/// Omitted on purpose: Karfreitag (until 2018 a holiday only for members of
/// Protestant and Old Catholic churches, abolished in 2019 in favour of a
/// "persönlicher Feiertag" each employee picks), regional patron saints' days (e.g. Leopoldi in
/// Lower Austria and Vienna), which are not statutory days off, and Ostersonntag
/// and Pfingstsonntag, which are Sundays anyway.
const RULES: &[Rule] = &[
    fixed(1, 1, "Neujahr"),
    fixed(1, 6, "Heilige Drei Könige"),
    easter(1, "Ostermontag"),
    fixed(5, 1, "Staatsfeiertag"),
    easter(39, "Christi Himmelfahrt"),
    easter(50, "Pfingstmontag"),
    easter(60, "Fronleichnam"),
    fixed(8, 15, "Mariä Himmelfahrt"),
    fixed(10, 26, "Nationalfeiertag"),
    fixed(11, 1, "Allerheiligen"),
    fixed(12, 8, "Mariä Empfängnis"),
    fixed(12, 25, "Christtag"),
    fixed(12, 26, "Stefanitag"),
];

pub(super) fn add_holidays(year_holidays: &mut YearHolidays) {
    for rule in RULES {
        year_holidays.add(rule);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{HolidayRegion, holiday_on, holidays_in_year};
    use jiff::civil::date;

    fn austria() -> HolidayRegion {
        "AT".parse().expect("valid code")
    }

    #[test]
    fn maria_empfaengnis() {
        let holiday = holiday_on(austria(), date(2026, 12, 8)).expect("holiday");
        assert_eq!(holiday.name, "Mariä Empfängnis");
        assert_eq!(holiday_on(austria(), date(2026, 12, 9)), None);
    }

    #[test]
    fn movable_feasts_2026() {
        let name = |d| holiday_on(austria(), d).map(|h| h.name);
        assert_eq!(name(date(2026, 4, 6)), Some("Ostermontag"));
        assert_eq!(name(date(2026, 6, 4)), Some("Fronleichnam"));
        // Karfreitag is not a general holiday in Austria.
        assert_eq!(name(date(2026, 4, 3)), None);
    }

    #[test]
    fn thirteen_holidays_in_a_normal_year() {
        assert_eq!(holidays_in_year(austria(), 2026).len(), 13);
    }
}

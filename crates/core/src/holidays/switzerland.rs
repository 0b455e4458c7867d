//! Public holidays of Swiss cantons.
//!
//! Apart from the Bundesfeier on 1 August, holidays are cantonal law
//! (Ruhetagsgesetze); each canton may put up to eight further days on a par
//! with Sundays. Lists follow the Federal Office of Justice's overview of
//! cantonal holidays. As in Germany we list only days that apply across the
//! whole canton.

use jiff::civil::{Date, Weekday};

use super::{Rule, YearHolidays, computed, easter, fixed, nth_weekday_of_month, shift};

/// A Swiss canton, named by its ISO 3166-2 suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Canton {
    Zh,
    Be,
    Vd,
    Ag,
    Sg,
    Ge,
    Lu,
    Bs,
}

impl Canton {
    pub(super) const fn code(self) -> &'static str {
        match self {
            Canton::Zh => "CH-ZH",
            Canton::Be => "CH-BE",
            Canton::Vd => "CH-VD",
            Canton::Ag => "CH-AG",
            Canton::Sg => "CH-SG",
            Canton::Ge => "CH-GE",
            Canton::Lu => "CH-LU",
            Canton::Bs => "CH-BS",
        }
    }

    pub(super) const fn name(self) -> &'static str {
        match self {
            Canton::Zh => "Zürich",
            Canton::Be => "Bern",
            Canton::Vd => "Waadt",
            Canton::Ag => "Aargau",
            Canton::Sg => "St. Gallen",
            Canton::Ge => "Genf",
            Canton::Lu => "Luzern",
            Canton::Bs => "Basel-Stadt",
        }
    }

    /// The canton's holidays in calendar order.
    const fn rules(self) -> &'static [Rule] {
        match self {
            Canton::Zh => ZH,
            Canton::Be => BE,
            Canton::Vd => VD,
            Canton::Ag => AG,
            Canton::Sg => SG,
            Canton::Ge => GE,
            Canton::Lu => LU,
            Canton::Bs => BS,
        }
    }
}

const NEUJAHR: Rule = fixed(1, 1, "Neujahr");
const BERCHTOLDSTAG: Rule = fixed(1, 2, "Berchtoldstag");
const KARFREITAG: Rule = easter(-2, "Karfreitag");
const OSTERMONTAG: Rule = easter(1, "Ostermontag");
const TAG_DER_ARBEIT: Rule = fixed(5, 1, "Tag der Arbeit");
const AUFFAHRT: Rule = easter(39, "Auffahrt");
const PFINGSTMONTAG: Rule = easter(50, "Pfingstmontag");
const FRONLEICHNAM: Rule = easter(60, "Fronleichnam");
/// The only federal holiday (Art. 110 BV).
const BUNDESFEIER: Rule = fixed(8, 1, "Bundesfeier");
const MARIAE_HIMMELFAHRT: Rule = fixed(8, 15, "Mariä Himmelfahrt");
const JEUNE_GENEVOIS: Rule = computed(jeune_genevois, "Jeûne genevois");
const BETTAGSMONTAG: Rule = computed(bettagsmontag, "Bettagsmontag");
const ALLERHEILIGEN: Rule = fixed(11, 1, "Allerheiligen");
const MARIAE_EMPFAENGNIS: Rule = fixed(12, 8, "Mariä Empfängnis");
const WEIHNACHTEN: Rule = fixed(12, 25, "Weihnachten");
const STEPHANSTAG: Rule = fixed(12, 26, "Stephanstag");
const RESTAURATION: Rule = fixed(12, 31, "Restauration der Republik");

/// Zürich. Berchtoldstag is widely given off (and is a holiday for the City
/// of Zürich's staff) but is not in the cantonal Ruhetagsgesetz.
const ZH: &[Rule] = &[
    NEUJAHR,
    KARFREITAG,
    OSTERMONTAG,
    TAG_DER_ARBEIT,
    AUFFAHRT,
    PFINGSTMONTAG,
    BUNDESFEIER,
    WEIHNACHTEN,
    STEPHANSTAG,
];

const BE: &[Rule] = &[
    NEUJAHR,
    BERCHTOLDSTAG,
    KARFREITAG,
    OSTERMONTAG,
    AUFFAHRT,
    PFINGSTMONTAG,
    BUNDESFEIER,
    WEIHNACHTEN,
    STEPHANSTAG,
];

/// Vaud has no holiday on 26 December but keeps the Monday after the federal
/// day of prayer (Lundi du Jeûne fédéral).
const VD: &[Rule] = &[
    NEUJAHR,
    BERCHTOLDSTAG,
    KARFREITAG,
    OSTERMONTAG,
    AUFFAHRT,
    PFINGSTMONTAG,
    BUNDESFEIER,
    BETTAGSMONTAG,
    WEIHNACHTEN,
];

/// Aargau sets holidays per district: only these five are common to every
/// district. Reformed districts add Berchtoldstag, Ostermontag, Pfingstmontag
/// and Stephanstag; Catholic ones add Fronleichnam, Mariä Himmelfahrt,
/// Allerheiligen and Mariä Empfängnis instead (mixes exist). Users in Aargau
/// who need the district days must add them as custom closures.
const AG: &[Rule] = &[NEUJAHR, KARFREITAG, AUFFAHRT, BUNDESFEIER, WEIHNACHTEN];

/// St. Gallen. Berchtoldstag is customary but not a statutory holiday.
const SG: &[Rule] = &[
    NEUJAHR,
    KARFREITAG,
    OSTERMONTAG,
    AUFFAHRT,
    PFINGSTMONTAG,
    BUNDESFEIER,
    ALLERHEILIGEN,
    WEIHNACHTEN,
    STEPHANSTAG,
];

/// Geneva has neither Berchtoldstag nor Stephanstag, but its own Jeûne
/// genevois and the Restauration de la République (31 December 1813).
const GE: &[Rule] = &[
    NEUJAHR,
    KARFREITAG,
    OSTERMONTAG,
    AUFFAHRT,
    PFINGSTMONTAG,
    BUNDESFEIER,
    JEUNE_GENEVOIS,
    WEIHNACHTEN,
    RESTAURATION,
];

/// Lucerne keeps the Catholic feasts. Uncertain: Berchtoldstag is listed by
/// the federal overview but may be customary rather than statutory.
const LU: &[Rule] = &[
    NEUJAHR,
    BERCHTOLDSTAG,
    KARFREITAG,
    OSTERMONTAG,
    AUFFAHRT,
    PFINGSTMONTAG,
    FRONLEICHNAM,
    BUNDESFEIER,
    MARIAE_HIMMELFAHRT,
    ALLERHEILIGEN,
    MARIAE_EMPFAENGNIS,
    WEIHNACHTEN,
    STEPHANSTAG,
];

const BS: &[Rule] = &[
    NEUJAHR,
    KARFREITAG,
    OSTERMONTAG,
    TAG_DER_ARBEIT,
    AUFFAHRT,
    PFINGSTMONTAG,
    BUNDESFEIER,
    WEIHNACHTEN,
    STEPHANSTAG,
];

pub(super) fn add_holidays(canton: Canton, year_holidays: &mut YearHolidays) {
    for rule in canton.rules() {
        year_holidays.add(rule);
    }
}

/// Jeûne genevois: the Thursday after the first Sunday in September.
fn jeune_genevois(year: i16) -> Option<Date> {
    shift(nth_weekday_of_month(year, 9, 1, Weekday::Sunday)?, 4)
}

/// Bettagsmontag: the Monday after the federal day of prayer, which is the
/// third Sunday in September.
fn bettagsmontag(year: i16) -> Option<Date> {
    shift(nth_weekday_of_month(year, 9, 3, Weekday::Sunday)?, 1)
}

#[cfg(test)]
mod tests {
    use super::super::{HolidayRegion, holiday_on, holidays_in_year};
    use jiff::civil::{Date, Weekday, date};

    fn region(code: &str) -> HolidayRegion {
        code.parse().expect("valid code")
    }

    fn name_on(code: &str, day: Date) -> Option<&'static str> {
        holiday_on(region(code), day).map(|h| h.name)
    }

    #[test]
    fn jeune_genevois_2026() {
        let day = date(2026, 9, 10);
        assert_eq!(day.weekday(), Weekday::Thursday);
        assert_eq!(name_on("CH-GE", day), Some("Jeûne genevois"));
        assert_eq!(name_on("CH-ZH", day), None);
        // September 2024 starts on a Sunday: that Sunday is the first one.
        assert_eq!(name_on("CH-GE", date(2024, 9, 5)), Some("Jeûne genevois"));
    }

    #[test]
    fn bettagsmontag_2026() {
        assert_eq!(name_on("CH-VD", date(2026, 9, 21)), Some("Bettagsmontag"));
        assert_eq!(name_on("CH-VD", date(2026, 9, 14)), None);
        assert_eq!(name_on("CH-BE", date(2026, 9, 21)), None);
        // September 2024 starts on a Sunday, so the third Sunday is the 15th.
        assert_eq!(name_on("CH-VD", date(2024, 9, 16)), Some("Bettagsmontag"));
    }

    #[test]
    fn cantonal_differences() {
        assert_eq!(name_on("CH-ZH", date(2026, 5, 1)), Some("Tag der Arbeit"));
        assert_eq!(name_on("CH-BE", date(2026, 5, 1)), None);
        assert_eq!(name_on("CH-BE", date(2026, 1, 2)), Some("Berchtoldstag"));
        assert_eq!(name_on("CH-GE", date(2026, 12, 26)), None);
        assert_eq!(
            name_on("CH-GE", date(2026, 12, 31)),
            Some("Restauration der Republik")
        );
        assert_eq!(name_on("CH-LU", date(2026, 6, 4)), Some("Fronleichnam"));
        assert_eq!(name_on("CH-SG", date(2026, 11, 1)), Some("Allerheiligen"));
        assert_eq!(
            name_on("CH-LU", date(2026, 12, 8)),
            Some("Mariä Empfängnis")
        );
    }

    #[test]
    fn bundesfeier_everywhere() {
        for &region in HolidayRegion::all()
            .iter()
            .filter(|r| r.code().starts_with("CH-"))
        {
            let on_first_of_august = holidays_in_year(region, 2026)
                .into_iter()
                .any(|h| h.date == date(2026, 8, 1) && h.name == "Bundesfeier");
            assert!(on_first_of_august, "{region}");
        }
    }
}

//! The words of dates and times, in folded spelling (see `tokens::fold`): numbers and
//! ordinals as words, weekdays, months (with Austrian and Swiss forms), parts of day,
//! and named holidays.

use jiff::civil::Weekday;

const UNITS: [(&str, u32); 12] = [
    ("null", 0),
    ("eins", 1),
    ("ein", 1),
    ("zwei", 2),
    ("zwo", 2),
    ("drei", 3),
    ("vier", 4),
    ("fuenf", 5),
    ("sechs", 6),
    ("sieben", 7),
    ("acht", 8),
    ("neun", 9),
];

const TEENS: [(&str, u32); 10] = [
    ("zehn", 10),
    ("elf", 11),
    ("zwoelf", 12),
    ("dreizehn", 13),
    ("vierzehn", 14),
    ("fuenfzehn", 15),
    ("sechzehn", 16),
    ("siebzehn", 17),
    ("achtzehn", 18),
    ("neunzehn", 19),
];

const TENS: [(&str, u32); 8] = [
    ("zwanzig", 20),
    ("dreissig", 30),
    ("vierzig", 40),
    ("fuenfzig", 50),
    ("sechzig", 60),
    ("siebzig", 70),
    ("achtzig", 80),
    ("neunzig", 90),
];

/// A cardinal number word up to 9999: `drei`, `einundzwanzig`, `hundertzwanzig`,
/// `zweitausendsiebenundzwanzig`.
pub fn cardinal(word: &str) -> Option<u32> {
    if let Some((thousands, rest)) = word.split_once("tausend") {
        let thousands = if thousands.is_empty() || thousands == "ein" {
            1
        } else {
            below_hundred(thousands).filter(|n| *n < 10)?
        };
        return Some(thousands * 1000 + if rest.is_empty() { 0 } else { hundreds(rest)? });
    }
    hundreds(word)
}

fn hundreds(word: &str) -> Option<u32> {
    if let Some((count, rest)) = word.split_once("hundert") {
        let count = if count.is_empty() || count == "ein" {
            1
        } else {
            below_hundred(count).filter(|n| *n < 10)?
        };
        let rest = rest.strip_prefix("und").unwrap_or(rest);
        return Some(
            count * 100
                + if rest.is_empty() {
                    0
                } else {
                    below_hundred(rest)?
                },
        );
    }
    below_hundred(word)
}

fn below_hundred(word: &str) -> Option<u32> {
    let simple = UNITS
        .iter()
        .chain(TEENS.iter())
        .chain(TENS.iter())
        .find(|(w, _)| *w == word)
        .map(|(_, n)| *n);
    if simple.is_some() {
        return simple;
    }
    let (unit, tens) = word.split_once("und")?;
    let unit = UNITS
        .iter()
        .find(|(w, n)| *w == unit && *n > 0 && *w != "eins")?
        .1;
    let tens = TENS.iter().find(|(w, _)| *w == tens)?.1;
    Some(tens + unit)
}

/// An ordinal word from 1 to 39 in any case ending: `erste`, `dritten`, `einundzwanzigsten`.
pub fn ordinal(word: &str) -> Option<u32> {
    const ENDINGS: [&str; 10] = [
        "sten", "ster", "stes", "stem", "ste", "ten", "ter", "tes", "tem", "te",
    ];
    ENDINGS.iter().find_map(|ending| {
        let stem = word.strip_suffix(ending)?;
        let value = match stem {
            "ers" => 1,
            "zwei" | "zwo" => 2,
            "drit" => 3,
            "sieb" | "sieben" => 7,
            "ach" => 8,
            // Not ordinals: "dreite", "einte", "achtte".
            "drei" | "ein" | "eins" | "acht" => return None,
            _ => cardinal(stem)?,
        };
        // "-te" after 2..19, "-ste" after 20 and up ("erste" is its own word).
        let with_s = ending.starts_with('s');
        let fits = if value == 1 {
            !with_s
        } else {
            with_s == (value >= 20)
        };
        (fits && (1..=39).contains(&value)).then_some(value)
    })
}

pub fn weekday(word: &str) -> Option<Weekday> {
    let day = match word {
        "montag" | "montags" => Weekday::Monday,
        "dienstag" | "dienstags" => Weekday::Tuesday,
        "mittwoch" | "mittwochs" => Weekday::Wednesday,
        "donnerstag" | "donnerstags" => Weekday::Thursday,
        "freitag" | "freitags" => Weekday::Friday,
        "samstag" | "samstags" | "sonnabend" | "sonnabends" => Weekday::Saturday,
        "sonntag" | "sonntags" => Weekday::Sunday,
        _ => return None,
    };
    // Two-letter abbreviations ("so", "do") are left out on purpose: spoken, "so" is filler.
    Some(day)
}

pub fn month(word: &str) -> Option<i8> {
    let month = match word {
        // Genitives too: "im Laufe des Januars".
        "januar" | "jaenner" | "jan" | "januars" | "jaenners" => 1,
        "februar" | "feber" | "feb" | "februars" | "febers" => 2,
        "maerz" | "marz" | "maer" | "mrz" => 3,
        "april" | "apr" | "aprils" => 4,
        "mai" => 5,
        "juni" | "jun" | "juno" | "junis" => 6,
        "juli" | "jul" | "julei" | "julis" => 7,
        "august" | "aug" | "augusts" => 8,
        "september" | "sep" | "sept" | "septembers" => 9,
        "oktober" | "okt" | "oktobers" => 10,
        "november" | "nov" | "novembers" => 11,
        "dezember" | "dez" | "dezembers" => 12,
        _ => return None,
    };
    Some(month)
}

/// A part of the day, as a local interval in minutes, or a point ("gegen Mittag").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPart {
    Early,
    Morning,
    Noon,
    Afternoon,
    Evening,
    Night,
    /// "am späten Vormittag", "am frühen Nachmittag", …: the halves of a part.
    LateMorning,
    EarlyAfternoon,
    LateAfternoon,
    EarlyEvening,
    LateEvening,
}

impl DayPart {
    /// `[start, end)` in minutes since midnight (night runs past midnight).
    pub fn minutes(self) -> (u32, u32) {
        match self {
            DayPart::Early => (7 * 60, 10 * 60),
            DayPart::Morning => (8 * 60, 12 * 60),
            DayPart::Noon => (12 * 60, 14 * 60),
            DayPart::Afternoon => (12 * 60, 18 * 60),
            DayPart::Evening => (18 * 60, 22 * 60),
            DayPart::Night => (22 * 60, 30 * 60),
            DayPart::LateMorning => (10 * 60, 12 * 60),
            DayPart::EarlyAfternoon => (12 * 60, 15 * 60),
            DayPart::LateAfternoon => (15 * 60, 18 * 60),
            DayPart::EarlyEvening => (18 * 60, 20 * 60),
            DayPart::LateEvening => (20 * 60, 22 * 60),
        }
    }

    /// The hour a bare 12-hour value means in this part of the day.
    pub fn hour_of(self, hour: u32) -> u32 {
        match self {
            DayPart::Early | DayPart::Morning | DayPart::LateMorning => hour % 12,
            DayPart::Noon => {
                if hour <= 4 {
                    hour + 12
                } else {
                    hour
                }
            }
            DayPart::Afternoon
            | DayPart::Evening
            | DayPart::EarlyAfternoon
            | DayPart::LateAfternoon
            | DayPart::EarlyEvening
            | DayPart::LateEvening => {
                if hour < 12 {
                    hour + 12
                } else {
                    hour
                }
            }
            DayPart::Night => match hour {
                12 => 0,
                h if h >= 7 => h + 12,
                h => h,
            },
        }
    }
}

pub fn day_part(word: &str) -> Option<DayPart> {
    let part = match word {
        "frueh" | "morgens" | "morgen" | "frueh morgens" | "morgenfrueh" => DayPart::Early,
        "vormittag" | "vormittags" => DayPart::Morning,
        // "z'Mittag" as transcribed, its apostrophe folded away.
        "mittag" | "mittags" | "mittagszeit" | "mittagspause" | "zmittag" => DayPart::Noon,
        "nachmittag" | "nachmittags" => DayPart::Afternoon,
        "abend" | "abends" => DayPart::Evening,
        "nacht" | "nachts" => DayPart::Night,
        _ => return None,
    };
    Some(part)
}

/// How a named holiday is found in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayRule {
    Fixed(i8, i8),
    /// Days after Easter Sunday.
    Easter(i16),
    /// The first `weekday` on or after a fixed day (Muttertag, Advent, Buß- und Bettag).
    WeekdayFrom {
        month: i8,
        day: i8,
        weekday: Weekday,
    },
}

const fn sunday_from(month: i8, day: i8) -> HolidayRule {
    HolidayRule::WeekdayFrom {
        month,
        day,
        weekday: Weekday::Sunday,
    }
}

/// Named days, longest names first so that "zweiter weihnachtsfeiertag" wins over "weihnachten".
pub const HOLIDAYS: &[(&[&str], HolidayRule)] = &[
    (
        &["tag", "der", "deutschen", "einheit"],
        HolidayRule::Fixed(10, 3),
    ),
    (
        &["zweiter", "weihnachtsfeiertag"],
        HolidayRule::Fixed(12, 26),
    ),
    (
        &["zweiten", "weihnachtsfeiertag"],
        HolidayRule::Fixed(12, 26),
    ),
    (&["zweiter", "weihnachtstag"], HolidayRule::Fixed(12, 26)),
    (&["zweiten", "weihnachtstag"], HolidayRule::Fixed(12, 26)),
    (
        &["erster", "weihnachtsfeiertag"],
        HolidayRule::Fixed(12, 25),
    ),
    (
        &["ersten", "weihnachtsfeiertag"],
        HolidayRule::Fixed(12, 25),
    ),
    (&["erster", "weihnachtstag"], HolidayRule::Fixed(12, 25)),
    (&["ersten", "weihnachtstag"], HolidayRule::Fixed(12, 25)),
    (&["heilige", "drei", "koenige"], HolidayRule::Fixed(1, 6)),
    (&["heiligen", "drei", "koenige"], HolidayRule::Fixed(1, 6)),
    (&["heiligen", "drei", "koenigen"], HolidayRule::Fixed(1, 6)),
    (&["christi", "himmelfahrt"], HolidayRule::Easter(39)),
    (&["heiliger", "abend"], HolidayRule::Fixed(12, 24)),
    (&["heiligen", "abend"], HolidayRule::Fixed(12, 24)),
    (&["tag", "der", "arbeit"], HolidayRule::Fixed(5, 1)),
    (&["erster", "mai"], HolidayRule::Fixed(5, 1)),
    (&["ersten", "mai"], HolidayRule::Fixed(5, 1)),
    (
        &["buss", "und", "bettag"],
        HolidayRule::WeekdayFrom {
            month: 11,
            day: 16,
            weekday: Weekday::Wednesday,
        },
    ),
    (&["mariae", "himmelfahrt"], HolidayRule::Fixed(8, 15)),
    (&["mariae", "empfaengnis"], HolidayRule::Fixed(12, 8)),
    (&["erster", "advent"], sunday_from(11, 27)),
    (&["ersten", "advent"], sunday_from(11, 27)),
    (&["zweiter", "advent"], sunday_from(12, 4)),
    (&["zweiten", "advent"], sunday_from(12, 4)),
    (&["dritter", "advent"], sunday_from(12, 11)),
    (&["dritten", "advent"], sunday_from(12, 11)),
    (&["vierter", "advent"], sunday_from(12, 18)),
    (&["vierten", "advent"], sunday_from(12, 18)),
    (&["stiller", "samstag"], HolidayRule::Easter(-1)),
    (&["heiliger", "donnerstag"], HolidayRule::Easter(-3)),
    (&["heiligabend"], HolidayRule::Fixed(12, 24)),
    (&["weihnachtstag"], HolidayRule::Fixed(12, 25)),
    (&["muttertag"], sunday_from(5, 8)),
    (&["totensonntag"], sunday_from(11, 20)),
    (&["ewigkeitssonntag"], sunday_from(11, 20)),
    (
        &["bussundbettag"],
        HolidayRule::WeekdayFrom {
            month: 11,
            day: 16,
            weekday: Weekday::Wednesday,
        },
    ),
    (&["himmelfahrtstag"], HolidayRule::Easter(39)),
    (&["vatertag"], HolidayRule::Easter(39)),
    (&["herrentag"], HolidayRule::Easter(39)),
    (&["aschermittwoch"], HolidayRule::Easter(-46)),
    (&["rosenmontag"], HolidayRule::Easter(-48)),
    (&["fastnacht"], HolidayRule::Easter(-47)),
    (&["fastnachtsdienstag"], HolidayRule::Easter(-47)),
    (&["faschingsdienstag"], HolidayRule::Easter(-47)),
    (&["weiberfastnacht"], HolidayRule::Easter(-52)),
    (&["palmsonntag"], HolidayRule::Easter(-7)),
    (&["karsamstag"], HolidayRule::Easter(-1)),
    (&["trinitatis"], HolidayRule::Easter(56)),
    (&["dreifaltigkeitssonntag"], HolidayRule::Easter(56)),
    (&["martinstag"], HolidayRule::Fixed(11, 11)),
    (&["frauentag"], HolidayRule::Fixed(3, 8)),
    (&["weltfrauentag"], HolidayRule::Fixed(3, 8)),
    (&["walpurgisnacht"], HolidayRule::Fixed(4, 30)),
    (&["weihnachten"], HolidayRule::Fixed(12, 25)),
    (&["christtag"], HolidayRule::Fixed(12, 25)),
    (&["stephanstag"], HolidayRule::Fixed(12, 26)),
    (&["stephanitag"], HolidayRule::Fixed(12, 26)),
    (&["stefanitag"], HolidayRule::Fixed(12, 26)),
    (&["stefanstag"], HolidayRule::Fixed(12, 26)),
    (&["silvester"], HolidayRule::Fixed(12, 31)),
    // Swiss: the last day of the year.
    (&["altjahrstag"], HolidayRule::Fixed(12, 31)),
    (&["altjahr"], HolidayRule::Fixed(12, 31)),
    (&["sylvester"], HolidayRule::Fixed(12, 31)),
    (&["neujahr"], HolidayRule::Fixed(1, 1)),
    (&["neujahrstag"], HolidayRule::Fixed(1, 1)),
    (&["berchtoldstag"], HolidayRule::Fixed(1, 2)),
    (&["dreikoenig"], HolidayRule::Fixed(1, 6)),
    (&["dreikoenigstag"], HolidayRule::Fixed(1, 6)),
    (&["valentinstag"], HolidayRule::Fixed(2, 14)),
    (&["karfreitag"], HolidayRule::Easter(-2)),
    (&["gruendonnerstag"], HolidayRule::Easter(-3)),
    (&["ostersonntag"], HolidayRule::Easter(0)),
    (&["ostern"], HolidayRule::Easter(0)),
    (&["ostermontag"], HolidayRule::Easter(1)),
    (&["himmelfahrt"], HolidayRule::Easter(39)),
    (&["auffahrt"], HolidayRule::Easter(39)),
    (&["pfingstsamstag"], HolidayRule::Easter(48)),
    (&["pfingstsonntag"], HolidayRule::Easter(49)),
    (&["pfingsten"], HolidayRule::Easter(49)),
    (&["pfingstmontag"], HolidayRule::Easter(50)),
    (&["fronleichnam"], HolidayRule::Easter(60)),
    (&["bundesfeier"], HolidayRule::Fixed(8, 1)),
    (&["nationalfeiertag"], HolidayRule::Fixed(10, 26)),
    (&["reformationstag"], HolidayRule::Fixed(10, 31)),
    (&["halloween"], HolidayRule::Fixed(10, 31)),
    (&["allerheiligen"], HolidayRule::Fixed(11, 1)),
    (&["nikolaus"], HolidayRule::Fixed(12, 6)),
    (&["nikolaustag"], HolidayRule::Fixed(12, 6)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_words_up_to_ninety_nine() {
        assert_eq!(cardinal("drei"), Some(3));
        assert_eq!(cardinal("zwoelf"), Some(12));
        assert_eq!(cardinal("einundzwanzig"), Some(21));
        assert_eq!(cardinal("neunundneunzig"), Some(99));
        assert_eq!(cardinal("hundertzwanzig"), Some(120));
        assert_eq!(cardinal("zweihundertundfuenf"), Some(205));
        assert_eq!(cardinal("zweitausendsiebenundzwanzig"), Some(2027));
        assert_eq!(cardinal("tausend"), Some(1000));
        assert_eq!(cardinal("zehntausend"), None);
        assert_eq!(cardinal("einsundzwanzig"), None);
        assert_eq!(cardinal("dreiundzehn"), None);
        assert_eq!(cardinal("blumenkohl"), None);
    }

    #[test]
    fn ordinal_words_in_every_ending() {
        for (word, n) in [
            ("erste", 1),
            ("ersten", 1),
            ("zweiten", 2),
            ("dritten", 3),
            ("siebten", 7),
            ("siebenten", 7),
            ("achten", 8),
            ("zwoelften", 12),
            ("neunzehnten", 19),
            ("zwanzigsten", 20),
            ("einundzwanzigsten", 21),
            ("dreissigsten", 30),
            ("einunddreissigsten", 31),
        ] {
            assert_eq!(ordinal(word), Some(n), "{word}");
        }
        for word in [
            "zwanzigten",
            "dreiten",
            "einten",
            "hundertsten",
            "mittag",
            "nacht",
            "acht",
        ] {
            assert_eq!(ordinal(word), None, "{word}");
        }
    }

    #[test]
    fn parts_of_day_pick_the_hour_callers_mean() {
        assert_eq!(DayPart::Evening.hour_of(8), 20);
        assert_eq!(DayPart::Early.hour_of(7), 7);
        assert_eq!(DayPart::Night.hour_of(3), 3);
        assert_eq!(DayPart::Night.hour_of(11), 23);
        assert_eq!(DayPart::Noon.hour_of(1), 13);
        assert_eq!(DayPart::Noon.hour_of(12), 12);
        assert_eq!(DayPart::Afternoon.hour_of(3), 15);
    }
}

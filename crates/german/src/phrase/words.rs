//! Words for single dates and times as the agent says them: "9 Uhr", "14:15 Uhr",
//! "halb elf", "morgen", "am Dienstag, den 1. Dezember".

use jiff::ToSpan;
use jiff::civil::{Date, Time, Weekday};

const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// Hour words for the colloquial "halb …" form. Index = the hour that is named
/// ("halb elf" = 10:30 names 11); only 7..=12 are ever used, see [`ClockWords`].
const HOUR_WORDS: [&str; 13] = [
    "null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
    "elf", "zwölf",
];

pub(super) fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Montag",
        Weekday::Tuesday => "Dienstag",
        Weekday::Wednesday => "Mittwoch",
        Weekday::Thursday => "Donnerstag",
        Weekday::Friday => "Freitag",
        Weekday::Saturday => "Samstag",
        Weekday::Sunday => "Sonntag",
    }
}

fn month_name(month: i8) -> &'static str {
    usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or_default()
}

/// Whole days from `today` to `date`, negative for the past. Civil dates have no
/// DST, so every day is exactly 24 hours here.
pub(super) fn days_from(today: Date, date: Date) -> i64 {
    today.duration_until(date).as_hours() / 24
}

fn relative_word(days: i64) -> Option<&'static str> {
    match days {
        0 => Some("heute"),
        1 => Some("morgen"),
        2 => Some("übermorgen"),
        _ => None,
    }
}

/// The year is only noise for dates a caller would place correctly anyway: this year,
/// or anywhere in the coming twelve months ("im Januar" in December means next January).
fn needs_year(date: Date, today: Date) -> bool {
    if date.year() == today.year() {
        return false;
    }
    let within_a_year = today
        .checked_add(1.year())
        .is_ok_and(|limit| date > today && date < limit);
    !within_a_year
}

/// "Dienstag, den 1. Dezember", with " 2027" appended when the year is needed.
fn weekday_and_date(date: Date, today: Date) -> String {
    let mut text = format!(
        "{}, den {}. {}",
        weekday_name(date.weekday()),
        date.day(),
        month_name(date.month())
    );
    if needs_year(date, today) {
        text.push_str(&format!(" {}", date.year()));
    }
    text
}

/// The date as said in a sentence: "heute", "morgen", "übermorgen", otherwise
/// "am Dienstag, den 1. Dezember" (plus the year when it is not obvious).
pub fn spoken_date(date: Date, today: Date) -> String {
    match relative_word(days_from(today, date)) {
        Some(word) => word.to_owned(),
        None => format!("am {}", weekday_and_date(date, today)),
    }
}

/// For confirmations, where a misunderstanding costs a missed appointment: always the
/// weekday and the date, "heute"/"morgen"/"übermorgen" only in addition
/// ("morgen, Mittwoch, den 2. Dezember").
pub(super) fn unmistakable_date(date: Date, today: Date) -> String {
    let full = weekday_and_date(date, today);
    match relative_word(days_from(today, date)) {
        Some(word) => format!("{word}, {full}"),
        None => format!("am {full}"),
    }
}

/// For lists of offers, where brevity helps the listener: within the coming week the
/// weekday alone is unique ("am Freitag"); further out the full date.
pub(super) fn list_day(date: Date, today: Date) -> String {
    let days = days_from(today, date);
    match relative_word(days) {
        Some(word) => word.to_owned(),
        None if (3..=6).contains(&days) => format!("am {}", weekday_name(date.weekday())),
        None => format!("am {}", weekday_and_date(date, today)),
    }
}

/// Joins a day phrase and what follows it. A date apposition ("…, den 1. Dezember")
/// must be closed with a comma before the sentence goes on.
pub(super) fn attach(day: &str, rest: &str) -> String {
    if rest.is_empty() {
        day.to_owned()
    } else if day.contains(", den ") {
        format!("{day}, {rest}")
    } else {
        format!("{day} {rest}")
    }
}

/// The time as written for TTS: "14:15 Uhr", and "9 Uhr" for full hours.
pub fn spoken_time(t: Time) -> String {
    ClockWords::numeric(t).with_uhr()
}

/// A time in list style. Convention (tested): only morning half hours 6:30–11:30 use
/// the colloquial "halb sieben" … "halb zwölf"; everything else stays numeric. In the
/// afternoon "halb drei" could mean 2:30 or 14:30, so there we always say "14:30 Uhr".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ClockWords {
    /// "9", "14:30" — needs "Uhr" unless another numeric time follows with it.
    Numeric(String),
    /// "halb elf" — never takes "Uhr".
    Half(&'static str),
}

impl ClockWords {
    fn numeric(t: Time) -> Self {
        if t.minute() == 0 {
            Self::Numeric(t.hour().to_string())
        } else {
            Self::Numeric(format!("{}:{:02}", t.hour(), t.minute()))
        }
    }

    pub(super) fn for_list(t: Time) -> Self {
        let named_hour = usize::try_from(t.hour()).ok().map(|h| h + 1);
        let half = named_hour
            .filter(|_| t.minute() == 30 && (6..=11).contains(&t.hour()))
            .and_then(|h| HOUR_WORDS.get(h));
        match half {
            Some(word) => Self::Half(word),
            None => Self::numeric(t),
        }
    }

    /// "14 Uhr", "halb elf".
    pub(super) fn with_uhr(&self) -> String {
        match self {
            Self::Numeric(n) => format!("{n} Uhr"),
            Self::Half(word) => format!("halb {word}"),
        }
    }

    /// "14", "halb elf" — for the first half of "zwischen 14 und 17 Uhr".
    pub(super) fn bare(&self) -> String {
        match self {
            Self::Numeric(n) => n.clone(),
            Self::Half(word) => format!("halb {word}"),
        }
    }
}

/// Upper-cases the first letter, for phrases that open a sentence ("Übermorgen …").
pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a", "a und b", "a, b und c" — German lists take no comma before the conjunction.
pub(super) fn join_list(parts: &[String], conjunction: &str) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

/// A date as written in a letter, always with weekday and year: "Dienstag, 1. Dezember 2026".
pub fn written_date(date: Date) -> String {
    format!(
        "{}, {}. {} {}",
        weekday_name(date.weekday()),
        date.day(),
        month_name(date.month()),
        date.year()
    )
}

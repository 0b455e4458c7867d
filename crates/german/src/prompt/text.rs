//! Small pieces of written German for the prompt: opening hours per week, clock
//! times, durations, prices and lists. Written (not spoken) forms, because the prompt
//! is read by the language model, not by the voice; they follow the same conventions
//! as [`crate::phrase`] ("9 Uhr", "14:15 Uhr") so the agent sees one style throughout.

use askpro_core::hours::{Interval, Minute, WeeklyHours};

/// Monday first, like [`WeeklyHours::days`].
const WEEKDAYS: [&str; 7] = [
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
];

/// "9", "9:30", "24" — a clock time without "Uhr", which the range adds once at its end.
fn clock(minute: Minute) -> String {
    let (hour, min) = (minute / 60, minute % 60);
    if min == 0 {
        hour.to_string()
    } else {
        format!("{hour}:{min:02}")
    }
}

/// "9 bis 13 Uhr und 14 bis 18 Uhr" for one day's intervals.
fn day_hours(intervals: &[Interval]) -> String {
    intervals
        .iter()
        .map(|i| format!("{} bis {} Uhr", clock(i.start), clock(i.end)))
        .collect::<Vec<_>>()
        .join(" und ")
}

/// "Montag", "Montag und Dienstag", "Montag bis Freitag" for the days `first..=last`.
fn day_span(first: usize, last: usize) -> String {
    let name = |i: usize| WEEKDAYS.get(i).copied().unwrap_or_default();
    match last.saturating_sub(first) {
        0 => name(first).to_owned(),
        1 => format!("{} und {}", name(first), name(last)),
        _ => format!("{} bis {}", name(first), name(last)),
    }
}

/// Runs of consecutive days with identical hours, as `(first, last)` day indices.
/// The week is not wrapped (no "Sonntag und Montag"): callers think Monday to Sunday.
fn runs(week: &WeeklyHours) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for day in 0..week.days.len() {
        match runs.last_mut() {
            Some((first, last)) if week.days[*first] == week.days[day] => *last = day,
            _ => runs.push((day, day)),
        }
    }
    runs
}

/// The week in words, consecutive days with identical hours grouped:
/// "Montag bis Freitag 9 bis 18 Uhr, Samstag 9 bis 14 Uhr, Sonntag geschlossen".
///
/// Days without hours are named with `closed_word` ("geschlossen" for a branch) or,
/// when it is `None`, left out — for a person, listing the days they are not in
/// reads oddly. An empty string means no day has hours and none is named.
pub(super) fn week_in_words(week: &WeeklyHours, closed_word: Option<&str>) -> String {
    runs(week)
        .into_iter()
        .filter_map(|(first, last)| {
            let days = day_span(first, last);
            match (week.days[first].as_slice(), closed_word) {
                ([], Some(word)) => Some(format!("{days} {word}")),
                ([], None) => None,
                (intervals, _) => Some(format!("{days} {}", day_hours(intervals))),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "45 Minuten", "1 Minute".
pub(super) fn minutes(n: u32) -> String {
    if n == 1 {
        "1 Minute".to_owned()
    } else {
        format!("{n} Minuten")
    }
}

/// German price notation: "49,00 €", "1.234,50 €". Works on the integer cents so no
/// float rounding can change what callers are told.
pub(super) fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02} €", thousands(abs / 100), abs % 100)
}

/// "1234567" → "1.234.567".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

/// "24.12.2026" — compact in lists, where the comma of "Donnerstag, 24. Dezember"
/// would blur where one date ends and the next begins.
pub(super) fn numeric_date(date: jiff::civil::Date) -> String {
    format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
}

/// Tenant text on one line with single spaces: a stray newline in a name or address
/// must not break the prompt's list structure.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "a", "a und b", "a, b und c" — German lists take no comma before the conjunction.
pub(super) fn join_list(parts: &[String], conjunction: &str) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

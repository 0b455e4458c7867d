//! The range a caller would wait for ("nächste Woche vormittags", "bis Freitag", "in den
//! nächsten zwei Wochen nachmittags"): a span of days plus, optionally, a part of each
//! day. [`resolve`](super::resolve) reads one interval; a waiting list needs both halves,
//! because "next week in the mornings" is five mornings, not one week.

use super::resolve;
use jiff::civil::Time;
use jiff::{ToSpan, ZonedDateTime};

/// A range of days and the part of each day the caller has time.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub start: ZonedDateTime,
    /// Exclusive.
    pub end: ZonedDateTime,
    /// From and until which time of day (local), `None` for the whole day.
    pub daily: Option<(Time, Time)>,
}

/// Parts of the day as callers say them, longest first so that "am frühen Morgen" wins
/// over "morgen" (which alone would mean tomorrow).
const DAY_PARTS: [&str; 16] = [
    "am fruehen morgen",
    "am vormittag",
    "am nachmittag",
    "am abend",
    "am morgen",
    "am mittag",
    "in der frueh",
    "ueber mittag",
    "vormittags",
    "nachmittags",
    "morgens",
    "mittags",
    "abends",
    "vormittag",
    "nachmittag",
    "frueh",
];

/// Longest range a caller can wait for in one phrase.
const MAX_DAYS: i64 = 92;

/// Reads `text` as a range to wait for, against `now`; `None` when it is not understood
/// or lies wholly in the past.
pub fn resolve_window(text: &str, now: &ZonedDateTime) -> Option<Window> {
    let folded = fold(text);
    let (days_text, daily) = split_day_part(&folded, now);
    let (start, end) = match days_text.trim() {
        "" => (now.clone(), now.checked_add(14.days()).ok()?),
        rest => day_range(rest, now)?,
    };
    let start = if start < *now { now.clone() } else { start };
    if end <= start || (end.timestamp() - start.timestamp()).as_secs() > MAX_DAYS * 86_400 {
        return None;
    }
    Some(Window { start, end, daily })
}

/// Lowercase, umlauts folded the way the lexicon spells them, single spaces.
fn fold(text: &str) -> String {
    let lower = text
        .to_lowercase()
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss");
    let cleaned: String = lower
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text without its part of day, and that part's hours.
fn split_day_part(folded: &str, now: &ZonedDateTime) -> (String, Option<(Time, Time)>) {
    let padded = format!(" {folded} ");
    for part in DAY_PARTS {
        let needle = format!(" {part} ");
        if let Some(at) = padded.find(&needle) {
            let rest = format!("{} {}", &padded[..at], &padded[at + needle.len()..]);
            let hours = resolve(part, now).and_then(|r| {
                let end = r.end?;
                (end.date() == r.start.date()).then(|| (r.start.time(), end.time()))
            });
            if hours.is_some() {
                return (rest.trim().to_owned(), hours);
            }
        }
    }
    (folded.to_owned(), None)
}

/// The days `text` names: one the resolver reads ("nächste Woche", "Freitag"), "bis …"
/// (from now), or "in den nächsten N Tagen/Wochen".
fn day_range(text: &str, now: &ZonedDateTime) -> Option<(ZonedDateTime, ZonedDateTime)> {
    if let Some(until) = text.strip_prefix("bis ") {
        let r = resolve(until, now)?;
        let end = r.end.unwrap_or(r.start);
        return Some((now.clone(), end));
    }
    if let Some(days) = next_days(text) {
        let end = now.date().checked_add(days.days()).ok()?;
        let end = end.to_zoned_datetime(now.time_zone().clone()).ok()?;
        return Some((now.clone(), end));
    }
    let r = resolve(text, now)?;
    let end = match r.end {
        Some(end) => end,
        // An open range ("ab Montag") waits two weeks from its start.
        None => r.start.checked_add(14.days()).ok()?,
    };
    Some((r.start, end))
}

/// "in den nächsten zwei Wochen", "die nächsten 10 Tage": how many days from today.
fn next_days(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split(' ').collect();
    let at = words.iter().position(|w| w.starts_with("naechst"))?;
    let count = number(words.get(at + 1)?)?;
    let unit = words.get(at + 2)?;
    match *unit {
        u if u.starts_with("tag") => Some(count),
        u if u.starts_with("woche") => Some(count * 7),
        _ => None,
    }
}

fn number(word: &str) -> Option<i64> {
    const WORDS: [&str; 12] = [
        "ein", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun", "zehn", "elf",
        "zwoelf",
    ];
    if let Ok(n) = word.parse::<i64>() {
        return (1..=MAX_DAYS).contains(&n).then_some(n);
    }
    let word = word.trim_end_matches(['e', 'n', 'r', 's']);
    WORDS
        .iter()
        .position(|w| w.trim_end_matches(['e', 'n', 'r', 's']) == word)
        .map(|i| i as i64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> ZonedDateTime {
        "2026-12-02T10:00:00+01:00[Europe/Berlin]".parse().unwrap()
    }

    fn window(text: &str) -> Option<(String, String, Option<String>)> {
        resolve_window(text, &now()).map(|w| {
            (
                w.start.strftime("%Y-%m-%d %H:%M").to_string(),
                w.end.strftime("%Y-%m-%d %H:%M").to_string(),
                w.daily.map(|(a, b)| format!("{a:.0}-{b:.0}")),
            )
        })
    }

    fn expect(text: &str, start: &str, end: &str, daily: Option<&str>) {
        assert_eq!(
            window(text),
            Some((start.into(), end.into(), daily.map(Into::into))),
            "{text}"
        );
    }

    #[test]
    fn a_week_with_a_part_of_each_day() {
        expect(
            "nächste Woche vormittags",
            "2026-12-07 00:00",
            "2026-12-14 00:00",
            Some("08:00:00-12:00:00"),
        );
        expect(
            "nächste Woche am Nachmittag",
            "2026-12-07 00:00",
            "2026-12-14 00:00",
            Some("12:00:00-18:00:00"),
        );
    }

    #[test]
    fn ranges_from_now() {
        expect("bis Freitag", "2026-12-02 10:00", "2026-12-05 00:00", None);
        expect(
            "in den nächsten zwei Wochen",
            "2026-12-02 10:00",
            "2026-12-16 00:00",
            None,
        );
        expect(
            "die nächsten 10 Tage abends",
            "2026-12-02 10:00",
            "2026-12-12 00:00",
            Some("18:00:00-22:00:00"),
        );
    }

    #[test]
    fn one_day_and_a_part_of_it() {
        expect(
            "Montag vormittags",
            "2026-12-07 00:00",
            "2026-12-08 00:00",
            Some("08:00:00-12:00:00"),
        );
        expect("Freitag", "2026-12-04 00:00", "2026-12-05 00:00", None);
    }

    #[test]
    fn the_rest_of_this_week_starts_now() {
        expect("diese Woche", "2026-12-02 10:00", "2026-12-07 00:00", None);
    }

    #[test]
    fn only_a_part_of_day_means_the_next_two_weeks() {
        expect(
            "nachmittags",
            "2026-12-02 10:00",
            "2026-12-16 10:00",
            Some("12:00:00-18:00:00"),
        );
    }

    #[test]
    fn nonsense_and_the_past_are_refused() {
        assert_eq!(window("Blumenkohl"), None);
        assert_eq!(window("letzte Woche"), None);
        assert_eq!(window("in den nächsten 500 Tagen"), None);
    }
}

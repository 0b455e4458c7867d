//! Dates, times and numbers as Germans write them, always in the branch's time zone.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// An instant (Unix ms) in `tz`.
pub fn zoned(ms: i64, tz: &TimeZone) -> ZonedDateTime {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone())
}

/// An RFC 3339 time as the API writes it, as an instant in `tz`.
pub fn zoned_text(rfc3339: &str, tz: &TimeZone) -> Option<ZonedDateTime> {
    rfc3339
        .parse::<Timestamp>()
        .ok()
        .map(|t| t.to_zoned_datetime(tz.clone()))
}

/// "09:30".
pub fn clock(at: &ZonedDateTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// "Donnerstag, 3. Dezember 2026".
pub fn long_date(date: Date) -> String {
    askpro_german::phrase::written_date(date)
}

/// "Do., 3.12."
pub fn short_date(date: Date) -> String {
    format!(
        "{} {}.{}.",
        weekday_short(date.weekday()),
        date.day(),
        date.month()
    )
}

/// "3.12.2026, 09:30".
pub fn date_time(at: &ZonedDateTime) -> String {
    format!("{}.{}.{}, {}", at.day(), at.month(), at.year(), clock(at))
}

pub fn weekday_short(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Mo.",
        Weekday::Tuesday => "Di.",
        Weekday::Wednesday => "Mi.",
        Weekday::Thursday => "Do.",
        Weekday::Friday => "Fr.",
        Weekday::Saturday => "Sa.",
        Weekday::Sunday => "So.",
    }
}

/// A call's length: "45 s", "3:05 min".
pub fn call_length(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{}:{:02} min", seconds / 60, seconds % 60)
    }
}

/// Minutes of the day as "09:30".
pub fn minute_clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A number with a decimal comma: "87,5".
pub fn decimal(value: f64, places: usize) -> String {
    format!("{value:.places$}").replace('.', ",")
}

/// Percent-encodes a query value.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The Monday of the week holding `date`.
pub fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// A caller's number for people: "+49 170 1234567" stays as given, none is "unbekannt".
pub fn phone(number: Option<&str>) -> String {
    number
        .filter(|n| !n.is_empty())
        .unwrap_or("unbekannt")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn times_are_shown_in_the_branch_zone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // 2026-07-01 08:30 UTC is 10:30 in Berlin (summer time).
        let ms = date(2026, 7, 1)
            .at(8, 30, 0, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond();
        assert_eq!(clock(&zoned(ms, &berlin)), "10:30");
        assert_eq!(date_time(&zoned(ms, &berlin)), "1.7.2026, 10:30");
    }

    #[test]
    fn german_short_forms() {
        assert_eq!(short_date(date(2026, 12, 3)), "Do. 3.12.");
        assert_eq!(call_length(45_000), "45 s");
        assert_eq!(call_length(185_000), "3:05 min");
        assert_eq!(decimal(87.456, 1), "87,5");
        assert_eq!(minute_clock(570), "09:30");
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(monday_of(date(2026, 12, 3)), date(2026, 11, 30));
        assert_eq!(monday_of(date(2026, 11, 30)), date(2026, 11, 30));
        assert_eq!(monday_of(date(2026, 12, 6)), date(2026, 11, 30));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(url_encode("/firmen/a?b=c d"), "/firmen/a%3Fb%3Dc%20d");
    }
}

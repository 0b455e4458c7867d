//! `--now` and `ASKPRO_NOW`: where the process's one clock stands. A time makes the
//! clock start there and run on; a shift moves the system clock by a fixed amount, so
//! a demo server and the calls simulated against it, or a test and the binaries it
//! starts, read the same time.

use askpro_core::Clock;
use jiff::Timestamp;

/// The zone of a `--now` time without an offset: AskPro's market.
const LOCAL_ZONE: &str = "Europe/Berlin";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockStart {
    /// Start at this instant and run on.
    At(Timestamp),
    /// The system clock moved by this many milliseconds.
    Shift(i64),
}

impl ClockStart {
    /// `2026-12-07T08:30:00+01:00`, `2026-12-07T08:30` (in Germany), or `+3d`, `-1d`,
    /// `+90m`, `+36h`, `+20s`, `-5000ms`.
    pub fn parse(raw: &str) -> Result<ClockStart, String> {
        let raw = raw.trim();
        if raw.starts_with(['+', '-']) {
            return parse_shift(raw).map(ClockStart::Shift);
        }
        if let Ok(at) = raw.parse::<Timestamp>() {
            return Ok(ClockStart::At(at));
        }
        let local: jiff::civil::DateTime = raw.parse().map_err(|_| {
            format!(
                "`{raw}` is neither a time such as 2026-12-07T08:30 or 2026-12-07T08:30:00+01:00 nor a shift such as +3d"
            )
        })?;
        local
            .in_tz(LOCAL_ZONE)
            .map(|zoned| ClockStart::At(zoned.timestamp()))
            .map_err(|error| format!("`{raw}` in {LOCAL_ZONE}: {error}"))
    }

    pub fn clock(self) -> Clock {
        match self {
            ClockStart::At(at) => Clock::running_from(at),
            ClockStart::Shift(ms) => Clock::shifted(ms),
        }
    }
}

/// `±N` followed by one unit: d, h, m (minutes), s, ms.
fn parse_shift(raw: &str) -> Result<i64, String> {
    let (sign, rest) = raw.split_at(1);
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, unit) = rest.split_at(digits_end);
    let unit_ms: i64 = match unit {
        "d" => 86_400_000,
        "h" => 3_600_000,
        "m" | "min" => 60_000,
        "s" => 1_000,
        "ms" => 1,
        _ if digits.is_empty() => {
            return Err(format!(
                "`{raw}`: a shift is a whole number with a unit, e.g. +3d"
            ));
        }
        _ => {
            return Err(format!(
                "`{raw}`: a shift ends in d, h, m, s or ms, e.g. +3d"
            ));
        }
    };
    let amount: i64 = digits
        .parse()
        .map_err(|_| format!("`{raw}`: a shift is a whole number with a unit, e.g. +3d"))?;
    let ms = amount
        .checked_mul(unit_ms)
        .filter(|ms| *ms <= 1_000 * 365 * 86_400_000)
        .ok_or_else(|| format!("`{raw}`: a shift of more than a thousand years"))?;
    Ok(if sign == "-" { -ms } else { ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> ClockStart {
        ClockStart::At(text.parse().unwrap())
    }

    #[test]
    fn a_time_is_an_instant_or_local_to_germany() {
        assert_eq!(
            ClockStart::parse("2026-12-07T08:30"),
            Ok(at("2026-12-07T07:30:00Z"))
        );
        assert_eq!(
            ClockStart::parse("2027-07-01T08:30:00"),
            Ok(at("2027-07-01T06:30:00Z")),
            "summer time"
        );
        assert_eq!(
            ClockStart::parse("2026-12-07T08:30:00-05:00"),
            Ok(at("2026-12-07T13:30:00Z"))
        );
    }

    #[test]
    fn a_shift_moves_the_system_clock() {
        assert_eq!(
            ClockStart::parse("+365d"),
            Ok(ClockStart::Shift(31_536_000_000))
        );
        assert_eq!(ClockStart::parse("-1d"), Ok(ClockStart::Shift(-86_400_000)));
        assert_eq!(ClockStart::parse("+90m"), Ok(ClockStart::Shift(5_400_000)));
        assert_eq!(ClockStart::parse("-5000ms"), Ok(ClockStart::Shift(-5_000)));
        let clock = ClockStart::Shift(86_400_000).clock();
        let ahead = clock.now().duration_since(Timestamp::now()).as_secs();
        assert!((86_395..=86_405).contains(&ahead), "{ahead}");
    }

    #[test]
    fn what_is_neither_is_refused_with_an_example() {
        let refused = ClockStart::parse("nächsten Montag").unwrap_err();
        assert!(
            refused.contains("`nächsten Montag` is neither a time"),
            "{refused}"
        );
        assert!(
            ClockStart::parse("+3w")
                .unwrap_err()
                .contains("d, h, m, s or ms")
        );
        assert!(
            ClockStart::parse("+d")
                .unwrap_err()
                .contains("whole number")
        );
        assert!(
            ClockStart::parse("+99999999999999d")
                .unwrap_err()
                .contains("thousand years")
        );
    }
}

//! Time helpers at the edge: RFC 3339 in, RFC 3339 with the branch's offset out.

use crate::error::{AppError, Result};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Formats Unix milliseconds as RFC 3339 with the offset of `tz` at that instant,
/// e.g. `2026-12-01T09:00:00+01:00`.
pub fn format_local(ms: i64, tz: &TimeZone) -> String {
    let t = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
    t.display_with_offset(tz.to_offset(t)).to_string()
}

/// An instant as a letter writes it in the branch's time: "Dienstag, 1. Dezember 2026 um 9 Uhr".
pub fn spoken_local(ms: i64, tz: &TimeZone) -> String {
    let local = Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone());
    format!(
        "{} um {}",
        askpro_german::phrase::written_date(local.date()),
        askpro_german::phrase::spoken_time(local.time())
    )
}

/// Parses an RFC 3339 instant (any offset); `field` names it in the error.
pub fn parse_instant(field: &str, raw: &str) -> Result<Timestamp> {
    raw.parse::<Timestamp>().map_err(|_| {
        AppError::Invalid(format!(
            "`{field}`: `{raw}` is not an RFC 3339 time such as 2026-12-01T09:00:00+01:00"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_format_carries_the_offset_of_the_season() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let winter = parse_instant("start", "2026-12-01T08:00:00Z")
            .unwrap()
            .as_millisecond();
        let summer = parse_instant("start", "2026-07-01T07:00:00Z")
            .unwrap()
            .as_millisecond();
        assert_eq!(format_local(winter, &tz), "2026-12-01T09:00:00+01:00");
        assert_eq!(format_local(summer, &tz), "2026-07-01T09:00:00+02:00");
        assert!(parse_instant("start", "tomorrow at nine").is_err());
    }
}

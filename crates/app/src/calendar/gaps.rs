//! Where AskPro and Cal.com offer different starts for one host, day by day, and why —
//! AskPro's own rules say why it does not offer a time (hours, holiday, notice, horizon,
//! a booking); for Cal.com, a zone that differs from the branch's, a day it does not
//! work, or a booking AskPro does not know.

use askpro_core::SlotRejection;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, BTreeSet};

/// Both sides' starts for one host (Unix milliseconds) and what explains AskPro's.
pub(super) struct Sides<'a> {
    pub ours: &'a BTreeSet<i64>,
    pub theirs: &'a BTreeSet<i64>,
    pub zone: &'a TimeZone,
    pub host_zone: Option<&'a str>,
    /// Why AskPro does not offer a start (`None` when it would).
    pub why_not_ours: &'a dyn Fn(i64) -> Option<SlotRejection>,
}

/// One differing day.
pub(super) struct DayGap {
    pub date: String,
    pub askpro_only: Vec<String>,
    pub calcom_only: Vec<String>,
    pub reason: String,
}

#[derive(Default)]
struct Day {
    askpro_only: Vec<i64>,
    calcom_only: Vec<i64>,
    we_offer: bool,
    /// Cal.com's first and last start that day.
    theirs: Option<(i64, i64)>,
}

pub(super) fn by_day(sides: &Sides<'_>) -> Vec<DayGap> {
    let day_of = |ms: i64| {
        Timestamp::from_millisecond(ms).map_or(Date::ZERO, |t| {
            t.to_zoned_datetime(sides.zone.clone()).date()
        })
    };
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    for &ms in sides.ours {
        let day = days.entry(day_of(ms)).or_default();
        day.we_offer = true;
        if !sides.theirs.contains(&ms) {
            day.askpro_only.push(ms);
        }
    }
    for &ms in sides.theirs {
        let day = days.entry(day_of(ms)).or_default();
        day.theirs = Some(day.theirs.map_or((ms, ms), |(first, _)| (first, ms)));
        if !sides.ours.contains(&ms) {
            day.calcom_only.push(ms);
        }
    }
    let all: BTreeSet<i64> = sides.ours.union(sides.theirs).copied().collect();
    let grid: Vec<i64> = all.into_iter().collect();
    let step = grid.windows(2).map(|w| w[1] - w[0]).min().unwrap_or(0);
    days.into_iter()
        .filter(|(_, d)| !d.askpro_only.is_empty() || !d.calcom_only.is_empty())
        .map(|(date, day)| DayGap {
            date: date.to_string(),
            askpro_only: ranges(&day.askpro_only, step, sides.zone),
            calcom_only: ranges(&day.calcom_only, step, sides.zone),
            reason: reason(sides, &day),
        })
        .collect()
}

fn reason(sides: &Sides<'_>, day: &Day) -> String {
    let mut parts = Vec::new();
    if let Some(host) = sides
        .host_zone
        .filter(|z| Some(*z) != sides.zone.iana_name())
    {
        parts.push(format!(
            "time zone: the Cal.com host keeps {host}, the branch {}",
            sides.zone.iana_name().unwrap_or("?")
        ));
    }
    if !day.calcom_only.is_empty() {
        parts.push(format!(
            "AskPro: {}",
            askpro_reasons(sides, &day.calcom_only)
        ));
    }
    if !day.askpro_only.is_empty() {
        let within = |ms: &i64| {
            day.theirs
                .is_some_and(|(first, last)| (first..=last).contains(ms))
        };
        let why = if day.theirs.is_none() {
            "the host does not work that day in its Cal.com schedule"
        } else if day.askpro_only.iter().all(|ms| !within(ms)) {
            "outside the host's working hours in Cal.com"
        } else {
            "a booking or break in Cal.com that AskPro does not know (`calcom force-sync`)"
        };
        parts.push(format!("Cal.com: {why}"));
    }
    parts.join("; ")
}

/// AskPro's reasons for not offering `starts`, most frequent first.
fn askpro_reasons(sides: &Sides<'_>, starts: &[i64]) -> String {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &ms in starts {
        let why = match (sides.why_not_ours)(ms) {
            Some(SlotRejection::Closed) => "closed (holiday or closing day)",
            Some(SlotRejection::OutsideHours) => "outside opening or staff hours",
            Some(SlotRejection::TooSoon) => "minimum notice",
            Some(SlotRejection::TooFarAhead) => "beyond the booking horizon",
            Some(SlotRejection::Taken) => "booked (or its buffer)",
            None => "free but not offered on its slot grid",
        };
        *counts.entry(why).or_default() += 1;
    }
    let mut ordered: Vec<(&str, usize)> = counts.into_iter().collect();
    ordered.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    ordered
        .iter()
        .map(|(why, _)| *why)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Starts as local ranges: starts one grid `step` apart become `09:00–11:15`.
fn ranges(starts: &[i64], step: i64, zone: &TimeZone) -> Vec<String> {
    let local = |ms: i64| {
        Timestamp::from_millisecond(ms)
            .map(|t| {
                t.to_zoned_datetime(zone.clone())
                    .strftime("%H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut run: Option<(i64, i64)> = None;
    for &ms in starts {
        run = match run {
            Some((first, last)) if ms - last == step => Some((first, ms)),
            Some((first, last)) => {
                out.push(span(first, last, &local));
                Some((ms, ms))
            }
            None => Some((ms, ms)),
        };
    }
    if let Some((first, last)) = run {
        out.push(span(first, last, &local));
    }
    out
}

fn span(first: i64, last: i64, local: &dyn Fn(i64) -> String) -> String {
    if first == last {
        local(first)
    } else {
        format!("{}–{}", local(first), local(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn differing_starts_become_ranges_with_both_sides_reasons() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let ours: BTreeSet<i64> = [
            "2026-12-01T08:00:00Z",
            "2026-12-01T08:15:00Z",
            "2026-12-01T09:00:00Z",
        ]
        .iter()
        .map(|t| ms(t))
        .collect();
        let theirs: BTreeSet<i64> = [
            "2026-12-01T08:00:00Z",
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:15:00Z",
            "2026-12-01T10:30:00Z",
        ]
        .iter()
        .map(|t| ms(t))
        .collect();
        let sides = Sides {
            ours: &ours,
            theirs: &theirs,
            zone: &zone,
            host_zone: Some("Europe/London"),
            why_not_ours: &|_| Some(SlotRejection::Taken),
        };
        let gaps = by_day(&sides);
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].askpro_only, ["09:15", "10:00"]);
        assert_eq!(gaps[0].calcom_only, ["11:00–11:30"]);
        assert!(
            gaps[0].reason.contains("Europe/London"),
            "{}",
            gaps[0].reason
        );
        assert!(
            gaps[0].reason.contains("AskPro: booked"),
            "{}",
            gaps[0].reason
        );
        assert!(
            gaps[0].reason.contains("Cal.com: a booking"),
            "{}",
            gaps[0].reason
        );
    }
}

//! Weekly opening hours: per weekday a sorted list of non-overlapping local
//! intervals such as `09:00-13:00`, parsed from the tenant file's `"HH:MM-HH:MM"` form.

use jiff::civil::Weekday;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Minutes since local midnight; 1440 stands for 24:00 (the end of the day).
pub type Minute = u16;

/// A half-open local interval `[start, end)` within one day, in minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Interval {
    pub start: Minute,
    pub end: Minute,
}

impl Interval {
    /// Parses `"09:00-18:00"`; `24:00` is allowed as an end.
    pub fn parse(raw: &str) -> Result<Interval, String> {
        let (from, to) = raw
            .split_once('-')
            .ok_or_else(|| format!("`{raw}` is not of the form HH:MM-HH:MM"))?;
        let start = parse_clock(from.trim(), raw)?;
        let end = parse_clock(to.trim(), raw)?;
        if start >= 1440 {
            return Err(format!("`{raw}` starts at 24:00"));
        }
        if end <= start {
            return Err(format!("`{raw}` ends before it starts"));
        }
        Ok(Interval { start, end })
    }

    pub fn intersect(self, other: Interval) -> Option<Interval> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(Interval { start, end })
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let clock = |m: Minute| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}-{}", clock(self.start), clock(self.end))
    }
}

fn parse_clock(clock: &str, whole: &str) -> Result<Minute, String> {
    let bad = || format!("`{whole}`: `{clock}` is not a time of day (HH:MM)");
    let (h, m) = clock.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// The day keys of the tenant file, Monday first.
pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Opening hours for each weekday (index 0 = Monday); an empty day is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub days: [Vec<Interval>; 7],
}

impl WeeklyHours {
    /// Builds the week from the file's table (`mon = ["09:00-18:00"]`, …). Errors name
    /// the day key (`wed`) and the problem; intervals of one day must not overlap.
    pub fn from_table(
        table: &BTreeMap<String, Vec<String>>,
    ) -> Result<WeeklyHours, (String, String)> {
        let mut week = WeeklyHours::default();
        for (day, raw_intervals) in table {
            let index = DAY_KEYS.iter().position(|k| k == day).ok_or_else(|| {
                (
                    day.clone(),
                    format!("unknown day `{day}`; use one of {}", DAY_KEYS.join(", ")),
                )
            })?;
            let mut intervals = raw_intervals
                .iter()
                .map(|raw| Interval::parse(raw))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|problem| (day.clone(), problem))?;
            intervals.sort();
            if let Some(pair) = intervals.windows(2).find(|w| w[0].end > w[1].start) {
                return Err((
                    day.clone(),
                    format!("intervals {} and {} overlap", pair[0], pair[1]),
                ));
            }
            // "09:00-13:00", "13:00-18:00" is one stretch: a slot may run across 13:00.
            intervals.dedup_by(|next, prev| {
                let touching = prev.end == next.start;
                if touching {
                    prev.end = next.end;
                }
                touching
            });
            week.days[index] = intervals;
        }
        Ok(week)
    }

    pub fn on(&self, weekday: Weekday) -> &[Interval] {
        &self.days[weekday.to_monday_zero_offset() as usize]
    }

    /// The file's table form again, for `tenant show` and round trips.
    pub fn to_table(&self) -> BTreeMap<String, Vec<String>> {
        DAY_KEYS
            .iter()
            .zip(&self.days)
            .filter(|(_, intervals)| !intervals.is_empty())
            .map(|(day, intervals)| {
                let texts = intervals.iter().map(Interval::to_string).collect();
                ((*day).to_owned(), texts)
            })
            .collect()
    }

    /// Where both weeks are open: a staff member's own hours inside the branch's.
    pub fn intersect(&self, other: &WeeklyHours) -> WeeklyHours {
        let mut week = WeeklyHours::default();
        for (day, slot) in week.days.iter_mut().enumerate() {
            for a in &self.days[day] {
                for b in &other.days[day] {
                    slot.extend(a.intersect(*b));
                }
            }
            slot.sort();
        }
        week
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(d, v)| (d.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn parses_split_days_and_sorts_them() {
        let week =
            WeeklyHours::from_table(&table(&[("wed", &["14:00-18:00", "09:00-13:00"])])).unwrap();
        assert_eq!(
            week.on(Weekday::Wednesday)[0],
            Interval {
                start: 540,
                end: 780
            }
        );
        assert_eq!(
            week.on(Weekday::Wednesday)[1],
            Interval {
                start: 840,
                end: 1080
            }
        );
        assert!(week.on(Weekday::Monday).is_empty());
    }

    #[test]
    fn rejects_overlaps_unknown_days_and_bad_clocks() {
        let overlap = WeeklyHours::from_table(&table(&[("mon", &["09:00-13:00", "12:00-18:00"])]));
        assert_eq!(
            overlap.unwrap_err().1,
            "intervals 09:00-13:00 and 12:00-18:00 overlap"
        );
        assert!(WeeklyHours::from_table(&table(&[("monday", &["09:00-10:00"])])).is_err());
        for bad in [
            "9-18",
            "09:00",
            "18:00-09:00",
            "09:60-10:00",
            "25:00-26:00",
            "24:00-24:00",
            "09:00-24:30",
        ] {
            assert!(Interval::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(Interval::parse("22:00-24:00").unwrap().end, 1440);
    }

    #[test]
    fn touching_intervals_become_one() {
        let week =
            WeeklyHours::from_table(&table(&[("tue", &["13:00-18:00", "09:00-13:00"])])).unwrap();
        assert_eq!(
            week.on(Weekday::Tuesday),
            [Interval {
                start: 540,
                end: 1080
            }]
        );
    }

    #[test]
    fn intersection_keeps_only_common_time() {
        let branch =
            WeeklyHours::from_table(&table(&[("mon", &["09:00-13:00", "14:00-18:00"])])).unwrap();
        let staff = WeeklyHours::from_table(&table(&[
            ("mon", &["10:00-15:00"]),
            ("tue", &["09:00-12:00"]),
        ]))
        .unwrap();
        let both = branch.intersect(&staff);
        assert_eq!(
            both.to_table(),
            table(&[("mon", &["10:00-13:00", "14:00-15:00"])])
        );
    }
}

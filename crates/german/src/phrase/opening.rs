//! Opening hours as the agent says them: one day ("Am Montag, den 29. März, ist
//! Ostermontag – da haben wir geschlossen. Am Dienstag sind wir ab 9 Uhr wieder da."),
//! the week with its exceptions, and whether the branch is open right now.

use super::words::{attach, capitalize, list_day, unmistakable_date, weekday_name};
use askpro_core::hours::{Interval, WeeklyHours};
use askpro_core::opening::{Closed, DayOpening};
use jiff::civil::Date;

/// "9", "9:30", "24" for a minute of the day.
fn clock(minute: u16) -> String {
    let (h, m) = (minute / 60, minute % 60);
    if m == 0 {
        h.to_string()
    } else {
        format!("{h}:{m:02}")
    }
}

/// "von 9 bis 13 Uhr und von 14 bis 18 Uhr".
pub fn hours_words(hours: &[Interval]) -> String {
    let parts: Vec<String> = hours
        .iter()
        .map(|i| format!("von {} bis {} Uhr", clock(i.start), clock(i.end)))
        .collect();
    parts.join(" und ")
}

/// Why a day is closed, said after the day: "ist Ostermontag – da haben wir geschlossen".
fn closed_words(closed: Closed) -> String {
    match closed {
        Closed::Holiday(name) => format!("ist {name} – da haben wir geschlossen"),
        Closed::ClosedDay | Closed::NoHours => "haben wir geschlossen".to_owned(),
    }
}

/// One day: its hours, or why it is closed and when the branch opens again.
pub fn opening_day(day: &DayOpening, next_open: Option<&DayOpening>, today: Date) -> String {
    let said = unmistakable_date(day.date, today);
    match day.closed {
        None => format!(
            "{}.",
            capitalize(&attach(
                &said,
                &format!("haben wir {} geöffnet", hours_words(&day.hours))
            ))
        ),
        Some(closed) => {
            let mut text = format!("{}.", capitalize(&attach(&said, &closed_words(closed))));
            if let Some(next) = next_open {
                text.push(' ');
                text.push_str(&back_again(next, day.date, today));
            }
            text
        }
    }
}

/// "Am Dienstag sind wir ab 9 Uhr wieder da.": the weekday alone when the day follows
/// `after` (the day just talked about) within the week, else as dates are said.
fn back_again(next: &DayOpening, after: Date, today: Date) -> String {
    let from = next.hours.first().map_or(0, |i| i.start);
    let listed = list_day(next.date, today);
    let close = (after.until(next.date).map_or(0, |span| span.get_days()) as i64) < 7;
    let day = if close && listed.contains(", den ") {
        format!("am {}", weekday_name(next.date.weekday()))
    } else {
        listed
    };
    format!(
        "{}.",
        capitalize(&attach(
            &day,
            &format!("sind wir ab {} Uhr wieder da", clock(from))
        ))
    )
}

/// Right now: "Gerade haben wir geöffnet, heute bis 18 Uhr." or "Gerade haben wir
/// geschlossen. Heute ab 14 Uhr sind wir wieder da."
pub fn open_now(today: &DayOpening, minute: u16, next_open: Option<&DayOpening>) -> String {
    if let Some(now) = today.open_at(minute) {
        return format!(
            "Gerade haben wir geöffnet, heute bis {} Uhr.",
            clock(now.end)
        );
    }
    let later_today = today.hours.iter().find(|i| i.start > minute);
    match (later_today, next_open) {
        (Some(later), _) => format!(
            "Gerade haben wir geschlossen. Heute ab {} Uhr sind wir wieder da.",
            clock(later.start)
        ),
        (None, Some(next)) => format!(
            "Gerade haben wir geschlossen. {}",
            back_again(next, today.date, today.date)
        ),
        (None, None) => "Gerade haben wir geschlossen.".to_owned(),
    }
}

/// The regular week in words, then the days of `coming` that differ from it
/// (holidays, closed days).
pub fn opening_week(week: &WeeklyHours, coming: &[DayOpening], today: Date) -> String {
    let mut text = format!(
        "Unsere Öffnungszeiten: {}.",
        crate::prompt::branch_hours_in_words(week)
    );
    for day in coming {
        if let Some(closed @ (Closed::Holiday(_) | Closed::ClosedDay)) = day.closed {
            let said = unmistakable_date(day.date, today);
            text.push(' ');
            text.push_str(&capitalize(&attach(&said, &closed_words(closed))));
            text.push('.');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use askpro_core::Tenant;
    use askpro_core::opening::{next_open_day, opening_on};
    use jiff::civil::date;

    fn mitte() -> askpro_core::Branch {
        let text = include_str!("../../../../examples/salon-sonnenschein.toml");
        Tenant::from_toml(text).unwrap().branches[0].clone()
    }

    #[test]
    fn a_holiday_is_named_and_the_next_opening_follows() {
        let branch = mitte();
        let today = date(2027, 3, 25);
        let monday = opening_on(&branch, date(2027, 3, 29));
        let next = next_open_day(&branch, date(2027, 3, 30));
        assert_eq!(
            opening_day(&monday, next.as_ref(), today),
            "Am Montag, den 29. März, ist Ostermontag – da haben wir geschlossen. Am Dienstag sind wir ab 9 Uhr wieder da."
        );
    }

    #[test]
    fn an_open_day_and_right_now() {
        let branch = mitte();
        let tuesday = opening_on(&branch, date(2026, 12, 1));
        assert_eq!(
            opening_day(&tuesday, None, date(2026, 11, 30)),
            "Morgen, Dienstag, den 1. Dezember, haben wir von 9 bis 18 Uhr geöffnet."
        );
        assert_eq!(
            open_now(&tuesday, 10 * 60, None),
            "Gerade haben wir geöffnet, heute bis 18 Uhr."
        );
        assert_eq!(
            open_now(&tuesday, 8 * 60, None),
            "Gerade haben wir geschlossen. Heute ab 9 Uhr sind wir wieder da."
        );
        let wednesday = opening_on(&branch, date(2026, 12, 2));
        assert_eq!(
            open_now(&tuesday, 19 * 60, Some(&wednesday)),
            "Gerade haben wir geschlossen. Morgen sind wir ab 9 Uhr wieder da."
        );
    }

    #[test]
    fn the_week_names_its_exceptions() {
        let branch = mitte();
        let today = date(2026, 12, 21);
        let coming: Vec<DayOpening> = (0..7)
            .map(|d| {
                opening_on(
                    &branch,
                    today.checked_add(jiff::Span::new().days(d)).unwrap(),
                )
            })
            .collect();
        let text = opening_week(&branch.hours, &coming, today);
        assert!(
            text.starts_with("Unsere Öffnungszeiten: Montag und Dienstag 9 bis 18 Uhr, Mittwoch 9 bis 13 Uhr und 14 bis 18 Uhr,"),
            "{text}"
        );
        assert!(text.contains("Sonntag geschlossen."), "{text}");
        // Heiligabend is a closed day of the branch, the 25th a holiday.
        assert!(
            text.contains("Am Donnerstag, den 24. Dezember, haben wir geschlossen."),
            "{text}"
        );
        assert!(
            text.contains(
                "Am Freitag, den 25. Dezember, ist 1. Weihnachtstag – da haben wir geschlossen."
            ),
            "{text}"
        );
    }
}

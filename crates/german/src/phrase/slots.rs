//! Offering times: "Ich hätte morgen um 9 Uhr und um halb elf etwas frei, oder am
//! Freitag zwischen 14 und 17 Uhr.", the answer to a taken slot, and the apology when
//! nothing is free.

use jiff::ZonedDateTime;
use jiff::civil::Date;

use super::Address;
use super::words::{ClockWords, attach, capitalize, join_list, list_day, spoken_date, spoken_time};

/// More than three days in one breath is more than a caller can keep in mind.
const MAX_DAYS: usize = 3;
/// Likewise for separate offers within one day (a range counts as one).
const MAX_ITEMS_PER_DAY: usize = 3;
/// Slots this close together are a booking grid, so a run of them reads as a range.
const MAX_RANGE_STEP_SECS: i64 = 30 * 60;
/// Two neighbouring slots are clearer said one by one than as a range.
const MIN_RANGE_LEN: usize = 3;

/// One offer within a day.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Offer {
    At(jiff::civil::Time),
    Between(jiff::civil::Time, jiff::civil::Time),
}

impl Offer {
    fn words(&self) -> String {
        match self {
            Self::At(t) => format!("um {}", ClockWords::for_list(*t).with_uhr()),
            Self::Between(from, to) => format!(
                "zwischen {} und {}",
                ClockWords::for_list(*from).bare(),
                ClockWords::for_list(*to).with_uhr()
            ),
        }
    }
}

fn seconds(z: &ZonedDateTime) -> i64 {
    z.timestamp().as_second()
}

/// Chronological and without duplicates, so grouping and runs can be read off in order.
fn sorted_unique(slots: &[ZonedDateTime]) -> Vec<ZonedDateTime> {
    let mut sorted = slots.to_vec();
    sorted.sort_by_key(seconds);
    sorted.dedup_by_key(|z| seconds(z));
    sorted
}

/// Slots grouped by their (branch-local) date, days in chronological order.
fn by_day(sorted: &[ZonedDateTime]) -> Vec<(Date, Vec<ZonedDateTime>)> {
    let mut days: Vec<(Date, Vec<ZonedDateTime>)> = Vec::new();
    for slot in sorted {
        match days.iter_mut().find(|(d, _)| *d == slot.date()) {
            Some((_, group)) => group.push(slot.clone()),
            None => days.push((slot.date(), vec![slot.clone()])),
        }
    }
    days.sort_by_key(|(d, _)| *d);
    days
}

/// The booking grid as seen in the data: the smallest gap between neighbouring slots.
/// `None` when it is too coarse for ranges to be honest ("zwischen 9 und 12 Uhr"
/// for hourly slots would suggest 10:30 is free).
fn grid_step(sorted: &[ZonedDateTime]) -> Option<i64> {
    sorted
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some(seconds(b) - seconds(a)),
            _ => None,
        })
        .filter(|gap| *gap > 0)
        .min()
        .filter(|step| *step <= MAX_RANGE_STEP_SECS)
}

/// Splits a day's slots into runs on the grid and turns each run into offers.
fn offers(day: &[ZonedDateTime], step: Option<i64>) -> Vec<Offer> {
    let mut runs: Vec<Vec<&ZonedDateTime>> = Vec::new();
    for slot in day {
        let extends = match (runs.last().and_then(|r| r.last()), step) {
            (Some(prev), Some(step)) => seconds(slot) - seconds(prev) == step,
            _ => false,
        };
        match runs.last_mut() {
            Some(run) if extends => run.push(slot),
            _ => runs.push(vec![slot]),
        }
    }
    runs.iter().flat_map(|run| run_offers(run)).collect()
}

fn run_offers(run: &[&ZonedDateTime]) -> Vec<Offer> {
    match (run.first(), run.last()) {
        (Some(first), Some(last)) if run.len() >= MIN_RANGE_LEN => {
            vec![Offer::Between(first.time(), last.time())]
        }
        _ => run.iter().map(|z| Offer::At(z.time())).collect(),
    }
}

/// "morgen um 9 Uhr und um halb elf", "am Montag, den 14. Dezember, zwischen 14 und 17 Uhr".
fn day_phrase(date: Date, offers: &[Offer], today: Date) -> String {
    let items: Vec<String> = offers
        .iter()
        .take(MAX_ITEMS_PER_DAY)
        .map(Offer::words)
        .collect();
    attach(&list_day(date, today), &join_list(&items, "und"))
}

/// Offers free slots, grouped by day: "Ich hätte morgen um 9 Uhr und um halb elf etwas
/// frei, oder am Freitag zwischen 14 und 17 Uhr. Was passt Ihnen am besten?"
///
/// At most three days and three offers per day are named; a run of at least three
/// slots on the booking grid (every 15 or 30 minutes) becomes "zwischen 14 und 17 Uhr",
/// where 17 Uhr is the last start time. No slots gives [`nothing_free`] without a day.
pub fn free_times(slots: &[ZonedDateTime], today: Date, a: Address) -> String {
    let sorted = sorted_unique(slots);
    let step = grid_step(&sorted);
    let days: Vec<String> = by_day(&sorted)
        .into_iter()
        .take(MAX_DAYS)
        .map(|(date, day)| day_phrase(date, &offers(&day, step), today))
        .collect();
    let Some((first, rest)) = days.split_first() else {
        return nothing_free(None, today, a);
    };
    // The first day sits inside the sentence, further days follow as an afterthought
    // ("…, oder am Freitag …"), which is how people offer alternatives on the phone.
    let tail = match rest {
        [] => String::new(),
        [only] => format!(", oder {only}"),
        _ => format!(", {}", join_list(rest, "oder")),
    };
    // A single slot gets a yes/no question; a choice gets an open one.
    let question = if sorted.len() == 1 {
        format!("Passt {} das?", a.dative())
    } else {
        format!("Was passt {} am besten?", a.dative())
    };
    format!("Ich hätte {first} etwas frei{tail}. {question}")
}

/// "Um 14:15 Uhr ist leider schon belegt. Ich kann Ihnen 14:30 Uhr oder 15 Uhr anbieten."
///
/// Alternatives on the wanted day are named by time only, others with their day
/// ("… 16 Uhr oder morgen um 10 Uhr …"). Up to three alternatives are named, the
/// first three given, in chronological order. Without alternatives the agent offers
/// to look at another day.
pub fn slot_taken(
    wanted: ZonedDateTime,
    alternatives: &[ZonedDateTime],
    today: Date,
    a: Address,
) -> String {
    let taken = format!("Um {} ist leider schon belegt.", spoken_time(wanted.time()));
    let mut picked: Vec<ZonedDateTime> = Vec::new();
    for alt in alternatives {
        let new =
            seconds(alt) != seconds(&wanted) && !picked.iter().any(|p| seconds(p) == seconds(alt));
        if new && picked.len() < 3 {
            picked.push(alt.clone());
        }
    }
    picked.sort_by_key(seconds);
    if picked.is_empty() {
        return format!("{taken} {}", offer_other_day(a));
    }
    let items = alternative_items(&picked, wanted.date(), today);
    format!(
        "{taken} Ich kann {} {} anbieten.",
        a.dative(),
        join_list(&items, "oder")
    )
}

/// "14:30 Uhr" on the wanted day; "morgen um 10 Uhr", then "um 11 Uhr" for the same
/// other day, so the day is said once.
fn alternative_items(picked: &[ZonedDateTime], wanted_day: Date, today: Date) -> Vec<String> {
    let mut items = Vec::new();
    let mut previous_day: Option<Date> = None;
    for alt in picked {
        let time = spoken_time(alt.time());
        let item = if alt.date() == wanted_day {
            time
        } else if previous_day == Some(alt.date()) {
            format!("um {time}")
        } else {
            attach(&list_day(alt.date(), today), &format!("um {time}"))
        };
        previous_day = Some(alt.date());
        items.push(item);
    }
    items
}

fn offer_other_day(a: Address) -> String {
    format!(
        "Soll ich an einem anderen Tag für {} nachsehen?",
        a.accusative()
    )
}

/// The wanted time is free: "Morgen um 10 Uhr ist noch frei. Soll ich den Termin für
/// Sie eintragen?"
pub fn slot_free(at: &ZonedDateTime, today: Date, a: Address) -> String {
    let time = format!("um {}", spoken_time(at.time()));
    let when = capitalize(&attach(&spoken_date(at.date(), today), &time));
    format!(
        "{when} ist noch frei. Soll ich den Termin für {} eintragen?",
        a.accusative()
    )
}

/// A day without any free time: "Am Sonntag, den 6. Dezember, haben wir leider
/// geschlossen." when the branch is `closed`, else "… ist leider nichts mehr frei."
pub fn day_unavailable(day: Date, today: Date, closed: bool) -> String {
    let rest = if closed {
        "haben wir leider geschlossen."
    } else {
        "ist leider nichts mehr frei."
    };
    capitalize(&attach(&spoken_date(day, today), rest))
}

/// Nothing free: "Am Freitag, den 4. Dezember, ist leider nichts mehr frei." for a
/// given day, a general "Ich habe leider keinen freien Termin gefunden." without one,
/// each followed by the offer to look at another day.
pub fn nothing_free(day: Option<Date>, today: Date, a: Address) -> String {
    let first = match day {
        Some(date) => capitalize(&attach(
            &spoken_date(date, today),
            "ist leider nichts mehr frei.",
        )),
        None => "Ich habe leider keinen freien Termin gefunden.".to_owned(),
    };
    format!("{first} {}", offer_other_day(a))
}

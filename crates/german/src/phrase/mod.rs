//! What the voice agent says: confirmations, offers of free times and apologies, in
//! German a native speaker would write and a TTS voice reads naturally.
//!
//! Conventions used throughout (and pinned by the tests):
//! - times: "14:15 Uhr", full hours "9 Uhr"; in lists of offers morning half hours may
//!   be said as "halb elf", afternoon times always stay numeric ("14:30 Uhr");
//! - confirmations always carry weekday, date and time, so a misheard "morgen" cannot
//!   cause a missed appointment;
//! - the company's formality ([`Address`]) decides "Sie"/"Ihnen"/"Ihren" versus
//!   "du"/"dir"/"deinen".

mod opening;
mod slots;
#[cfg(test)]
mod tests;
mod words;

pub use opening::{hours_words, open_now, opening_day, opening_week};
pub use slots::{day_unavailable, free_times, nothing_free, slot_free, slot_taken};
pub use words::{spoken_date, spoken_time, written_date};

use words::{attach, unmistakable_date};

/// How the company addresses its callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    Sie,
    Du,
}

impl Address {
    /// Possessive before "Termin" (accusative): "Ihren"/"deinen".
    fn your_acc(self) -> &'static str {
        match self {
            Self::Sie => "Ihren",
            Self::Du => "deinen",
        }
    }

    /// Possessive opening a sentence (nominative): "Ihr"/"Dein".
    fn your_nom(self) -> &'static str {
        match self {
            Self::Sie => "Ihr",
            Self::Du => "Dein",
        }
    }

    /// "Ich kann Ihnen/dir …".
    fn dative(self) -> &'static str {
        match self {
            Self::Sie => "Ihnen",
            Self::Du => "dir",
        }
    }

    /// "… für Sie/dich nachsehen".
    fn accusative(self) -> &'static str {
        match self {
            Self::Sie => "Sie",
            Self::Du => "dich",
        }
    }

    /// Subject and verb of "Sie erhalten"/"Du erhältst" — the verb agrees with it.
    fn you_receive(self) -> &'static str {
        match self {
            Self::Sie => "Sie erhalten",
            Self::Du => "Du erhältst",
        }
    }
}

/// What the agent needs to know about one appointment to talk about it.
#[derive(Debug, Clone)]
pub struct AppointmentFacts<'a> {
    /// Already in the branch's time zone.
    pub start: jiff::ZonedDateTime,
    /// "Damenhaarschnitt".
    pub service_name: &'a str,
    /// "Anna Müller".
    pub staff_name: &'a str,
    /// Mentioned only when `Some`.
    pub branch_name: Option<&'a str>,
    /// The confirmation e-mail is mentioned only when `Some`.
    pub email: Option<&'a str>,
}

/// "am Dienstag, den 1. Dezember, um 14:15 Uhr" / "morgen, Mittwoch, den 2. Dezember, um 9 Uhr".
fn when(start: &jiff::ZonedDateTime, today: jiff::civil::Date) -> String {
    let time = format!("um {}", spoken_time(start.time()));
    attach(&unmistakable_date(start.date(), today), &time)
}

/// "bei Anna Müller für Damenhaarschnitt am Standort Mitte" — parts that are empty are
/// left out instead of producing "bei  für".
fn details(f: &AppointmentFacts) -> String {
    let mut parts = Vec::new();
    if let Some(staff) = non_empty(f.staff_name) {
        parts.push(format!("bei {staff}"));
    }
    if let Some(service) = non_empty(f.service_name) {
        parts.push(format!("für {service}"));
    }
    // "am Standort …" is neutral to the branch name's grammatical gender, unlike
    // "im …"/"in der …", which we cannot pick without knowing the noun.
    if let Some(branch) = f.branch_name.and_then(non_empty) {
        parts.push(format!("am Standort {branch}"));
    }
    parts.join(" ")
}

/// " Sie erhalten gleich eine Bestätigung per E-Mail an …" or nothing.
fn email_sentence(f: &AppointmentFacts, a: Address) -> String {
    match f.email.and_then(non_empty) {
        Some(email) => format!(
            " {} gleich eine Bestätigung per E-Mail an {email}.",
            a.you_receive()
        ),
        None => String::new(),
    }
}

fn non_empty(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// Joins sentence parts with single spaces, skipping empty ones.
fn words(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Ich bestätige Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna
/// Müller für Damenhaarschnitt. Sie erhalten gleich eine Bestätigung per E-Mail an …"
pub fn confirm_booking(f: &AppointmentFacts, today: jiff::civil::Date, a: Address) -> String {
    let core = words(&[
        "Ich bestätige",
        a.your_acc(),
        "Termin",
        &when(&f.start, today),
        &details(f),
    ]);
    format!("{core}.{}", email_sentence(f, a))
}

/// "Ich habe Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller
/// für Damenhaarschnitt storniert. …"
pub fn confirm_cancellation(f: &AppointmentFacts, today: jiff::civil::Date, a: Address) -> String {
    let core = words(&[
        "Ich habe",
        a.your_acc(),
        "Termin",
        &when(&f.start, today),
        &details(f),
        "storniert",
    ]);
    format!("{core}.{}", email_sentence(f, a))
}

/// What the agent says about the caller's upcoming appointments: "Ich habe einen Termin
/// für Sie gefunden: am Dienstag, den 1. Dezember, um 9 Uhr bei Anna Müller für
/// Damenhaarschnitt." Several are listed and followed by "Um welchen geht es?"; none
/// gives "Unter Ihrer Telefonnummer habe ich keinen anstehenden Termin gefunden."
pub fn found_appointments(
    found: &[AppointmentFacts],
    today: jiff::civil::Date,
    a: Address,
) -> String {
    let describe = |f: &AppointmentFacts| words(&[&when(&f.start, today), &details(f)]);
    match found {
        [] => format!(
            "Unter {} Telefonnummer habe ich keinen anstehenden Termin gefunden.",
            match a {
                Address::Sie => "Ihrer",
                Address::Du => "deiner",
            }
        ),
        [only] => format!(
            "Ich habe einen Termin für {} gefunden: {}.",
            a.accusative(),
            describe(only)
        ),
        several => {
            let items: Vec<String> = several.iter().map(describe).collect();
            format!(
                "Ich habe {} Termine für {} gefunden: {}. Um welchen geht es?",
                several.len(),
                a.accusative(),
                words::join_list(&items, "und")
            )
        }
    }
}

/// Same day: "Ich habe Ihren Termin am Dienstag, den 1. Dezember, bei Anna Müller für
/// Damenhaarschnitt von 14:15 Uhr auf 16 Uhr verschoben." Otherwise the old slot, then
/// "Ihr neuer Termin ist am …" with all details, so the caller hears the new slot whole.
pub fn confirm_reschedule(
    old_start: jiff::ZonedDateTime,
    f: &AppointmentFacts,
    today: jiff::civil::Date,
    a: Address,
) -> String {
    let core = if old_start.date() == f.start.date() {
        let change = format!(
            "von {} auf {}",
            spoken_time(old_start.time()),
            spoken_time(f.start.time())
        );
        let rest = words(&[&details(f), &change, "verschoben"]);
        words(&[
            "Ich habe",
            a.your_acc(),
            "Termin",
            &attach(&unmistakable_date(f.start.date(), today), &rest),
        ])
    } else {
        let old = words(&[
            "Ich habe",
            a.your_acc(),
            "Termin",
            &when(&old_start, today),
            "verschoben.",
        ]);
        let new = words(&[
            a.your_nom(),
            "neuer Termin ist",
            &when(&f.start, today),
            &details(f),
        ]);
        format!("{old} {new}")
    };
    format!("{core}.{}", email_sentence(f, a))
}

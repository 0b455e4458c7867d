//! Fuzzing by property: no input makes the resolver panic or take long.

use askpro_german::resolve;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn now() -> jiff::ZonedDateTime {
    "2026-11-26T10:00:00[Europe/Berlin]".parse().unwrap()
}

/// Words of the resolver's own vocabulary, to reach deep into the grammar.
const WORDS: &[&str] = &[
    "am",
    "um",
    "halb",
    "viertel",
    "dreiviertel",
    "vor",
    "nach",
    "bis",
    "zwischen",
    "und",
    "ab",
    "von",
    "vom",
    "morgen",
    "heute",
    "übermorgen",
    "nächste",
    "nächsten",
    "übernächsten",
    "letzten",
    "Woche",
    "Monat",
    "Jahr",
    "Montag",
    "Sonnabend",
    "Dezember",
    "Jänner",
    "dritten",
    "Zwölften",
    "drei",
    "zwölf",
    "vierzehn",
    "Uhr",
    "früh",
    "abends",
    "nachts",
    "Anfang",
    "Mitte",
    "Ende",
    "in",
    "Tagen",
    "Stunden",
    "Minuten",
    "acht",
    "14:30",
    "3.12.",
    "31.",
    "2027",
    "-",
    "Ostermontag",
    "Heiligabend",
    "so",
    "gegen",
    "Montagvormittag",
    "heuer",
    "nicht",
    "möglich",
    "jetzt",
    "25",
    "0",
    "99999",
    "24:00",
    "1.1.1900",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn any_text_is_answered_without_panic(text in "\\PC{0,80}") {
        let started = Instant::now();
        let _ = resolve(&text, &now());
        prop_assert!(started.elapsed() < Duration::from_millis(50));
    }

    #[test]
    fn any_sequence_of_date_words_is_answered_without_panic(words in proptest::collection::vec(proptest::sample::select(WORDS), 0..12), zone in proptest::sample::select(&["Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Pacific/Chatham", "UTC"][..])) {
        let now = now().timestamp().to_zoned_datetime(TimeZone::get(zone).unwrap());
        let _ = resolve(&words.join(" "), &now);
    }
}

#[test]
fn extreme_reference_times_do_not_panic() {
    for reference in [
        "-009990-06-01T00:00:00[UTC]",
        "9999-06-01T00:00:00[UTC]",
        "9999-12-30T22:00:00[Europe/Berlin]",
    ] {
        let now: jiff::ZonedDateTime = reference.parse().unwrap();
        for text in [
            "morgen",
            "nächstes Jahr",
            "in 99 Jahren",
            "Silvester",
            "übernächsten Montag um halb drei",
            "vor 99 Monaten",
            "Ende nächsten Monats",
            "am 31.",
        ] {
            let _ = resolve(text, &now);
        }
    }
}

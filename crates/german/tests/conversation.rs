//! Whole caller sentences as speech-to-text writes them: greetings, verbs and fillers
//! around the date, which must neither be dropped into a wrong date ("Guten Morgen" is
//! not tomorrow) nor make the resolver give up.

use askpro_german::resolve;

/// Thursday 26 November 2026, 10:00 in Berlin.
fn said(text: &str) -> Option<(String, Option<String>)> {
    let now: jiff::ZonedDateTime = "2026-11-26T10:00:00[Europe/Berlin]".parse().unwrap();
    resolve(text, &now).map(|r| {
        let fmt = |z: &jiff::ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M").to_string();
        (fmt(&r.start), r.end.as_ref().map(fmt))
    })
}

#[test]
fn sentences_around_a_date_resolve_to_that_date() {
    let cases = [
        (
            "Ja hallo, hätten Sie morgen so gegen drei noch was frei?",
            "2026-11-27T15:00",
        ),
        (
            "wie schaut's am Samstag in der Früh aus",
            "2026-11-28T07:00",
        ),
        ("ich dachte so an übermorgen", "2026-11-28T00:00"),
        ("passt es Ihnen am 3. Dezember um 10", "2026-12-03T10:00"),
        (
            "dann nehm ich den Donnerstag um viertel nach zwei",
            "2026-12-03T14:15",
        ),
        ("Gibt es morgen Vormittag noch was?", "2026-11-27T08:00"),
        (
            "Guten Morgen, ich hätte gern einen Termin am Freitag",
            "2026-11-27T00:00",
        ),
        ("Guten Tag, geht Dienstag um 10?", "2026-12-01T10:00"),
        (
            "Grüß Gott, hätten S' am Sonnabend was frei",
            "2026-11-28T00:00",
        ),
        (
            "äh, geht vielleicht Dienstag nachmittag?",
            "2026-12-01T12:00",
        ),
        (
            "also am liebsten nächsten Mittwoch vormittags",
            "2026-12-02T08:00",
        ),
        (
            "könnte ich am Freitag um halb fünf kommen",
            "2026-11-27T16:30",
        ),
        ("eher später, so um fünf", "2026-11-26T17:00"),
        ("morgen um viertel 10", "2026-11-27T09:15"),
        ("so um die Mittagszeit", "2026-11-26T12:00"),
        ("am späten Nachmittag", "2026-11-26T15:00"),
        (
            "wie wäre es mit Donnerstag nächster Woche",
            "2026-12-03T00:00",
        ),
    ];
    for (text, start) in cases {
        let got = said(text).unwrap_or_else(|| panic!("{text:?} not understood"));
        assert_eq!(got.0, start, "{text:?}");
    }
}

#[test]
fn open_ranges_inside_sentences() {
    assert_eq!(
        said("Montag wär gut, so ab 14 Uhr"),
        Some(("2026-11-30T14:00".into(), None))
    );
    assert_eq!(
        said("nicht vor 15 Uhr"),
        Some(("2026-11-26T15:00".into(), None))
    );
    assert_eq!(
        said("so bald wie möglich"),
        Some(("2026-11-26T10:00".into(), None))
    );
}

#[test]
fn vague_or_contradictory_sentences_are_refused() {
    for text in [
        "Dienstag oder Mittwoch",
        "eine Woche später",
        "morgen bei Tante Erna",
        "Freitag den dreizehnten",
        "wann haben Sie denn offen",
        "guten Morgen",
        "am Dienstag um Blumenkohl",
        // A person or what it is about, right where the time is: never dropped.
        "mit Anna am Freitag",
        "am dritten Blumenkohl",
        "morgen nach dem Zahnarzt",
    ] {
        assert_eq!(said(text), None, "{text:?} must be refused");
    }
}

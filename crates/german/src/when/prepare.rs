//! What callers say around and across a time expression, dealt with before parsing:
//! - Swiss "ab" after a clock value ("Viertel ab fünf", "zehn ab elf") means "nach";
//! - other content — a name ("Schulz mein Name", "hier ist Becker"), a service or reason
//!   ("zur Fußpflege", "wegen meinem Fahrrad"), a number of people ("für zwei
//!   Personen") — is set aside, never guessed into the time;
//! - a self-correction ("am Montag, äh nein, Donnerstag um neun") splits the phrase: the
//!   later part wins, and what it does not say again (usually the day) is kept.
//!
//! Words that are set aside must be clearly not about time; a word the parser cannot
//! place anywhere else still makes the phrase refused.

use super::lexicon;
use super::parse::Parser;
use super::pieces::Piece;
use super::tokens::Token;

/// A phrase made ready for parsing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prepared {
    /// The parts a self-correction left, in order; the last one wins.
    pub parts: Vec<Vec<Token>>,
    /// Words set aside as other content, in the order said.
    pub set_aside: Vec<String>,
}

fn word(tokens: &[Token], at: usize) -> Option<&str> {
    match tokens.get(at) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    }
}

fn is(tokens: &[Token], at: usize, words: &[&str]) -> bool {
    word(tokens, at).is_some_and(|w| words.contains(&w))
}

/// A number said as digits or a word, small enough for minutes or hours.
fn small_number(tokens: &[Token], at: usize) -> bool {
    match tokens.get(at) {
        Some(Token::Number { value, .. }) => *value < 60,
        Some(Token::Word(w)) => lexicon::cardinal(w).is_some_and(|n| n < 60) || w == "eins",
        _ => false,
    }
}

/// "Viertel ab fünf", "zehn ab elf", "fünf ab halb vier": Swiss for "nach".
fn swiss_ab(tokens: &mut [Token]) {
    for at in 1..tokens.len() {
        let before_is_clock = is(tokens, at - 1, &["viertel"]) || small_number(tokens, at - 1);
        let after_is_hour = is(tokens, at + 1, &["halb"]) || small_number(tokens, at + 1);
        if is(tokens, at, &["ab"]) && before_is_clock && after_is_hour {
            tokens[at] = Token::Word("nach".into());
        }
    }
}

/// Whether `word` says something about time on its own (so it is never set aside).
fn about_time(word: &str) -> bool {
    const TIME_NOUNS: &[&str] = &[
        "woche",
        "wochen",
        "wochenende",
        "monat",
        "monats",
        "jahr",
        "tag",
        "tage",
        "tagen",
        "uhr",
        "stunde",
        "stunden",
        "minuten",
        "naechste",
        "naechsten",
        "kommende",
        "kommenden",
        "diese",
        "diesen",
        "anfang",
        "mitte",
        "ende",
        "halb",
        "viertel",
    ];
    TIME_NOUNS.contains(&word)
        || lexicon::weekday(word).is_some()
        || lexicon::month(word).is_some()
        || lexicon::day_part(word).is_some()
        || lexicon::ordinal(word).is_some()
        || Parser::parse(vec![Token::Word(word.to_owned())]).is_some_and(|p| !p.is_empty())
}

/// Articles and possessives between a preposition and its noun.
const DETERMINERS: &[&str] = &[
    "einen", "eine", "einem", "einer", "ein", "meinem", "meine", "meinen", "meiner", "mein",
    "unserem", "unsere", "unseren", "die", "den", "das", "dem", "der", "kleine", "kleinen", "neue",
    "neuen",
];

/// People counted in a booking: "für zwei Personen", "für 3 Leute".
const PEOPLE: &[&str] = &[
    "personen",
    "person",
    "leute",
    "kinder",
    "kind",
    "erwachsene",
    "gaeste",
];

/// How many tokens from `at` are other content, or 0.
fn other_content(tokens: &[Token], at: usize) -> usize {
    let Some(first) = word(tokens, at) else {
        return 0;
    };
    match first {
        // "… mein Name", "mein Name ist Meier", "hier ist Becker", "ich heiße Lea".
        "mein" if is(tokens, at + 1, &["name"]) => {
            if is(tokens, at + 2, &["ist"]) {
                3 + names_at(tokens, at + 2)
            } else {
                2
            }
        }
        "hier" if is(tokens, at + 1, &["ist", "spricht"]) => 2 + names_at(tokens, at + 1),
        "heisse" | "heiss" => 1 + names_at(tokens, at),
        // "Huber am Apparat", "Frau Baumann am Telefon".
        "am" if is(tokens, at + 1, &["apparat", "telefon", "handy"]) => 2,
        // "zu zweit", "zu dritt".
        "zu" if is(tokens, at + 1, &["zweit", "dritt", "viert"]) => 2,
        // "wegen meinem Fahrrad", "zur Fußpflege", "für einen Haarschnitt", "für zwei Personen".
        "wegen" | "fuer" | "zur" | "zum" | "betreffend" => {
            let mut next = at + 1;
            while is(tokens, next, DETERMINERS) {
                next += 1;
            }
            if first == "fuer" && small_number(tokens, next) && is(tokens, next + 1, PEOPLE) {
                return next + 2 - at;
            }
            match word(tokens, next) {
                Some(noun) if !about_time(noun) && !crate::when::parse::is_filler(noun) => {
                    next + 1 - at
                }
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// The tokens after `at` that are a name: one or two words about nothing else.
fn names_at(tokens: &[Token], at: usize) -> usize {
    let name = |i: usize| {
        word(tokens, i)
            .is_some_and(|w| !about_time(w) && !crate::when::parse::is_filler(w) && w != "und")
    };
    match (name(at + 1), name(at + 2)) {
        (true, true) => 2,
        (true, false) => 1,
        _ => 0,
    }
}

/// Sets other content aside. "Schulz mein Name": the word before "mein Name" goes too.
fn set_aside(tokens: Vec<Token>, aside: &mut Vec<String>) -> Vec<Token> {
    let mut kept: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut at = 0;
    while at < tokens.len() {
        let n = other_content(&tokens, at);
        if n == 0 {
            kept.push(tokens[at].clone());
            at += 1;
            continue;
        }
        let name_before = (is(&tokens, at, &["mein"]) && !is(&tokens, at + 2, &["ist"])
            || is(&tokens, at, &["am"]))
            && matches!(kept.last(), Some(Token::Word(w)) if !about_time(w) && !crate::when::parse::is_filler(w));
        if name_before && let Some(Token::Word(w)) = kept.pop() {
            aside.push(w);
        }
        for token in &tokens[at..at + n] {
            if let Token::Word(w) = token {
                aside.push(w.clone());
            }
        }
        at += n;
    }
    kept
}

/// A correction marker at `at`: its length, and whether it is strong (it must be
/// followed by a new value) or weak ("lieber", "besser": a correction only between two
/// values, else a word of preference).
fn marker(tokens: &[Token], at: usize) -> Option<(usize, bool)> {
    let two = |a: &str, b: &[&str]| is(tokens, at, &[a]) && is(tokens, at + 1, b);
    if two("aeh", &["nein"])
        || two("oder", &["nein"])
        || two("ach", &["nein", "nee"])
        || two("ich", &["korrigiere"])
    {
        return Some((2, true));
    }
    if two("doch", &["lieber", "besser"]) || two("oder", &["lieber", "besser", "doch"]) {
        return Some((2, false));
    }
    match word(tokens, at)? {
        "nein" | "nee" | "quatsch" | "korrigiere" | "entschuldigung" | "sorry" | "moment" => {
            Some((1, true))
        }
        "lieber" | "besser" => Some((1, false)),
        _ => None,
    }
}

/// Whether `tokens` parse into pieces that say something.
fn says_something(tokens: &[Token]) -> bool {
    Parser::parse_sentence(tokens.to_vec()).is_some_and(|(p, _)| !p.is_empty())
}

/// Splits at self-corrections. `None` when a correction is left without a new value.
fn split_corrections(tokens: Vec<Token>) -> Option<Vec<Vec<Token>>> {
    let mut parts = vec![Vec::new()];
    let mut at = 0;
    while at < tokens.len() {
        let Some((len, strong)) = marker(&tokens, at) else {
            parts.last_mut()?.push(tokens[at].clone());
            at += 1;
            continue;
        };
        // "nee, lieber Dienstag": markers in a row are one correction.
        let mut rest_from = at + len;
        while let Some((more, _)) = marker(&tokens, rest_from) {
            rest_from += more;
        }
        let next_marker = (rest_from..tokens.len())
            .find(|i| marker(&tokens, *i).is_some())
            .unwrap_or(tokens.len());
        let before = says_something(parts.last()?);
        let after = says_something(&tokens[rest_from..next_marker]);
        if strong && before && !after {
            return None;
        }
        if before && after {
            parts.push(Vec::new());
        }
        at = rest_from;
    }
    parts.retain(|p| !p.is_empty());
    Some(parts)
}

/// Makes `tokens` ready: Swiss "ab", other content set aside, corrections split.
pub fn prepare(mut tokens: Vec<Token>) -> Option<Prepared> {
    swiss_ab(&mut tokens);
    let mut set_aside_words = Vec::new();
    let tokens = set_aside(tokens, &mut set_aside_words);
    Some(Prepared {
        parts: split_corrections(tokens)?,
        set_aside: set_aside_words,
    })
}

/// The pieces of a corrected phrase: the correction's own, with the date or the time
/// of what it corrects where it says none.
pub fn combine(before: Vec<Piece>, after: Vec<Piece>) -> Vec<Piece> {
    let is_time = |p: &Piece| matches!(p, Piece::Clock { .. } | Piece::Part(_));
    let is_marker = |p: &Piece| matches!(p, Piece::RangeOpen | Piece::RangeTo | Piece::After);
    let after_has_date = after.iter().any(|p| !is_time(p) && !is_marker(p));
    let after_has_time = after.iter().any(is_time);
    let before_is_range = before.iter().any(is_marker);
    let mut out: Vec<Piece> = if after_has_date {
        Vec::new()
    } else {
        before
            .iter()
            .filter(|p| !is_time(p) && !is_marker(p))
            .cloned()
            .collect()
    };
    out.extend(after);
    if !after_has_time && !before_is_range {
        out.extend(before.into_iter().filter(is_time));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::when::tokens::tokenize;

    fn words(prepared: &Prepared) -> Vec<Vec<String>> {
        prepared
            .parts
            .iter()
            .map(|p| {
                p.iter()
                    .map(|t| match t {
                        Token::Word(w) => w.clone(),
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn swiss_ab_after_a_clock_value_is_nach() {
        let p = prepare(tokenize("Viertel ab fünf")).unwrap();
        assert_eq!(words(&p), [["viertel", "nach", "fuenf"]]);
        let open = prepare(tokenize("ab 15 Uhr")).unwrap();
        assert_eq!(words(&open)[0][0], "ab");
    }

    #[test]
    fn names_services_and_people_are_set_aside() {
        let p = prepare(tokenize(
            "Schulz mein Name, ich bräuchte einen Termin zur Fußpflege für zwei Personen am Donnerstag",
        ))
        .unwrap();
        assert_eq!(
            p.set_aside,
            [
                "schulz",
                "mein",
                "name",
                "zur",
                "fusspflege",
                "fuer",
                "zwei",
                "personen"
            ]
        );
        let time = prepare(tokenize("für nächste Woche")).unwrap();
        assert!(time.set_aside.is_empty(), "{time:?}");
    }

    #[test]
    fn a_correction_splits_and_a_dangling_one_refuses() {
        let p = prepare(tokenize("am Montag, äh nein, Donnerstag um neun")).unwrap();
        assert_eq!(p.parts.len(), 2);
        assert!(prepare(tokenize("am Montag, äh nein")).is_none());
        // A preference word without a value before it is no correction.
        let plain = prepare(tokenize("lieber Freitag")).unwrap();
        assert_eq!(plain.parts.len(), 1);
    }
}

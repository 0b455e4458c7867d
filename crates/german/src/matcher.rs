//! Matching what callers call a service or a staff member ("die Anna", "Frau Mueller",
//! "Herren Haarschnitt", "Färbung") to the configured names and aliases.
//!
//! Both sides are normalised the same way — lower case, umlauts and other diacritics
//! folded ("Müller", "Mueller" and "Muller" all become "muller"), filler words dropped
//! ("ich hätte gern einen", "bei der", "Frau") — and then compared with a normalised
//! Damerau-Levenshtein (optimal string alignment) similarity, edits relative to the
//! length but with the length counted up to ten letters only:
//! - every contiguous window of what was said against each whole name, words joined,
//!   so "Herren Haarschnitt" meets "Herrenhaarschnitt";
//! - the same with light German stemming, so "Färbung" meets "Färben";
//! - a window against part of a multi-word name ("Müller" in "Anna Müller"), slightly
//!   discounted;
//! - a window that is the start or end of a compound ("Herren" → "Herrenhaarschnitt"),
//!   discounted more.
//!
//! The best candidate is returned only if it is clearly better than every other one:
//! either by a margin, or because its match covers strictly more of what was said
//! ("Herren Haarschnitt" beats the alias "Haarschnitt" of the ladies' cut). Otherwise
//! the caller is asked, which beats a wrong booking.

use std::collections::HashSet;
use std::sync::LazyLock;

/// A service or staff member as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// The slug returned on a match.
    pub key: &'a str,
    /// Official name and aliases; for staff the full name.
    pub names: Vec<&'a str>,
}

/// The chosen candidate and how well it matched, `0.0..=1.0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    pub key: &'a str,
    pub score: f32,
}

/// Below this nothing is "reasonably close": one typo in a five-letter word scores 0.8.
const MIN_SCORE: f32 = 0.75;
/// Candidates closer than this count as a tie. Larger than `1 - PART_FACTOR`, so a
/// last name alone never out-votes a different candidate's exact alias elsewhere in
/// the sentence ("Schneiden und Föhnen" names two services).
const TIE_MARGIN: f32 = 0.08;
/// A first or last name alone is a good but not a perfect match for a full name.
const PART_FACTOR: f32 = 0.95;
/// "Herren" for "Herrenhaarschnitt" is plausible but weaker than any real name match.
const COMPOUND_SCORE: f32 = 0.8;
/// Shorter compound parts ("Haar") are too unspecific to count.
const MIN_COMPOUND_PART: usize = 5;
/// A name is at most a few words; longer windows cannot improve a match.
const MAX_WINDOW: usize = 4;
/// Bounds the work for pathological input; nobody names a service in more words.
const MAX_SAID_CHARS: usize = 500;
const MAX_SAID_TOKENS: usize = 40;

/// Words that carry no name information in requests like "ich hätte gern einen Termin
/// bei der Frau Müller". Written naturally; folded once on first use.
const FILLER: &str = "ich hätte hatte gern gerne möchte würde will wollte brauche bitte mal also äh \
     ähm ehm hm halt so ja noch auch dann doch gleich vielleicht lieber mir mich \
     mein meine meinen einen eine einem einer eines ein der die das dem den des bei \
     beim zur zum zu für mit von vom am um im in und oder frau herr herrn doktor dr \
     termin machen lassen kann könnte es wir gibt";

static FILLER_FOLDED: LazyLock<HashSet<String>> =
    LazyLock::new(|| FILLER.split_whitespace().map(fold).collect());

/// Lower case with umlauts, ß and common Latin diacritics folded to plain letters, and
/// the ASCII umlaut spellings "ae"/"oe"/"ue" folded too, so "Müller", "Mueller" and
/// "Muller" are equal. Applied identically to both sides of every comparison, so the
/// occasional word that really contains "ue" ("neue" → "nue") still compares fine.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' | 'æ' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ğ' => out.push('g'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' | 'į' => out.push('i'),
            'ł' | 'ľ' | 'ĺ' => out.push('l'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'ō' | 'ő' | 'œ' => out.push('o'),
            'ř' | 'ŕ' => out.push('r'),
            'ś' | 'š' | 'ş' | 'ș' => out.push('s'),
            'ß' => out.push_str("ss"),
            'ť' | 'ţ' | 'ț' => out.push('t'),
            'ü' | 'ù' | 'ú' | 'û' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ž' | 'ż' => out.push('z'),
            // Combining marks of decomposed input ("u\u{308}") and the dot of "i̇".
            '\u{300}'..='\u{36f}' => {}
            other => out.push(other),
        }
    }
    out.replace("ae", "a").replace("oe", "o").replace("ue", "u")
}

/// Folded words of `text`, split at anything that is not a letter or digit.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words without filler; if a name consists of filler only, it keeps its words.
fn content_words(text: &str) -> Vec<String> {
    let all = words(text);
    let content: Vec<String> = all
        .iter()
        .filter(|w| !FILLER_FOLDED.contains(*w))
        .cloned()
        .collect();
    if content.is_empty() { all } else { content }
}

/// Strips one common German ending so inflected and derived forms meet
/// ("färbung"/"färben"/"farbe" → "farb"). Keeps at least three letters.
fn stem(word: &str) -> String {
    const ENDINGS: [&str; 7] = ["ungen", "ung", "en", "er", "e", "n", "s"];
    ENDINGS
        .iter()
        .filter_map(|ending| word.strip_suffix(ending))
        .find(|rest| rest.chars().count() >= 3)
        .unwrap_or(word)
        .to_owned()
}

/// Optimal string alignment distance: Levenshtein plus swaps of neighbouring letters,
/// the most common typing and transcription slip.
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let mut before_prev: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let deletion = prev.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insertion = row.get(j).map_or(usize::MAX, |d| d + 1);
            let substitution = prev
                .get(j)
                .map_or(usize::MAX, |d| d + usize::from(ca != cb));
            let mut best = deletion.min(insertion).min(substitution);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if let Some(d) = before_prev.get(j.wrapping_sub(1)).filter(|_| swapped) {
                best = best.min(d + 1);
            }
            row.push(best);
        }
        before_prev = std::mem::replace(&mut prev, row);
    }
    prev.last().copied().unwrap_or(a.len().max(b.len()))
}

/// Beyond this many letters a longer word earns no more typo allowance: compounds
/// share long heads ("…haarschnitt"), and a different modifier ("Kinder…" vs
/// "Männer…") must not hide behind them.
const SIMILARITY_SCALE: usize = 10;

/// `1 - distance / length`, with the length capped at [`SIMILARITY_SCALE`]; two empty
/// strings share nothing worth matching.
fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let scale = a.len().max(b.len()).min(SIMILARITY_SCALE);
    if scale == 0 {
        return 0.0;
    }
    let distance = osa_distance(&a, &b).min(scale);
    // Both numbers are at most SIMILARITY_SCALE, so the f32 division is exact enough.
    1.0 - distance as f32 / scale as f32
}

/// A sequence of words prepared for comparison, plain and stemmed.
#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<String>,
    joined: String,
    joined_stems: String,
}

impl Phrase {
    fn new(words: &[String]) -> Self {
        Self {
            words: words.to_vec(),
            joined: words.concat(),
            joined_stems: words.iter().map(|w| stem(w)).collect(),
        }
    }

    /// Whole-phrase similarity, plain or stemmed, whichever is higher.
    fn similarity(&self, other: &Phrase) -> f32 {
        similarity(&self.joined, &other.joined)
            .max(similarity(&self.joined_stems, &other.joined_stems))
    }
}

/// A configured name, whole and in its proper parts ("Anna", "Müller").
#[derive(Debug, Clone)]
struct Name {
    whole: Phrase,
    parts: Vec<Phrase>,
}

impl Name {
    /// `None` for names without any word.
    fn new(text: &str) -> Option<Self> {
        let words = content_words(text);
        if words.is_empty() {
            return None;
        }
        Some(Self {
            parts: proper_parts(&words).map(Phrase::new).collect(),
            whole: Phrase::new(&words),
        })
    }
}

/// How well one window of what was said matches one name.
fn window_score(said: &Phrase, name: &Name) -> f32 {
    let whole = said.similarity(&name.whole);
    let part = name
        .parts
        .iter()
        .map(|part| PART_FACTOR * said.similarity(part))
        .fold(0.0, f32::max);
    let compound = if is_compound_part(&said.joined, &name.whole.words) {
        COMPOUND_SCORE
    } else {
        0.0
    };
    whole.max(part).max(compound)
}

/// Contiguous word runs of a name that are shorter than the name ("Anna", "Müller").
fn proper_parts(words: &[String]) -> impl Iterator<Item = &[String]> {
    let n = words.len();
    (1..n).flat_map(move |len| (0..=n - len).filter_map(move |start| words.get(start..start + len)))
}

/// "herren" starts "herrenhaarschnitt", "schnitt" ends "herrenschnitt".
fn is_compound_part(said: &str, name_words: &[String]) -> bool {
    let len = said.chars().count();
    len >= MIN_COMPOUND_PART
        && name_words
            .iter()
            .any(|w| w.chars().count() > len && (w.starts_with(said) || w.ends_with(said)))
}

/// One candidate's best showing: its score and the window of said words it used.
#[derive(Debug, Clone, Copy)]
struct Showing<'a> {
    key: &'a str,
    score: f32,
    start: usize,
    end: usize,
}

impl Showing<'_> {
    fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Strictly contains the other's window: explains more of what was said.
    fn covers(&self, other: &Showing) -> bool {
        self.start <= other.start && other.end <= self.end && self.len() > other.len()
    }

    /// Clearly better, or as good while explaining strictly more.
    fn beats(&self, other: &Showing) -> bool {
        self.score - other.score > TIE_MARGIN
            || (self.score >= other.score - TIE_MARGIN && self.covers(other))
    }
}

/// A candidate's best showing. The score is its best window's; the window reported is
/// the longest one around it scoring nearly as well, so that "Anna Schmitt" counts as
/// covering both words for "Anna Schmidt" even though "Anna" alone scores higher.
fn best_showing<'a>(said: &[String], names: &[Name], key: &'a str) -> Option<Showing<'a>> {
    let mut windows: Vec<Showing<'a>> = Vec::new();
    for start in 0..said.len() {
        for end in start + 1..=(start + MAX_WINDOW).min(said.len()) {
            let Some(window) = said.get(start..end) else {
                continue;
            };
            let window = Phrase::new(window);
            let score = names
                .iter()
                .map(|name| window_score(&window, name))
                .fold(0.0, f32::max);
            windows.push(Showing {
                key,
                score,
                start,
                end,
            });
        }
    }
    let best = windows
        .iter()
        .copied()
        .reduce(|a, b| if b.score > a.score { b } else { a })?;
    windows
        .into_iter()
        .filter(|w| {
            w.score >= best.score - TIE_MARGIN && w.start <= best.start && best.end <= w.end
        })
        .max_by_key(Showing::len)
        .map(|w| Showing {
            score: best.score,
            ..w
        })
}

/// The candidate the caller most likely meant, or `None` when nothing is reasonably
/// close or two candidates are about equally likely.
pub fn best_match<'a>(said: &str, candidates: &[Candidate<'a>]) -> Option<Match<'a>> {
    let said: String = said.chars().take(MAX_SAID_CHARS).collect();
    let said: Vec<String> = words(&said)
        .into_iter()
        .filter(|w| !FILLER_FOLDED.contains(w))
        .take(MAX_SAID_TOKENS)
        .collect();
    let showings: Vec<Showing<'a>> = candidates
        .iter()
        .filter_map(|c| {
            let names: Vec<Name> = c.names.iter().filter_map(|n| Name::new(n)).collect();
            best_showing(&said, &names, c.key)
        })
        .filter(|s| s.score >= MIN_SCORE - TIE_MARGIN)
        .collect();
    let winner = showings.iter().find(|s| {
        s.score >= MIN_SCORE
            && showings
                .iter()
                .filter(|o| o.key != s.key)
                .all(|o| s.beats(o))
    })?;
    Some(Match {
        key: winner.key,
        score: winner.score.clamp(0.0, 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The services of `examples/salon-sonnenschein.toml`.
    fn services() -> Vec<Candidate<'static>> {
        vec![
            Candidate {
                key: "damenhaarschnitt",
                names: vec![
                    "Damenhaarschnitt",
                    "Haare schneiden",
                    "Schnitt",
                    "Haarschnitt",
                    "Damenschnitt",
                ],
            },
            Candidate {
                key: "herrenhaarschnitt",
                names: vec![
                    "Herrenhaarschnitt",
                    "Herrenschnitt",
                    "Männerhaarschnitt",
                    "Haare kürzen",
                ],
            },
            Candidate {
                key: "faerben",
                names: vec!["Färben", "Farbe", "Haare färben", "Tönung", "Coloration"],
            },
            Candidate {
                key: "foehnen",
                names: vec!["Waschen und Föhnen", "Föhnen", "Waschen", "Styling"],
            },
        ]
    }

    /// The staff of `examples/salon-sonnenschein.toml`.
    fn staff() -> Vec<Candidate<'static>> {
        vec![
            Candidate {
                key: "anna",
                names: vec!["Anna Müller"],
            },
            Candidate {
                key: "jonas",
                names: vec!["Jonas Weber"],
            },
            Candidate {
                key: "leyla",
                names: vec!["Leyla Yıldız"],
            },
            Candidate {
                key: "sepp",
                names: vec!["Sepp Huber"],
            },
        ]
    }

    fn service(said: &str) -> Option<&'static str> {
        best_match(said, &services()).map(|m| m.key)
    }

    fn person(said: &str) -> Option<&'static str> {
        best_match(said, &staff()).map(|m| m.key)
    }

    // ---- building blocks ----

    #[test]
    fn fold_treats_umlaut_spellings_alike() {
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("Mueller"), "muller");
        assert_eq!(fold("MULLER"), "muller");
        assert_eq!(fold("Yıldız"), "yildiz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Mu\u{308}ller"), "muller");
    }

    #[test]
    fn osa_counts_a_swap_as_one_edit() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(osa_distance(&chars("anna"), &chars("anna")), 0);
        assert_eq!(osa_distance(&chars("weber"), &chars("webre")), 1);
        assert_eq!(osa_distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(osa_distance(&chars(""), &chars("abc")), 3);
        assert_eq!(osa_distance(&chars("ca"), &chars("abc")), 3);
    }

    #[test]
    fn similarity_caps_the_allowance_of_long_words() {
        assert_eq!(similarity("anna", "anna"), 1.0);
        assert_eq!(similarity("leila", "leyla"), 0.8);
        assert_eq!(similarity("damenhaarschnit", "damenhaarschnitt"), 0.9);
        assert_eq!(similarity("kinderhaarschnitt", "mannerhaarschnitt"), 0.7);
        assert_eq!(similarity("", ""), 0.0);
    }

    #[test]
    fn stem_strips_one_ending() {
        assert_eq!(stem("farbung"), "farb");
        assert_eq!(stem("farben"), "farb");
        assert_eq!(stem("farbe"), "farb");
        assert_eq!(stem("anna"), "anna");
        assert_eq!(stem("sen"), "sen");
    }

    // ---- services ----

    #[test]
    fn exact_service_names_and_aliases() {
        assert_eq!(service("Damenhaarschnitt"), Some("damenhaarschnitt"));
        assert_eq!(service("Herrenhaarschnitt"), Some("herrenhaarschnitt"));
        assert_eq!(service("Färben"), Some("faerben"));
        assert_eq!(service("Waschen und Föhnen"), Some("foehnen"));
        assert_eq!(service("Tönung"), Some("faerben"));
        assert_eq!(service("Styling"), Some("foehnen"));
        assert_eq!(service("Haare kürzen"), Some("herrenhaarschnitt"));
    }

    #[test]
    fn exact_match_scores_one() {
        let m = best_match("Damenhaarschnitt", &services());
        assert_eq!(
            m,
            Some(Match {
                key: "damenhaarschnitt",
                score: 1.0
            })
        );
    }

    #[test]
    fn misspelt_services() {
        assert_eq!(service("Damenhaarschnit"), Some("damenhaarschnitt"));
        assert_eq!(service("damen haar schnitt"), Some("damenhaarschnitt"));
        assert_eq!(service("Herenhaarschnitt"), Some("herrenhaarschnitt"));
        assert_eq!(service("Fönen"), Some("foehnen"));
        assert_eq!(service("Waschen und Fönen"), Some("foehnen"));
        assert_eq!(service("Kolorazion"), Some("faerben"));
    }

    #[test]
    fn split_compound_from_speech_to_text() {
        assert_eq!(service("Herren Haarschnitt"), Some("herrenhaarschnitt"));
        assert_eq!(service("Herren Haarschnit"), Some("herrenhaarschnitt"));
        assert_eq!(service("Männer Haarschnitt"), Some("herrenhaarschnitt"));
    }

    #[test]
    fn inflected_and_derived_forms() {
        assert_eq!(service("Färbung"), Some("faerben"));
        assert_eq!(service("Faerbung"), Some("faerben"));
        assert_eq!(service("Haare schneiden lassen"), Some("damenhaarschnitt"));
        assert_eq!(service("Föhn"), Some("foehnen"));
    }

    #[test]
    fn compound_part_alone() {
        assert_eq!(service("Herren"), Some("herrenhaarschnitt"));
        assert_eq!(service("Damen"), Some("damenhaarschnitt"));
        let m = best_match("Herren", &services());
        assert_eq!(m.map(|m| m.score), Some(COMPOUND_SCORE));
    }

    #[test]
    fn alias_beats_compound_part() {
        // "Schnitt" is an alias of the ladies' cut and only the end of "Herrenschnitt".
        assert_eq!(service("Schnitt"), Some("damenhaarschnitt"));
        assert_eq!(service("Haarschnitt"), Some("damenhaarschnitt"));
    }

    #[test]
    fn services_inside_a_request() {
        assert_eq!(
            service("Ich hätte gern einen Termin zum Färben"),
            Some("faerben")
        );
        assert_eq!(
            service("ich hätte gern einen Herrenschnitt bitte"),
            Some("herrenhaarschnitt")
        );
        assert_eq!(
            service("einen Damenhaarschnitt bei der Anna am Freitag"),
            Some("damenhaarschnitt")
        );
    }

    #[test]
    fn unknown_services_are_none() {
        assert_eq!(service("Dauerwelle"), None);
        assert_eq!(service("Maniküre"), None);
        assert_eq!(service("Bartrasur"), None);
        assert_eq!(service("Extensions"), None);
        // Shares "haarschnitt" with three aliases, but is none of them.
        assert_eq!(service("Kinderhaarschnitt"), None);
        assert_eq!(service("Kurzhaarschnitt"), None);
    }

    #[test]
    fn ambiguous_service_requests_are_none() {
        // "Haare" starts three aliases equally well.
        assert_eq!(service("Haare"), None);
        // Two different services named: ask instead of guessing.
        assert_eq!(service("Damenhaarschnitt und Färben"), None);
        assert_eq!(service("Schneiden und Föhnen"), None);
    }

    // ---- staff ----

    #[test]
    fn staff_by_full_name() {
        assert_eq!(person("Anna Müller"), Some("anna"));
        assert_eq!(person("Leyla Yıldız"), Some("leyla"));
        assert_eq!(person("Leyla Yildiz"), Some("leyla"));
        assert_eq!(
            best_match("Sepp Huber", &staff()).map(|m| m.score),
            Some(1.0)
        );
    }

    #[test]
    fn staff_by_first_or_last_name() {
        assert_eq!(person("Anna"), Some("anna"));
        assert_eq!(person("Jonas"), Some("jonas"));
        assert_eq!(person("Huber"), Some("sepp"));
        assert_eq!(person("Weber"), Some("jonas"));
        assert_eq!(
            best_match("Anna", &staff()).map(|m| m.score),
            Some(PART_FACTOR)
        );
    }

    #[test]
    fn staff_with_umlaut_spellings() {
        assert_eq!(person("Frau Mueller"), Some("anna"));
        assert_eq!(person("Frau Muller"), Some("anna"));
        assert_eq!(person("frau müller"), Some("anna"));
        assert_eq!(person("Frau Yildiz"), Some("leyla"));
    }

    #[test]
    fn staff_with_filler_words() {
        assert_eq!(person("bei der Anna"), Some("anna"));
        assert_eq!(person("die Anna"), Some("anna"));
        assert_eq!(person("bei dem Jonas"), Some("jonas"));
        assert_eq!(person("zum Sepp bitte"), Some("sepp"));
        assert_eq!(person("Herr Weber"), Some("jonas"));
        assert_eq!(
            person("Ich hätte gern einen Termin bei Frau Müller"),
            Some("anna")
        );
    }

    #[test]
    fn staff_misheard() {
        assert_eq!(person("Leila"), Some("leyla"));
        assert_eq!(person("Jonas Webber"), Some("jonas"));
        assert_eq!(person("Anna Müler"), Some("anna"));
        assert_eq!(person("Hubert"), Some("sepp"));
    }

    #[test]
    fn staff_in_a_longer_sentence() {
        assert_eq!(
            person("einen Damenhaarschnitt bei der Anna am Freitag"),
            Some("anna")
        );
    }

    #[test]
    fn unknown_staff_are_none() {
        assert_eq!(person("Peter"), None);
        assert_eq!(person("Frau Schmidt"), None);
        assert_eq!(person("egal wer"), None);
        assert_eq!(person("Hannah"), None);
    }

    #[test]
    fn two_staff_named_is_none() {
        assert_eq!(person("Anna oder Jonas"), None);
    }

    #[test]
    fn shared_first_name_needs_the_last_name() {
        let staff = vec![
            Candidate {
                key: "anna-m",
                names: vec!["Anna Müller"],
            },
            Candidate {
                key: "anna-s",
                names: vec!["Anna Schmidt"],
            },
        ];
        assert_eq!(best_match("Anna", &staff), None);
        assert_eq!(best_match("die Anna", &staff), None);
        assert_eq!(
            best_match("Anna Müller", &staff).map(|m| m.key),
            Some("anna-m")
        );
        assert_eq!(
            best_match("Frau Schmidt", &staff).map(|m| m.key),
            Some("anna-s")
        );
        assert_eq!(
            best_match("Anna Schmitt", &staff).map(|m| m.key),
            Some("anna-s")
        );
    }

    #[test]
    fn similar_names_are_told_apart() {
        let staff = vec![
            Candidate {
                key: "anna",
                names: vec!["Anna Müller"],
            },
            Candidate {
                key: "hanna",
                names: vec!["Hanna Weiß"],
            },
        ];
        assert_eq!(best_match("Anna", &staff).map(|m| m.key), Some("anna"));
        assert_eq!(best_match("Hanna", &staff).map(|m| m.key), Some("hanna"));
        assert_eq!(
            best_match("Frau Weiss", &staff).map(|m| m.key),
            Some("hanna")
        );
    }

    // ---- degenerate input ----

    #[test]
    fn empty_and_filler_only_input_is_none() {
        assert_eq!(service(""), None);
        assert_eq!(service("   "), None);
        assert_eq!(person("ich hätte gern bei der"), None);
        assert_eq!(service("?!…"), None);
        assert_eq!(best_match("Anna", &[]), None);
    }

    #[test]
    fn candidate_without_names_never_matches() {
        let c = vec![Candidate {
            key: "ghost",
            names: vec![],
        }];
        assert_eq!(best_match("ghost", &c), None);
    }

    proptest! {
        #[test]
        fn never_panics_and_scores_stay_in_range(said in "\\PC{0,80}") {
            for candidates in [services(), staff()] {
                if let Some(m) = best_match(&said, &candidates) {
                    prop_assert!((MIN_SCORE..=1.0).contains(&m.score));
                }
            }
        }

        #[test]
        fn similarity_is_symmetric_and_bounded(a in "[a-zäöü]{0,12}", b in "[a-zäöü]{0,12}") {
            let ab = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert_eq!(ab, similarity(&b, &a));
        }
    }
}

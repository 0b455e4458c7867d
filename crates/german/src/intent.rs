//! What the caller wants — book, cancel, reschedule or just ask — from one transcribed
//! utterance, by rules a reviewer can read.
//!
//! The text is folded like names in [`crate::matcher`] (case, umlauts and "ae/oe/ue"
//! spellings, punctuation only as clause breaks) and searched for cues: short word
//! patterns that may have a few words in between ("ich sage *den Termin* ab"). Then:
//! - a cue preceded by "nicht"/"kein…" in its clause does not count ("ich will nicht
//!   stornieren"), unless the negation is part of the cue ("ich kann nicht kommen");
//! - after "sondern", "nur", "lieber" or "stattdessen" the later cues win ("nicht
//!   absagen, nur verschieben");
//! - among what remains: reschedule > cancel > book > ask, because the more specific
//!   wish usually names the more general one too ("einen Termin absagen" contains
//!   "einen Termin"). "später"/"früher" mean reschedule only when the caller refers to
//!   an appointment they already have ("meinen Termin", "ich habe einen Termin").

use std::sync::LazyLock;

use crate::matcher::fold;

/// The caller's wish, as the dialogue logic branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Book,
    Cancel,
    Reschedule,
    /// Opening hours, prices, availability ("haben Sie noch etwas frei?").
    Ask,
}

/// What a cue tells. The last three are hints that only count in combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    Is(Intent),
    /// "später"/"früher".
    Shift,
    /// "einen neuen Termin" — with a cancellation it is a reschedule.
    NewAppointment,
    /// "meinen Termin", "ich habe einen Termin".
    Existing,
}

/// Separable verb particles ("ich sage … ab") are also prepositions ("ab wann"), so a
/// particle only counts at the end of its clause or before one of [`AFTER_PARTICLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    Any,
    Particle,
}

/// A cue as written below: alternatives separated by `|`, `x*` matches words starting
/// with x, `*x*` words containing x ("Friseurtermin"); at most `gap` words between parts.
struct CueSpec {
    signal: Signal,
    parts: &'static [&'static str],
    gap: usize,
    tail: Tail,
}

const fn cue(signal: Signal, parts: &'static [&'static str], gap: usize) -> CueSpec {
    CueSpec {
        signal,
        parts,
        gap,
        tail: Tail::Any,
    }
}

const fn particle(signal: Signal, parts: &'static [&'static str]) -> CueSpec {
    CueSpec {
        signal,
        parts,
        gap: 4,
        tail: Tail::Particle,
    }
}

const CANCEL: Signal = Signal::Is(Intent::Cancel);
const RESCHEDULE: Signal = Signal::Is(Intent::Reschedule);
const BOOK: Signal = Signal::Is(Intent::Book);
const ASK: Signal = Signal::Is(Intent::Ask);

/// Verbs of wanting that introduce a new booking ("ich hätte gern einen Termin").
const WANT: &str = "möchte|möcht|möchten|hätte|hätt|hätten|brauche|bräuchte|bräuchten|will|\
                    wollen|wollte|würde|würden|suche|kann|könnte|kriege|krieg|bekomme";

const CUES: &[CueSpec] = &[
    // Cancel.
    cue(CANCEL, &["absag*|abzusagen|abgesagt"], 0),
    particle(CANCEL, &["sag|sage|sagen|sagt", "ab"]),
    cue(CANCEL, &["stornier*|storno*"], 0),
    cue(
        CANCEL,
        &["nicht|nich|net", "kommen|vorbeikommen|erscheinen"],
        3,
    ),
    cue(CANCEL, &["komme", "nicht|nich|net"], 3),
    cue(
        CANCEL,
        &["schaffe|schaff|schaffs|schaffen|schafft", "nicht|nich|net"],
        3,
    ),
    cue(CANCEL, &["streich*"], 0),
    cue(CANCEL, &["lösch*"], 0),
    cue(CANCEL, &["abmeld*"], 0),
    particle(CANCEL, &["melde|melden", "ab"]),
    cue(CANCEL, &["cancel*"], 0),
    cue(CANCEL, &["nicht", "wahrnehmen"], 2),
    cue(CANCEL, &["brauche|brauchen", "nicht", "mehr"], 4),
    cue(CANCEL, &["keinen", "*termin*", "mehr"], 3),
    // Reschedule.
    cue(RESCHEDULE, &["verschieb*|verschoben"], 0),
    cue(RESCHEDULE, &["umbuch*|umgebucht"], 0),
    particle(RESCHEDULE, &["buche|buchen", "um"]),
    cue(RESCHEDULE, &["verleg*"], 0),
    cue(RESCHEDULE, &["umleg*|umgelegt"], 0),
    cue(
        RESCHEDULE,
        &["anderen|andere|anderer|anderes|andern", "*termin*"],
        1,
    ),
    cue(
        RESCHEDULE,
        &["*termin*", "ändern|ändere|umändern|tauschen|umstellen"],
        3,
    ),
    // Hints.
    cue(Signal::Shift, &["später*|früher*"], 0),
    cue(
        Signal::NewAppointment,
        &[
            "neuen|neue|neues|neu",
            "*termin*|buchen|ausmachen|vereinbaren|machen|eintragen",
        ],
        1,
    ),
    cue(
        Signal::Existing,
        &[
            "mein|meinen|meinem|meiner|den|dem|der|unseren|unser|unserem|diesen|diesem|dieser",
            "*termin*",
        ],
        1,
    ),
    cue(
        Signal::Existing,
        &["habe|hab", "einen|nen|ein|n", "*termin*"],
        2,
    ),
    // Book.
    cue(
        BOOK,
        &[
            "*termin*",
            "ausmachen|vereinbaren|buchen|machen|reservieren|eintragen|kriegen|bekommen|haben|holen",
        ],
        4,
    ),
    cue(
        BOOK,
        &["ausmachen|vereinbaren|buchen|buche|reservier*|anmelden|anmeldung"],
        0,
    ),
    cue(BOOK, &[WANT, "einen|nen|ein|n", "*termin*"], 3),
    particle(BOOK, &["melde|melden", "an"]),
    particle(BOOK, &["mache|machen", "aus"]),
    // Ask.
    cue(
        ASK,
        &["öffnungszeit*|geöffnet|öffnet|öffnen|offen|aufhaben|zumachen"],
        0,
    ),
    particle(ASK, &["habt|haben|hat|seid|sind|macht|machen", "auf|zu"]),
    cue(
        ASK,
        &["kostet|kosten|preis|preise|preisliste|teuer|dauert"],
        0,
    ),
    cue(ASK, &["frei|freie|freien|freier|freies|verfügbar|platz"], 0),
    cue(ASK, &["wann", "*termin*"], 4),
];

/// Words that may follow a separable particle: "ich sage ab, weil …", "sag bitte ab".
const AFTER_PARTICLE: &[&str] = &[
    "bitte", "weil", "da", "denn", "leider", "und", "ich", "wir", "oder", "sondern", "nur",
    "lieber", "danke", "ja",
];

/// "Sondern", "nur", "lieber": what follows replaces what came before.
const CONTRAST: &[&str] = &["sondern", "nur", "lieber", "stattdessen"];

const NEGATORS: &[&str] = &[
    "nicht", "nich", "net", "nichts", "kein", "keine", "keinen", "keinem", "nie", "niemals",
];

/// A negation further back usually belongs to another verb.
const NEGATION_WINDOW: usize = 3;

/// Bounds the work for pathological input; real utterances are far shorter.
const MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Exact(String),
    Prefix(String),
    Contains(String),
}

impl Pattern {
    fn parse(text: &str) -> Self {
        let folded = fold(text.trim());
        match (folded.strip_prefix('*'), folded.strip_suffix('*')) {
            (Some(rest), _) => Self::Contains(rest.trim_end_matches('*').to_owned()),
            (None, Some(rest)) => Self::Prefix(rest.to_owned()),
            (None, None) => Self::Exact(folded),
        }
    }

    fn matches(&self, word: &str) -> bool {
        match self {
            Self::Exact(p) => word == p,
            Self::Prefix(p) => word.starts_with(p.as_str()),
            Self::Contains(p) => word.contains(p.as_str()),
        }
    }
}

/// A [`CueSpec`] with its patterns folded, ready to match.
struct Cue {
    signal: Signal,
    parts: Vec<Vec<Pattern>>,
    gap: usize,
    tail: Tail,
}

static COMPILED: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    CUES.iter()
        .map(|spec| Cue {
            signal: spec.signal,
            parts: spec
                .parts
                .iter()
                .map(|alts| alts.split('|').map(Pattern::parse).collect())
                .collect(),
            gap: spec.gap,
            tail: spec.tail,
        })
        .collect()
});

/// The word lists above, folded like the text they are compared with.
struct Lexicon {
    after_particle: Vec<String>,
    contrast: Vec<String>,
    negators: Vec<String>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let fold_all = |list: &[&str]| list.iter().map(|w| fold(w)).collect::<Vec<_>>();
    Lexicon {
        after_particle: fold_all(AFTER_PARTICLE),
        contrast: fold_all(CONTRAST),
        negators: fold_all(NEGATORS),
    }
});

fn is_after_particle(word: &str) -> bool {
    LEXICON.after_particle.iter().any(|w| w == word)
}

fn is_contrast(word: &str) -> bool {
    LEXICON.contrast.iter().any(|w| w == word)
}

fn is_negator(word: &str) -> bool {
    LEXICON.negators.iter().any(|w| w == word)
}

/// A folded word and the clause it stands in; cues never span clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    word: String,
    clause: usize,
}

/// Punctuation ends a clause; "aber" does too, since it opens a new thought whose
/// negation must not reach back ("nicht heute, aber morgen absagen").
fn tokenize(text: &str) -> Vec<Token> {
    let text: String = text.chars().take(MAX_CHARS).collect();
    let mut tokens = Vec::new();
    let mut clause = 0;
    let mut word = String::new();
    for c in fold(&text).chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else if c == '\'' || c == '’' {
            // "schaff's", "geht's": one word, as the cues spell it.
        } else {
            push_word(&mut tokens, &mut word, &mut clause);
            if ".,;:!?()–—\n".contains(c) {
                clause += 1;
            }
        }
    }
    push_word(&mut tokens, &mut word, &mut clause);
    tokens
}

fn push_word(tokens: &mut Vec<Token>, word: &mut String, clause: &mut usize) {
    if word.is_empty() {
        return;
    }
    if word == "aber" {
        *clause += 1;
    } else {
        tokens.push(Token {
            word: std::mem::take(word),
            clause: *clause,
        });
    }
    word.clear();
}

/// One occurrence of a cue: where it starts and which words it used.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    signal: Signal,
    start: usize,
    used: Vec<usize>,
}

fn part_matches(part: &[Pattern], token: &Token) -> bool {
    part.iter().any(|p| p.matches(&token.word))
}

/// Every occurrence of `cue`, each part taken as early as possible.
fn find(cue: &Cue, tokens: &[Token]) -> Vec<Hit> {
    let Some((first, rest)) = cue.parts.split_first() else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for (start, token) in tokens.iter().enumerate() {
        if !part_matches(first, token) {
            continue;
        }
        let mut used = vec![start];
        let mut pos = start;
        let complete = rest.iter().all(|part| {
            let next = (pos + 1..=pos + 1 + cue.gap).find(|&i| {
                tokens
                    .get(i)
                    .is_some_and(|t| t.clause == token.clause && part_matches(part, t))
            });
            next.map(|i| {
                pos = i;
                used.push(i);
            })
            .is_some()
        });
        if complete && tail_ok(cue.tail, tokens, pos) {
            hits.push(Hit {
                signal: cue.signal,
                start,
                used,
            });
        }
    }
    hits
}

fn tail_ok(tail: Tail, tokens: &[Token], last: usize) -> bool {
    match (tail, tokens.get(last), tokens.get(last + 1)) {
        (Tail::Any, _, _) => true,
        (Tail::Particle, Some(here), Some(next)) => {
            next.clause != here.clause || is_after_particle(&next.word)
        }
        (Tail::Particle, _, None) => true,
        // Cannot happen: `last` is the index of a matched word.
        (Tail::Particle, None, Some(_)) => false,
    }
}

/// Negated by a "nicht"/"kein…" shortly before it in the same clause (not reaching back
/// past "sondern"/"nur"/…), or by one inside its gaps ("Termin nicht vereinbaren").
fn is_negated(hit: &Hit, tokens: &[Token]) -> bool {
    let Some(clause) = tokens.get(hit.start).map(|t| t.clause) else {
        return false;
    };
    let before = tokens
        .get(..hit.start)
        .unwrap_or_default()
        .iter()
        .rev()
        .take(NEGATION_WINDOW)
        .take_while(|t| t.clause == clause && !is_contrast(&t.word))
        .any(|t| is_negator(&t.word));
    let end = hit.used.last().copied().unwrap_or(hit.start);
    let inside = (hit.start..=end)
        .filter(|i| !hit.used.contains(i))
        .filter_map(|i| tokens.get(i))
        .any(|t| is_negator(&t.word));
    before || inside
}

/// After the last contrast word that is followed by a cue, only those later cues count.
fn after_last_contrast(hits: Vec<Hit>, tokens: &[Token]) -> Vec<Hit> {
    let contrast_positions = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| is_contrast(&t.word))
        .map(|(i, _)| i)
        .rev();
    for pos in contrast_positions {
        let later: Vec<Hit> = hits
            .iter()
            .filter(|h| h.start > pos && matches!(h.signal, Signal::Is(_)))
            .cloned()
            .collect();
        if !later.is_empty() {
            return later;
        }
    }
    hits
}

/// Picks the intent from the cues that count; see the module documentation.
fn decide(hits: &[Hit], refers_to_existing: bool) -> Option<Intent> {
    let has = |signal: Signal| hits.iter().any(|h| h.signal == signal);
    if has(RESCHEDULE) {
        Some(Intent::Reschedule)
    } else if has(CANCEL) {
        Some(if has(Signal::NewAppointment) {
            Intent::Reschedule
        } else {
            Intent::Cancel
        })
    } else if has(Signal::Shift) && refers_to_existing {
        Some(Intent::Reschedule)
    } else if has(BOOK) {
        Some(Intent::Book)
    } else if has(ASK) {
        Some(Intent::Ask)
    } else {
        None
    }
}

/// The caller's intent, or `None` when the utterance gives no cue (greetings, names,
/// unrelated talk) or only negated ones ("ich will nicht stornieren").
pub fn detect_intent(text: &str) -> Option<Intent> {
    let tokens = tokenize(text);
    let hits: Vec<Hit> = COMPILED
        .iter()
        .flat_map(|cue| find(cue, &tokens))
        .filter(|hit| !is_negated(hit, &tokens))
        .collect();
    let refers_to_existing = hits.iter().any(|h| h.signal == Signal::Existing);
    decide(&after_last_contrast(hits, &tokens), refers_to_existing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_intent(expected: Option<Intent>, phrases: &[&str]) {
        for phrase in phrases {
            assert_eq!(detect_intent(phrase), expected, "for {phrase:?}");
        }
    }

    #[test]
    fn cancel() {
        assert_intent(
            Some(Intent::Cancel),
            &[
                "Ich möchte meinen Termin absagen.",
                "Ich muss leider absagen",
                "Können Sie den Termin stornieren?",
                "Storno bitte für morgen",
                "ICH MÖCHTE STORNIEREN!!!",
                "Bitte streichen Sie meinen Termin",
                "Können Sie meinen Termin löschen",
                "koennen sie meinen termin loeschen",
                "Ich sage meinen Termin am Freitag ab.",
                "sag bitte ab",
                "Ich melde mich für morgen ab",
                "Ich möchte einen Termin absagen",
                "Ich brauche den Termin nicht mehr",
                "ich brauche keinen Termin mehr",
            ],
        );
    }

    #[test]
    fn cancel_where_the_negation_is_part_of_the_cue() {
        assert_intent(
            Some(Intent::Cancel),
            &[
                "Ich kann nicht kommen",
                "ich kann morgen leider nicht kommen",
                "Ich schaffe es leider nicht",
                "ich schaff's nicht",
                "Ich komme morgen nicht",
                "Ich kann den Termin nicht wahrnehmen",
            ],
        );
    }

    #[test]
    fn reschedule() {
        assert_intent(
            Some(Intent::Reschedule),
            &[
                "Kann ich meinen Termin verschieben?",
                "Ich würde gern umbuchen",
                "Können wir den Termin auf Freitag verlegen?",
                "Ich bräuchte einen anderen Termin",
                "Ich möchte den Termin ändern",
                "Ich möchte meinen Termin aendern",
                "Kann ich meinen Termin umlegen",
                "Ich kann am Dienstag nicht kommen, können wir das verschieben?",
                "ich kann am dienstag nicht kommen koennen wir das verschieben",
                "Ich möchte absagen und einen neuen Termin ausmachen",
                "Ich möchte meinen Termin morgen absagen und am Freitag neu buchen",
            ],
        );
    }

    #[test]
    fn reschedule_later_or_earlier_needs_an_existing_appointment() {
        assert_intent(
            Some(Intent::Reschedule),
            &[
                "Geht mein Termin auch etwas später?",
                "Kann ich den Termin früher haben?",
                "Ich habe morgen einen Termin, geht das auch frueher?",
            ],
        );
        assert_eq!(detect_intent("Ich komme etwas später"), None);
        assert_eq!(detect_intent("Früher war alles besser"), None);
        assert_eq!(
            detect_intent("Ich hätte gern einen Termin, gerne auch später am Tag"),
            Some(Intent::Book)
        );
        assert_eq!(
            detect_intent("Haben Sie später noch einen Termin frei?"),
            Some(Intent::Ask)
        );
    }

    #[test]
    fn book() {
        assert_intent(
            Some(Intent::Book),
            &[
                "Ich hätte gern einen Termin",
                "Ich haette gerne einen Termin fuer Freitag",
                "Ich möchte einen Termin ausmachen",
                "Kann ich einen Termin vereinbaren?",
                "Ich würde gern einen Haarschnitt buchen",
                "Ich möchte für Samstag reservieren",
                "Ich möchte mich anmelden",
                "ich melde mich an",
                "Termin für Damenhaarschnitt machen",
                "Können wir einen Friseurtermin ausmachen?",
                "Machen wir einen Termin aus",
                "Ich buche um 14 Uhr",
                "Ich hätte lieber einen Termin am Nachmittag",
            ],
        );
    }

    #[test]
    fn book_outranks_ask() {
        assert_eq!(
            detect_intent("Haben Sie morgen noch etwas frei? Ich hätte gern einen Termin."),
            Some(Intent::Book)
        );
    }

    #[test]
    fn ask() {
        assert_intent(
            Some(Intent::Ask),
            &[
                "Wann habt ihr offen?",
                "Was sind eure Öffnungszeiten?",
                "Oeffnungszeiten bitte",
                "Wann macht ihr auf?",
                "Was kostet ein Damenhaarschnitt?",
                "Wie viel kostet Färben?",
                "Haben Sie noch etwas frei?",
                "habt ihr morgen noch was frei",
                "Wann ist mein Termin?",
            ],
        );
    }

    #[test]
    fn particle_ab_as_preposition_is_not_a_cancellation() {
        assert_intent(
            Some(Intent::Ask),
            &[
                "Können Sie mir sagen, ab wann ihr offen habt?",
                "koennen sie mir sagen ab wann ihr offen habt",
            ],
        );
    }

    #[test]
    fn negated_cues_do_not_count() {
        assert_intent(
            None,
            &[
                "Ich will nicht stornieren",
                "Ich möchte den Termin nicht absagen",
                "Ich möchte keinen Termin vereinbaren",
                "Nein, ich will nichts verschieben, nicht verschieben",
            ],
        );
    }

    #[test]
    fn later_clause_after_contrast_wins() {
        assert_intent(
            Some(Intent::Reschedule),
            &[
                "Ich möchte nicht absagen, nur verschieben",
                "nicht stornieren sondern umbuchen bitte",
                "Ich will nicht absagen, lieber verlegen",
            ],
        );
        assert_intent(
            Some(Intent::Cancel),
            &[
                "nicht verschieben, lieber absagen",
                "Ich will keinen neuen Termin, ich will nur absagen",
                "Ich will nicht verschieben, ich will absagen",
                "Ich wollte verschieben, aber stattdessen lieber absagen",
            ],
        );
    }

    #[test]
    fn unrelated_text_is_none() {
        assert_intent(
            None,
            &[
                "",
                "   ",
                "Guten Tag, hier ist Müller",
                "Wie ist das Wetter?",
                "Ja genau",
                "Termin",
                "?!.,",
            ],
        );
    }

    #[test]
    fn serializes_snake_case() {
        assert_eq!(
            serde_json::to_string(&Intent::Reschedule).ok().as_deref(),
            Some("\"reschedule\"")
        );
        assert_eq!(
            serde_json::to_string(&Intent::Book).ok().as_deref(),
            Some("\"book\"")
        );
    }

    #[test]
    fn tokenizer_folds_and_splits_clauses() {
        let tokens = tokenize("Ich möchte, aber schaff's NICHT.");
        let words: Vec<(&str, usize)> =
            tokens.iter().map(|t| (t.word.as_str(), t.clause)).collect();
        assert_eq!(
            words,
            [("ich", 0), ("mochte", 0), ("schaffs", 2), ("nicht", 2)]
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,200}") {
            let _ = detect_intent(&text);
        }

        #[test]
        fn punctuation_and_case_do_not_matter(upper in any::<bool>()) {
            let text = if upper { "ICH MÖCHTE MEINEN TERMIN ABSAGEN!" } else { "ich moechte meinen termin absagen" };
            prop_assert_eq!(detect_intent(text), Some(Intent::Cancel));
        }
    }
}

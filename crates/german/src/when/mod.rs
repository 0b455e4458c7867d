//! Resolving spoken German date and time expressions against a reference moment in
//! an IANA time zone (`shared/contract/german.md`): "Sonnabend um Viertel drei",
//! "übermorgen vormittags", "den dritten Zwölften", "nächste Woche Dienstag so gegen
//! halb vier". Whatever it cannot place with confidence it refuses.

mod dates;
mod frame;
mod lexicon;
mod parse;
mod pieces;
mod prepare;
mod resolve;
mod tokens;
mod window;

pub use dates::Grain;
pub use resolve::Resolution;
pub use window::{Window, resolve_window};

use jiff::ZonedDateTime;

/// Longest phrase considered: a caller's date, not a transcript.
const MAX_LEN: usize = 300;

/// Which words of a phrase made the time, and which were set aside as other content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Explanation {
    /// The words that carry the time, as folded (`ae` for `ä`), in order; with a
    /// self-correction, each part said, the last one winning.
    pub time_words: Vec<Vec<String>>,
    /// Other content set aside: a name, a service, a reason, people.
    pub set_aside: Vec<String>,
    /// Politeness and request words that carry nothing.
    pub filler: Vec<String>,
}

/// Explains how `text` was read, whether or not it resolves.
pub fn explain(text: &str) -> Explanation {
    if text.len() > MAX_LEN {
        return Explanation::default();
    }
    let Some(prepared) = prepare::prepare(tokens::tokenize(text)) else {
        return Explanation::default();
    };
    let mut out = Explanation {
        set_aside: prepared.set_aside,
        ..Explanation::default()
    };
    for part in prepared.parts {
        let mut words = Vec::new();
        let mut greeting = false;
        // Words the parser set aside around the expression ("Huber hier").
        let aside = parse::Parser::parse_sentence(part.clone())
            .map(|(_, aside)| aside)
            .unwrap_or_default();
        for (at, token) in part.iter().enumerate() {
            if matches!(token, tokens::Token::Word(w) if aside.contains(w)) {
                out.set_aside.push(tokens::shown(token));
                continue;
            }
            // "Guten Morgen" greets; it is not tomorrow.
            let next = part.get(at + 1).map(tokens::shown);
            let opens_greeting = matches!(token, tokens::Token::Word(w) if w == "guten" || w == "gruess")
                && matches!(next.as_deref(), Some("tag" | "morgen" | "abend" | "gott"));
            match token {
                tokens::Token::Word(w) if opens_greeting || greeting || parse::is_filler(w) => {
                    greeting = opens_greeting;
                    out.filler.push(w.clone());
                }
                other => words.push(tokens::shown(other)),
            }
        }
        out.time_words.push(words);
    }
    out
}

/// Resolves `text` against `now` (whose time zone is the branch's), or `None` when
/// the phrase is not understood with confidence.
pub fn resolve(text: &str, now: &ZonedDateTime) -> Option<Resolution> {
    if text.len() > MAX_LEN {
        return None;
    }
    let prepared = prepare::prepare(tokens::tokenize(text))?;
    let mut pieces: Option<Vec<pieces::Piece>> = None;
    for part in prepared.parts {
        let (said, _) = parse::Parser::parse_sentence(part)?;
        pieces = Some(match pieces {
            Some(before) => prepare::combine(before, said),
            None => said,
        });
    }
    let pieces = pieces.filter(|p| !p.is_empty())?;
    resolve::resolve(&pieces, now)
}

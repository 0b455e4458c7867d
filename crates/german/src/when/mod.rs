//! Resolving spoken German date and time expressions against a reference moment in
//! an IANA time zone (`shared/contract/german.md`): "Sonnabend um Viertel drei",
//! "übermorgen vormittags", "den dritten Zwölften", "nächste Woche Dienstag so gegen
//! halb vier". Whatever it cannot place with confidence it refuses.

mod dates;
mod frame;
mod lexicon;
mod parse;
mod pieces;
mod resolve;
mod tokens;

pub use dates::Grain;
pub use resolve::Resolution;

use jiff::ZonedDateTime;

/// Longest phrase considered: a caller's date, not a transcript.
const MAX_LEN: usize = 300;

/// Resolves `text` against `now` (whose time zone is the branch's), or `None` when
/// the phrase is not understood with confidence.
pub fn resolve(text: &str, now: &ZonedDateTime) -> Option<Resolution> {
    if text.len() > MAX_LEN {
        return None;
    }
    let pieces = parse::Parser::parse(tokens::tokenize(text))?;
    if pieces.is_empty() {
        return None;
    }
    resolve::resolve(&pieces, now)
}

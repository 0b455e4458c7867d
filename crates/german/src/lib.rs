//! Spoken German for AskPro, free of I/O: resolving date and time expressions as
//! callers say them (`shared/contract/german.md`), phrasing what the agent says back,
//! recognising intents, and matching what callers call services and staff.

pub mod intent;
pub mod matcher;
pub mod phrase;
pub mod prompt;
pub mod when;

pub use when::{Explanation, Grain, Resolution, Window, explain, resolve, resolve_window};

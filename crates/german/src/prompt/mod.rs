//! The agent's system prompt ("general_prompt" of the Retell LLM), composed from a
//! company's tenant data: a base prompt that is always present, plus optional named
//! template blocks (`retell:update-prompt --template=dialect-robust`).
//!
//! The prompt addresses the agent in the second person ("Du bist die
//! Telefonassistenz von …") and tells it how to address callers — "Sie" or "du",
//! following [`Formality`](askpro_core::Formality) — with example sentences in that
//! form, because a model imitates its examples more reliably than it follows rules.
//!
//! Output is deterministic: the same tenant, blocks and switch give the same string,
//! byte for byte, so a diff against the prompt that is live at Retell is meaningful.
//! Nothing here panics, whatever the tenant holds (no branches, no services, …).

mod base;
mod blocks;
#[cfg(test)]
mod tests;
mod text;

use askpro_core::{Formality, Tenant};

/// The names accepted by [`compose`], in the order `--help` lists them.
pub const TEMPLATE_BLOCKS: &[&str] = &[
    "dialect-robust",
    "slow-speech",
    "cancellation",
    "clear-confirmation",
    "privacy-notice",
];

/// Why a prompt could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    #[error("unknown prompt block `{name}`; known blocks: {}", .known.join(", "))]
    UnknownBlock {
        name: String,
        known: Vec<&'static str>,
    },
}

/// Composes the system prompt for `tenant`: the base prompt, then each block of
/// `blocks` under its own heading, in the given order, each at most once.
///
/// `cancellation_enabled` mirrors the company's `retell.enable_cancellation`: the
/// prompt must not offer what the backend will refuse, so when it is off neither the
/// base prompt nor the `cancellation` block mentions the cancel or move functions.
///
/// Every name is checked before anything is composed; the first unknown one is the
/// error.
pub fn compose(
    tenant: &Tenant,
    blocks: &[&str],
    cancellation_enabled: bool,
) -> Result<String, PromptError> {
    let chosen = chosen_blocks(blocks)?;
    let ctx = Ctx {
        tenant,
        cancellation_enabled,
    };
    let mut sections = base::sections(&ctx);
    sections.extend(chosen.into_iter().map(|block| block.section(&ctx)));
    Ok(render(&sections))
}

/// The blocks a (live) prompt contains, recognised by their headings, in
/// `TEMPLATE_BLOCKS` order: what `retell update-prompt` keeps and `diagnose` checks.
pub fn blocks_in(prompt: &str) -> Vec<&'static str> {
    Block::ALL
        .into_iter()
        .filter(|b| {
            prompt
                .lines()
                .any(|line| line.trim() == format!("## {}", b.heading()))
        })
        .map(Block::name)
        .collect()
}

/// Weekly hours in German words ("Montag bis Freitag 9 bis 18 Uhr, …"), days without
/// hours left out: for `staff show-assignments`.
pub fn hours_in_words(week: &askpro_core::WeeklyHours) -> String {
    text::week_in_words(week, None)
}

/// A branch's weekly hours in German words, closed days named ("…, Sonntag
/// geschlossen"): for the agent's `get_opening_hours`.
pub fn branch_hours_in_words(week: &askpro_core::WeeklyHours) -> String {
    text::week_in_words(week, Some("geschlossen"))
}

/// One line per block with an English description, for the CLI's `--help`.
pub fn block_names_help() -> String {
    Block::ALL
        .iter()
        .map(|b| format!("  {:<20}{}\n", b.name(), b.summary()))
        .collect()
}

/// Resolves names to blocks, keeping the first occurrence of each: asking for a block
/// twice (e.g. from a default list plus a command-line flag) must not repeat it.
fn chosen_blocks(names: &[&str]) -> Result<Vec<Block>, PromptError> {
    let mut chosen = Vec::new();
    for name in names {
        let block = Block::from_name(name).ok_or_else(|| PromptError::UnknownBlock {
            name: (*name).to_owned(),
            known: TEMPLATE_BLOCKS.to_vec(),
        })?;
        if !chosen.contains(&block) {
            chosen.push(block);
        }
    }
    Ok(chosen)
}

/// What every section needs to know while it is written.
struct Ctx<'a> {
    tenant: &'a Tenant,
    cancellation_enabled: bool,
}

impl Ctx<'_> {
    /// Picks the caller-facing wording for the company's formality. Both forms are
    /// written out in full at the call site, so each reads as natural German.
    fn you(&self, sie: &'static str, du: &'static str) -> &'static str {
        match self.tenant.company.formality {
            Formality::Sie => sie,
            Formality::Du => du,
        }
    }

    fn company(&self) -> String {
        text::one_line(&self.tenant.company.name)
    }
}

/// A heading and its text. Markdown headings because Retell's own prompt examples use
/// them and models keep sections apart better with them.
struct Section {
    heading: String,
    body: String,
}

impl Section {
    fn new(heading: impl Into<String>, body: impl Into<String>) -> Self {
        Section {
            heading: heading.into(),
            body: body.into(),
        }
    }
}

fn render(sections: &[Section]) -> String {
    let parts: Vec<String> = sections
        .iter()
        .map(|s| format!("## {}\n{}\n", s.heading, s.body.trim_end()))
        .collect();
    parts.join("\n")
}

/// The named template blocks. `TEMPLATE_BLOCKS` lists the same names (a test pins
/// that); the enum exists so a typo in a name is a compile error, not a silent miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    DialectRobust,
    SlowSpeech,
    Cancellation,
    ClearConfirmation,
    PrivacyNotice,
}

impl Block {
    const ALL: [Block; 5] = [
        Block::DialectRobust,
        Block::SlowSpeech,
        Block::Cancellation,
        Block::ClearConfirmation,
        Block::PrivacyNotice,
    ];

    fn name(self) -> &'static str {
        match self {
            Block::DialectRobust => "dialect-robust",
            Block::SlowSpeech => "slow-speech",
            Block::Cancellation => "cancellation",
            Block::ClearConfirmation => "clear-confirmation",
            Block::PrivacyNotice => "privacy-notice",
        }
    }

    /// The heading the block's section carries in the prompt.
    fn heading(self) -> &'static str {
        match self {
            Block::DialectRobust => blocks::DIALECT_ROBUST,
            Block::SlowSpeech => blocks::SLOW_SPEECH,
            Block::Cancellation => blocks::CANCELLATION,
            Block::ClearConfirmation => blocks::CLEAR_CONFIRMATION,
            Block::PrivacyNotice => blocks::PRIVACY_NOTICE,
        }
    }

    fn summary(self) -> &'static str {
        match self {
            Block::DialectRobust => {
                "understand dialect and colloquial German; ask back instead of guessing"
            }
            Block::SlowSpeech => "speak slowly, short sentences, at most three options at once",
            Block::Cancellation => {
                "careful cancelling and moving (or a polite refusal when switched off)"
            }
            Block::ClearConfirmation => {
                "repeat service, date, time, staff and branch before booking"
            }
            Block::PrivacyNotice => {
                "a short data-protection notice after the greeting; privacy requests go to the team"
            }
        }
    }

    fn from_name(name: &str) -> Option<Block> {
        Block::ALL.into_iter().find(|b| b.name() == name)
    }

    fn section(self, ctx: &Ctx) -> Section {
        match self {
            Block::DialectRobust => blocks::dialect_robust(ctx),
            Block::SlowSpeech => blocks::slow_speech(ctx),
            Block::Cancellation => blocks::cancellation(ctx),
            Block::ClearConfirmation => blocks::clear_confirmation(ctx),
            Block::PrivacyNotice => blocks::privacy_notice(ctx),
        }
    }
}

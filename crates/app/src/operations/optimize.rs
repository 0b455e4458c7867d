//! `ai optimize-prompts --based-on-last-month`: reads the last month's transcripts and
//! function answers and proposes which prompt blocks to enable, each with its evidence
//! (how many calls, which ones). Deterministic counting, no language model.

use super::diagnose::calls::{StoredCall, not_understood, said_time};
use super::transcript::{self, mentions};
use crate::App;
use crate::error::Result;
use askpro_store::operations;
use serde::Serialize;
use std::collections::BTreeMap;

/// The month `--based-on-last-month` looks at.
const MONTH_MS: i64 = 30 * 86_400_000;

/// One proposed change to the prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// The template block to enable (`retell update-prompt --template …`).
    pub block: &'static str,
    pub reason: String,
    pub calls: usize,
    /// Up to three call ids to listen to.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromptAnalysis {
    pub company: String,
    pub calls_analysed: usize,
    pub proposals: Vec<Proposal>,
    /// Time phrases the resolver refused, most frequent first, with their counts: the
    /// dialect words worth adding to the prompt's examples.
    pub refused_phrases: Vec<(String, usize)>,
    /// `retell.enable_cancellation` should be switched on.
    pub enable_cancellation: bool,
}

/// Collects call ids per finding, keeping at most three examples.
#[derive(Default)]
struct Finding {
    calls: usize,
    examples: Vec<String>,
}

impl Finding {
    fn add(&mut self, call_id: &str) {
        self.calls += 1;
        if self.examples.len() < 3 {
            self.examples.push(call_id.to_owned());
        }
    }

    fn propose(self, block: &'static str, reason: &str, at_least: usize) -> Option<Proposal> {
        (self.calls >= at_least).then(|| Proposal {
            block,
            reason: reason.to_owned(),
            calls: self.calls,
            examples: self.examples,
        })
    }
}

impl App {
    pub async fn optimize_prompts(&self, slug: &str) -> Result<PromptAnalysis> {
        let model = self.company(slug).await?;
        let since = self.now_ms() - MONTH_MS;
        let calls: Vec<StoredCall> = self.calls_since(&model, since).await?;
        let functions = operations::functions_since(&self.db, model.id(), since, i64::MAX).await?;
        let mut refused: BTreeMap<String, usize> = BTreeMap::new();
        let mut misunderstood = Finding::default();
        for f in functions.iter().filter(|f| not_understood(&f.answer)) {
            if let Some(phrase) = said_time(&f.args) {
                *refused.entry(phrase).or_default() += 1;
            }
            if !misunderstood.examples.contains(&f.call_id) {
                misunderstood.add(&f.call_id);
            }
        }
        let did = |call_id: &str, names: &[&str]| {
            functions
                .iter()
                .any(|f| f.call_id == call_id && f.ok == 1 && names.contains(&f.name.as_str()))
        };
        let (mut repeats, mut too_fast, mut wishes, mut dropped, mut asked_again) = (
            Finding::default(),
            Finding::default(),
            Finding::default(),
            Finding::default(),
            Finding::default(),
        );
        for call in &calls {
            let id = call.row.call_id.as_str();
            if mentions(
                &transcript::agent_text(&call.data),
                transcript::AGENT_REPEATS,
            ) {
                repeats.add(id);
            }
            if call.caller_said(transcript::TOO_FAST) {
                too_fast.add(id);
            }
            if call.caller_said(transcript::CANCEL_WISH)
                && !did(id, &["cancel_appointment", "reschedule_appointment"])
            {
                wishes.add(id);
            }
            if call.caller_said(transcript::REPEAT_BOOKING) {
                asked_again.add(id);
            }
            let looked = functions
                .iter()
                .any(|f| f.call_id == id && f.name == "check_availability");
            let ended = call.row.disconnection_reason.as_deref().unwrap_or_default();
            if looked
                && !did(id, &["book_appointment"])
                && (ended == "user_hangup" || transcript::ended_abnormally(ended))
            {
                dropped.add(id);
            }
        }
        let cancellation_on = self
            .setting("retell.enable_cancellation", Some(slug))
            .await?
            .value
            .as_bool();
        let enable_cancellation = !cancellation_on && wishes.calls > 0;
        let mut proposals: Vec<Proposal> = [
            misunderstood.propose(
                "dialect-robust",
                "times the resolver could not place („nicht verstanden“)",
                1,
            ),
            repeats.propose(
                "dialect-robust",
                "the agent had to ask callers to repeat themselves",
                3,
            ),
            too_fast.propose(
                "slow-speech",
                "callers asked the agent to speak more slowly",
                2,
            ),
            dropped.propose(
                "slow-speech",
                "callers hung up after hearing free times, without booking",
                3,
            ),
            wishes.propose(
                "cancellation",
                "callers wanted to cancel or move and the call ended without it",
                1,
            ),
            asked_again.propose(
                "clear-confirmation",
                "callers asked for the booking again after it was made",
                2,
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        // One proposal per block: the one with more calls speaks for both.
        proposals.sort_by(|a, b| a.block.cmp(b.block).then(b.calls.cmp(&a.calls)));
        proposals.dedup_by(|later, first| later.block == first.block);
        proposals.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.block.cmp(b.block)));
        let mut refused_phrases: Vec<(String, usize)> = refused.into_iter().collect();
        refused_phrases.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        refused_phrases.truncate(20);
        Ok(PromptAnalysis {
            company: slug.to_owned(),
            calls_analysed: calls.len(),
            proposals,
            refused_phrases,
            enable_cancellation,
        })
    }
}

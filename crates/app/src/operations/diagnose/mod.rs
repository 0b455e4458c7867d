//! `askpro diagnose`: every check of `shared/contract/operations.md` for one company,
//! each `ok`/`warn`/`fail` with its evidence and, unless `ok`, the commands that fix it
//! with the company's slugs filled in.
//!
//! Outside services (Retell, SMTP, Cal.com) are asked once each, in parallel, with a
//! deadline: a service that does not answer makes its checks say `warn: no answer`
//! instead of holding up the diagnosis.

mod bookings;
pub(crate) mod calls;
mod delivery;
mod outside;

use crate::App;
use crate::error::Result;
use serde::Serialize;
use std::time::Duration;

pub use outside::{Outside, OutsideFacts};

/// How long one outside service may take before its checks give up.
pub const OUTSIDE_DEADLINE: Duration = Duration::from_millis(3_500);

/// The window most checks look at.
pub const WEEK_MS: i64 = 7 * 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    /// Not checked (nothing to check, e.g. no Cal.com configured).
    Skip,
    Warn,
    Fail,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Skip => "skip",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
        }
    }
}

/// One line of the diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: &'static str,
    /// The runbook problem (1–10) it belongs to; the first when several.
    pub problem: u8,
    pub problems: Vec<u8>,
    pub status: CheckStatus,
    pub evidence: String,
    /// The fixing commands, in order, joined by ` && `; `None` when ok.
    pub fix: Option<String>,
    /// The same commands one by one, for scripts.
    pub commands: Vec<String>,
}

impl Check {
    fn new(id: &'static str, problems: &[u8]) -> Check {
        Check {
            id,
            problem: problems.first().copied().unwrap_or(0),
            problems: problems.to_vec(),
            status: CheckStatus::Ok,
            evidence: String::new(),
            fix: None,
            commands: Vec::new(),
        }
    }

    /// Raises the status to `status` (never lowers it) and adds a piece of evidence.
    fn note(&mut self, status: CheckStatus, evidence: impl Into<String>) {
        self.status = self.status.max(status);
        let evidence = evidence.into();
        if !evidence.is_empty() {
            if !self.evidence.is_empty() {
                self.evidence.push_str("; ");
            }
            self.evidence.push_str(&evidence);
        }
    }

    /// Adds a fixing command (`askpro …`), once.
    fn fix_with(&mut self, command: impl Into<String>) {
        let command = command.into();
        if !self.commands.contains(&command) {
            self.commands.push(command);
        }
    }

    /// Drops the commands when nothing needs fixing, and joins them otherwise.
    fn finish(mut self) -> Check {
        if self.status == CheckStatus::Ok || self.status == CheckStatus::Skip {
            self.commands.clear();
        }
        self.fix = (!self.commands.is_empty()).then(|| self.commands.join(" && "));
        self
    }
}

/// The whole diagnosis of one company.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    pub company: String,
    pub checked_at: String,
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// The worst status of any check.
    pub fn worst(&self) -> CheckStatus {
        self.checks
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(CheckStatus::Ok)
    }

    /// The checks that warn or fail, in order.
    pub fn open_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks
            .iter()
            .filter(|c| matches!(c.status, CheckStatus::Warn | CheckStatus::Fail))
    }

    pub fn failed(&self) -> bool {
        self.worst() == CheckStatus::Fail
    }
}

/// `askpro <command>` with the company's slug.
fn command(text: impl AsRef<str>) -> String {
    format!("askpro {}", text.as_ref())
}

impl App {
    /// Runs every check for company `slug`. Outside services are asked first, in
    /// parallel and each with [`OUTSIDE_DEADLINE`]; the database checks follow.
    pub async fn diagnose(&self, slug: &str, outside: &Outside) -> Result<Diagnosis> {
        let model = self.company(slug).await?;
        let facts = outside.gather(self, &model).await;
        let checks = vec![
            self.check_understanding(&model, &facts).await?,
            self.check_double_bookings(&model, &facts).await?,
            self.check_webhook_duplicates(&model).await?,
            self.check_email(&model, &facts).await?,
            self.check_workers().await?,
            self.check_calls_captured(&model, outside, &facts).await?,
            self.check_staff(&model, &facts).await?,
            self.check_voice(&model, &facts).await?,
            self.check_cancellation(&model).await?,
            self.check_availability(&model, &facts).await?,
            self.check_hang_ups(&model).await?,
            self.check_confirmation(&model, &facts).await?,
        ];
        Ok(Diagnosis {
            company: slug.to_owned(),
            checked_at: self.now().to_string(),
            checks: checks.into_iter().map(Check::finish).collect(),
        })
    }

    /// When `key` last changed for this company (its own value, else the global one),
    /// so checks judge by what happened since a fix.
    pub async fn setting_changed_at(&self, key: &str, company: &str) -> Result<Option<i64>> {
        let scope = self.company(company).await?.id().to_owned();
        let all = askpro_store::settings::all(&self.db).await?;
        let at = |s: &str| {
            all.iter()
                .find(|x| x.key == key && x.scope == s)
                .map(|x| x.updated_at)
        };
        Ok(at(&scope).or_else(|| at(askpro_store::settings::GLOBAL)))
    }
}

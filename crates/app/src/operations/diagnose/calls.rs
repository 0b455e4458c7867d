//! Checks on what callers experienced: understanding, voice speed, cancelling by phone,
//! calls that ended abruptly, and the confirmation of bookings.

use super::outside::{Fact, OutsideFacts};
use super::{Check, CheckStatus, WEEK_MS, command};
use crate::App;
use crate::error::Result;
use crate::model::CompanyModel;
use crate::operations::transcript::{self, mentions};
use askpro_store::calls::{self, CallRow};
use serde_json::Value;

/// A call with its merged object parsed.
pub(crate) struct StoredCall {
    pub row: CallRow,
    pub data: Value,
}

impl StoredCall {
    pub fn caller_said(&self, phrases: &[&str]) -> bool {
        mentions(&transcript::caller_text(&self.data), phrases)
    }

    /// Longer than 10 s: the caller was actually connected.
    pub fn connected(&self) -> bool {
        self.row.duration_ms.unwrap_or(0) > 10_000
    }
}

/// Function answers that told the caller a time was not understood.
pub(crate) fn not_understood(answer: &str) -> bool {
    answer.contains("nicht verstanden")
}

impl App {
    /// The company's calls that started at or after `since`.
    pub(crate) async fn calls_since(
        &self,
        model: &CompanyModel,
        since: i64,
    ) -> Result<Vec<StoredCall>> {
        let rows = calls::list_calls(&self.db, model.id(), since, 100_000).await?;
        Ok(rows
            .into_iter()
            .map(|row| StoredCall {
                data: serde_json::from_str(&row.data).unwrap_or(Value::Null),
                row,
            })
            .collect())
    }

    /// Since when a check judges: the last week, or since `key` changed when that was
    /// later (a fix applied then should not be judged by the calls before it).
    async fn judged_since(&self, model: &CompanyModel, keys: &[&str]) -> Result<i64> {
        let mut since = self.now_ms() - WEEK_MS;
        for key in keys {
            if let Some(at) = self.setting_changed_at(key, model.slug()).await? {
                since = since.max(at);
            }
        }
        Ok(since)
    }

    pub(super) async fn check_understanding(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("understanding", &[1]);
        // Calls before the live prompt last changed do not judge the prompt now live.
        let changed = facts
            .llm
            .got()
            .and_then(|llm| llm["last_modification_timestamp"].as_i64());
        let week = self.now_ms() - WEEK_MS;
        let since = week.max(changed.unwrap_or(i64::MIN));
        let window = if since > week {
            "since the live prompt changed"
        } else {
            "7 days"
        };
        let calls = self.calls_since(model, since).await?;
        let connected: Vec<&StoredCall> = calls.iter().filter(|c| c.connected()).collect();
        let reached = connected
            .iter()
            .filter(|c| c.row.call_successful == Some(1))
            .count();
        let functions =
            askpro_store::operations::functions_since(&self.db, model.id(), since, i64::MAX)
                .await?;
        let refused: Vec<&askpro_store::calls::FunctionCallRow> = functions
            .iter()
            .filter(|f| not_understood(&f.answer))
            .collect();
        let fix = command(format!(
            "retell update-prompt --company-id {} --template dialect-robust",
            model.slug()
        ));
        if connected.len() >= 5 && reached * 100 < connected.len() * 80 {
            check.note(
                CheckStatus::Fail,
                format!(
                    "{reached} of {} connected calls reached their goal ({window}), below 80 %",
                    connected.len()
                ),
            );
            check.fix_with(&fix);
        } else {
            check.note(
                CheckStatus::Ok,
                format!(
                    "{reached} of {} connected calls reached their goal ({window})",
                    connected.len()
                ),
            );
        }
        if functions.len() >= 5 && refused.len() * 10 >= functions.len() {
            let phrases: Vec<String> = refused
                .iter()
                .filter_map(|f| said_time(&f.args))
                .take(3)
                .map(|p| format!("„{p}“"))
                .collect();
            check.note(
                CheckStatus::Fail,
                format!(
                    "{} of {} function calls answered „nicht verstanden“ (e.g. {})",
                    refused.len(),
                    functions.len(),
                    if phrases.is_empty() {
                        "no phrase recorded".to_owned()
                    } else {
                        phrases.join(", ")
                    }
                ),
            );
            check.fix_with(&fix);
            check.fix_with(command(format!(
                "ai optimize-prompts --based-on-last-month --company-id {}",
                model.slug()
            )));
        }
        Ok(check)
    }

    pub(super) async fn check_voice(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("voice", &[6]);
        let calls = self.calls_since(model, self.now_ms() - WEEK_MS).await?;
        let complaints = calls
            .iter()
            .filter(|c| c.caller_said(transcript::TOO_FAST))
            .count();
        let fix = command(format!(
            "retell update-voice --company-id {} --speed 0.9",
            model.slug()
        ));
        match &facts.agent {
            Fact::Got(agent) => {
                let speed = agent["voice_speed"].as_f64().unwrap_or(1.0);
                if speed > 1.0 && complaints >= 3 {
                    check.note(CheckStatus::Fail, format!("voice speed {speed} while callers asked to slow down in {complaints} calls (7 days)"));
                    check.fix_with(fix);
                } else if complaints >= 3 {
                    check.note(CheckStatus::Warn, format!("voice speed {speed}, yet callers asked to slow down in {complaints} calls (7 days)"));
                    check.fix_with(command(format!(
                        "retell update-prompt --company-id {} --template slow-speech",
                        model.slug()
                    )));
                } else {
                    check.note(
                        CheckStatus::Ok,
                        format!(
                            "voice speed {speed}; {complaints} calls asked to slow down (7 days)"
                        ),
                    );
                }
            }
            other => note_unreachable(&mut check, "Retell", other, complaints >= 3, &fix),
        }
        Ok(check)
    }

    pub(super) async fn check_cancellation(&self, model: &CompanyModel) -> Result<Check> {
        let mut check = Check::new("cancellation", &[7]);
        let key = "retell.enable_cancellation";
        let enabled = self.setting(key, Some(model.slug())).await?.value.as_bool();
        let since = self.judged_since(model, &[key]).await?;
        let calls = self.calls_since(model, since).await?;
        let wishes: Vec<&StoredCall> = calls
            .iter()
            .filter(|c| c.caller_said(transcript::CANCEL_WISH))
            .collect();
        let functions =
            askpro_store::operations::functions_since(&self.db, model.id(), since, i64::MAX)
                .await?;
        let acted = |call_id: &str| {
            functions.iter().any(|f| {
                f.call_id == call_id
                    && f.ok == 1
                    && matches!(
                        f.name.as_str(),
                        "cancel_appointment" | "reschedule_appointment"
                    )
            })
        };
        let unmet: Vec<&str> = wishes
            .iter()
            .filter(|c| !acted(&c.row.call_id))
            .map(|c| c.row.call_id.as_str())
            .collect();
        if !enabled && !wishes.is_empty() {
            check.note(
                CheckStatus::Fail,
                format!(
                    "cancelling by phone is switched off, yet {} callers asked to cancel or move (e.g. {})",
                    wishes.len(),
                    wishes[0].row.call_id
                ),
            );
            check.fix_with(command(format!(
                "config set retell.enable_cancellation=true --company-id {}",
                model.slug()
            )));
        } else if enabled && !unmet.is_empty() {
            check.note(
                CheckStatus::Warn,
                format!(
                    "{} calls asked to cancel or move and ended without it (e.g. {})",
                    unmet.len(),
                    unmet[0]
                ),
            );
            check.fix_with(command(format!(
                "retell update-prompt --company-id {} --template cancellation",
                model.slug()
            )));
        } else {
            check.note(
                CheckStatus::Ok,
                format!(
                    "cancelling by phone is {}; {} cancel or move wishes, all handled",
                    if enabled { "on" } else { "off" },
                    wishes.len()
                ),
            );
        }
        Ok(check)
    }

    pub(super) async fn check_hang_ups(&self, model: &CompanyModel) -> Result<Check> {
        let mut check = Check::new("hang-ups", &[9]);
        let since = self
            .judged_since(model, &["retell.call_timeout", "retell.idle_timeout"])
            .await?;
        let calls = self.calls_since(model, since).await?;
        let ended: Vec<(&str, &str)> = calls
            .iter()
            .filter_map(|c| {
                let reason = c.row.disconnection_reason.as_deref()?;
                transcript::ended_abnormally(reason).then_some((c.row.call_id.as_str(), reason))
            })
            .collect();
        if !calls.is_empty() && ended.len() * 100 >= calls.len() * 5 && !ended.is_empty() {
            let timeouts = ended
                .iter()
                .filter(|(_, r)| *r == "max_duration_reached")
                .count();
            let silences = ended.iter().filter(|(_, r)| *r == "inactivity").count();
            check.note(
                CheckStatus::Fail,
                format!(
                    "{} of {} calls ended abruptly ({timeouts} at the time limit, {silences} after silence, {} by error; e.g. {})",
                    ended.len(),
                    calls.len(),
                    ended.len() - timeouts - silences,
                    ended[0].0
                ),
            );
            if timeouts > 0 {
                let limit = self
                    .setting("retell.call_timeout", Some(model.slug()))
                    .await?
                    .value
                    .as_i64();
                check.fix_with(command(format!(
                    "config set retell.call_timeout={} --company-id {}",
                    (limit * 2).clamp(300, 3600),
                    model.slug()
                )));
            }
            if silences > 0 {
                let idle = self
                    .setting("retell.idle_timeout", Some(model.slug()))
                    .await?
                    .value
                    .as_i64();
                check.fix_with(command(format!(
                    "config set retell.idle_timeout={} --company-id {}",
                    (idle * 2).clamp(30, 300),
                    model.slug()
                )));
            }
            check.fix_with(command(format!(
                "retell update-voice --company-id {}",
                model.slug()
            )));
        } else {
            check.note(
                CheckStatus::Ok,
                format!("{} of {} calls ended abruptly", ended.len(), calls.len()),
            );
        }
        let functions = askpro_store::operations::functions_since(
            &self.db,
            model.id(),
            self.now_ms() - WEEK_MS,
            i64::MAX,
        )
        .await?;
        let mut durations: Vec<i64> = functions.iter().map(|f| f.duration_ms).collect();
        durations.sort_unstable();
        if let Some(p99) = percentile(&durations, 99) {
            if p99 > 1000 {
                check.note(
                    CheckStatus::Fail,
                    format!("function answers p99 {p99} ms (over 1 s, the caller hears silence)"),
                );
                check.fix_with(command("webhook measure-performance"));
                check.fix_with(command("system check-resources"));
            } else {
                check.note(CheckStatus::Ok, format!("function answers p99 {p99} ms"));
            }
        }
        Ok(check)
    }

    pub(super) async fn check_confirmation(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("confirmation", &[10]);
        let fix = command(format!(
            "retell update-prompt --company-id {} --template clear-confirmation",
            model.slug()
        ));
        match &facts.llm {
            Fact::Got(llm) => {
                let prompt = llm["general_prompt"].as_str().unwrap_or_default();
                let live = askpro_german::prompt::blocks_in(prompt);
                if live.contains(&"clear-confirmation") {
                    check.note(
                        CheckStatus::Ok,
                        "the live prompt has the clear-confirmation block",
                    );
                } else {
                    check.note(
                        CheckStatus::Fail,
                        "the live prompt lacks the clear-confirmation block: callers are not told service, day, time and staff back before booking",
                    );
                    check.fix_with(&fix);
                }
            }
            other => note_unreachable(&mut check, "Retell", other, false, &fix),
        }
        let calls = self.calls_since(model, self.now_ms() - WEEK_MS).await?;
        let repeats: Vec<&str> = calls
            .iter()
            .filter(|c| c.caller_said(transcript::REPEAT_BOOKING))
            .map(|c| c.row.call_id.as_str())
            .collect();
        if !repeats.is_empty() {
            check.note(
                CheckStatus::Warn,
                format!(
                    "{} callers asked for the booking again after it was made (e.g. {})",
                    repeats.len(),
                    repeats[0]
                ),
            );
            check.fix_with(&fix);
            if !self
                .setting("notifications.sms.enabled", Some(model.slug()))
                .await?
                .value
                .as_bool()
            {
                check.fix_with(command(format!(
                    "config set notifications.sms.enabled=true --company-id {}",
                    model.slug()
                )));
            }
        }
        Ok(check)
    }
}

/// The time phrase a function call was asked to understand.
pub(crate) fn said_time(args: &str) -> Option<String> {
    let args: Value = serde_json::from_str(args).ok()?;
    ["when", "date", "time", "new_when"]
        .iter()
        .find_map(|k| args[*k].as_str().map(str::to_owned))
}

/// The value at the `p`th percentile of sorted `values`.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1) - 1;
    sorted.get(rank.min(sorted.len() - 1)).copied()
}

/// A service that did not answer or is not set up: `warn` (or `skip` when it is not
/// configured), with the fix only when the local evidence already points at the problem.
pub(super) fn note_unreachable<T>(
    check: &mut Check,
    service: &str,
    fact: &Fact<T>,
    suspicious: bool,
    fix: &str,
) {
    match fact {
        Fact::Absent(why) => check.note(CheckStatus::Skip, format!("skip: {why}")),
        Fact::NoAnswer => check.note(
            CheckStatus::Warn,
            format!("warn: no answer from {service} within the deadline"),
        ),
        Fact::Failed(error) => check.note(CheckStatus::Warn, format!("{service} refused: {error}")),
        Fact::Got(_) => {}
    }
    if suspicious {
        check.note(CheckStatus::Warn, "");
        check.fix_with(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&values, 99), Some(99));
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[], 99), None);
        assert_eq!(percentile(&[], 50), None);
    }
}

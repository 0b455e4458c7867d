//! Checks on what leaves AskPro and what reaches it: e-mail, the workers that send it,
//! and the calls Retell knows about.

use super::calls::note_unreachable;
use super::outside::{Fact, Outside, OutsideFacts};
use super::{Check, CheckStatus, command};
use crate::App;
use crate::error::Result;
use crate::model::CompanyModel;
use askpro_store::{calls, jobs, operations, workers};

/// A worker is alive when it beat within this long.
const ALIVE_MS: i64 = 30_000;

impl App {
    pub(super) async fn check_email(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("email", &[3]);
        let now = self.now_ms();
        let health = operations::email_health(
            &self.db,
            model.id(),
            (now - 86_400_000, i64::MAX),
            now - 300_000,
        )
        .await?;
        if health.dead > 0 {
            check.note(
                CheckStatus::Fail,
                format!("{} e-mail(s) failed for good in the last 24 h", health.dead),
            );
            check.fix_with(command("email retry-failed --last-day"));
        }
        if let Some(oldest) = health.oldest_waiting_at
            && now - oldest > 300_000
        {
            check.note(
                CheckStatus::Fail,
                format!(
                    "the oldest waiting e-mail has waited {} min",
                    (now - oldest) / 60_000
                ),
            );
            check.fix_with(command("queue monitor emails"));
        }
        let backup_only = self
            .setting("mail.mailer", Some(model.slug()))
            .await?
            .value
            .as_str()
            == "backup_smtp";
        match &facts.smtp {
            Fact::Got(servers) => {
                let primary = servers.iter().find(|s| s.label == "primary");
                let backup = servers.iter().find(|s| s.label == "backup");
                let backup_ok = backup.is_some_and(|b| b.ok);
                match primary {
                    Some(p) if !p.ok && !backup_only => {
                        check.note(
                            CheckStatus::Fail,
                            format!("SMTP primary {} unreachable: {}", p.server, p.detail),
                        );
                        if backup_ok {
                            check.fix_with(command("config set mail.mailer=backup_smtp"));
                            check.fix_with(command("queue restart"));
                        }
                        check.fix_with(command("email verify-smtp"));
                    }
                    Some(p) if !p.ok => check.note(
                        CheckStatus::Warn,
                        format!(
                            "SMTP primary {} still unreachable; mail goes through the backup (switch back with `askpro config set mail.mailer=smtp` once it answers)",
                            p.server
                        ),
                    ),
                    _ => {}
                }
                if backup_only && !backup_ok {
                    check.note(
                        CheckStatus::Fail,
                        "mail.mailer is backup_smtp but the backup server does not answer",
                    );
                    check.fix_with(command("email verify-smtp"));
                }
                if check.status == CheckStatus::Ok {
                    check.note(
                        CheckStatus::Ok,
                        format!(
                            "{} delivered in 24 h; SMTP {}",
                            health.delivered,
                            servers
                                .iter()
                                .map(|s| format!(
                                    "{} {}",
                                    s.label,
                                    if s.ok { "ok" } else { "down" }
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
            Fact::Absent(why) => check.note(
                CheckStatus::Ok,
                format!("{} delivered in 24 h; {why}", health.delivered),
            ),
            other => note_unreachable(&mut check, "SMTP", other, false, ""),
        }
        Ok(check)
    }

    pub(super) async fn check_workers(&self) -> Result<Check> {
        let mut check = Check::new("workers", &[3, 4]);
        let now = self.now_ms();
        let live = workers::live(&self.db, now - ALIVE_MS).await?;
        let waiting: Vec<String> = jobs::stats(&self.db, now)
            .await?
            .into_iter()
            .filter(|q| q.pending + q.running > 0)
            .map(|q| q.queue)
            .collect();
        if live.is_empty() {
            check.note(
                CheckStatus::Fail,
                format!(
                    "no live worker (no heartbeat in 30 s); waiting queues: {}",
                    if waiting.is_empty() {
                        "none".to_owned()
                    } else {
                        waiting.join(", ")
                    }
                ),
            );
            check.fix_with(command("worker"));
            return Ok(check);
        }
        let served = |queue: &str| {
            live.iter().any(|w| {
                w.queues
                    .split(',')
                    .any(|q| q.trim() == queue || q.trim() == "all")
            })
        };
        let unserved: Vec<&String> = waiting.iter().filter(|q| !served(q)).collect();
        if !unserved.is_empty() {
            check.note(
                CheckStatus::Fail,
                format!(
                    "jobs wait on queue(s) no live worker takes: {}",
                    unserved
                        .iter()
                        .map(|q| q.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            check.fix_with(command(format!(
                "worker --queues {}",
                unserved
                    .iter()
                    .map(|q| q.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )));
        }
        for worker in live.iter().filter(|w| w.trouble.is_some()) {
            check.note(
                CheckStatus::Warn,
                format!(
                    "worker {} is in trouble: {}",
                    worker.id,
                    worker.trouble.as_deref().unwrap_or_default()
                ),
            );
            check.fix_with(command("worker status"));
        }
        if check.status == CheckStatus::Ok {
            check.note(CheckStatus::Ok, format!("{} live worker(s)", live.len()));
        }
        Ok(check)
    }

    pub(super) async fn check_calls_captured(
        &self,
        model: &CompanyModel,
        outside: &Outside,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("calls-captured", &[4]);
        let slug = model.slug();
        let import = command(format!(
            "retell import-calls --last-hour --company-id {slug}"
        ));
        match &facts.recent_calls {
            Fact::Got(listed) => {
                let mut missing = Vec::new();
                for call in listed {
                    let Some(id) = call["call_id"].as_str() else {
                        continue;
                    };
                    if calls::find_call(&self.db, model.id(), id).await?.is_none() {
                        missing.push(id.to_owned());
                    }
                }
                if missing.is_empty() {
                    check.note(
                        CheckStatus::Ok,
                        format!(
                            "all {} calls Retell lists for the last hour are stored",
                            listed.len()
                        ),
                    );
                } else {
                    check.note(
                        CheckStatus::Fail,
                        format!(
                            "{} of {} calls Retell lists for the last hour are not stored (e.g. {})",
                            missing.len(),
                            listed.len(),
                            missing[0]
                        ),
                    );
                    check.fix_with(&import);
                }
            }
            other => note_unreachable(&mut check, "Retell", other, false, &import),
        }
        if let (Fact::Got(agent), Some(public)) = (&facts.agent, &outside.public_url) {
            let expected = format!("{}/webhooks/retell", public.trim_end_matches('/'));
            let actual = agent["webhook_url"].as_str().unwrap_or_default();
            if actual != expected {
                check.note(
                    CheckStatus::Fail,
                    format!("the agent's webhook URL is `{actual}`, not `{expected}`"),
                );
                check.fix_with(command(format!("retell update-voice --company-id {slug}")));
                check.fix_with(command(format!(
                    "retell verify-webhook --company-id {slug}"
                )));
                check.fix_with(&import);
            } else {
                check.note(CheckStatus::Ok, "the agent's webhook URL points here");
            }
        } else if facts.agent.got().is_some() {
            check.note(
                CheckStatus::Warn,
                "the agent's webhook URL is not checked: no public URL configured (ASKPRO_PUBLIC_URL)",
            );
        }
        Ok(check)
    }
}

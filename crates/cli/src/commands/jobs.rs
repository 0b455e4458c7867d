//! `askpro worker [status]` and the `askpro email …` commands.

use crate::cli::{EmailCommand, Global, WorkerAction, WorkerArgs};
use crate::output;
use anyhow::{Result, bail};
use askpro_app::App;
use askpro_store::{emails, jobs, workers};
use askpro_worker::{QUEUES, Worker, WorkerConfig, WorkerSummary};
use std::process::ExitCode;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A worker for `queues` (all when empty) on its own task, stopping when `stop` turns true.
fn spawn_worker(
    app: &App,
    queues: Vec<String>,
    stop: watch::Receiver<bool>,
) -> JoinHandle<WorkerSummary> {
    let mut config = WorkerConfig::default();
    if !queues.is_empty() {
        config.queues = queues;
    }
    let reload = app.clone();
    let registry = askpro_app::notify::registry(app);
    let worker = Worker::new(app.db.clone(), app.clock.clone(), registry, config)
        .with_reload(std::sync::Arc::new(move || reload.reload()));
    tokio::spawn(worker.run(stop))
}

pub async fn worker(global: &Global, args: WorkerArgs) -> Result<ExitCode> {
    if let Some(WorkerAction::Status) = args.action {
        return status(global, &super::open_app(global).await?).await;
    }
    let app = super::open_server_app(global).await?.background();
    if let Some(unknown) = args.queues.iter().find(|q| !QUEUES.contains(&q.as_str())) {
        bail!("unknown queue `{unknown}`; queues: {}", QUEUES.join(", "));
    }
    let (stop, stopped) = watch::channel(false);
    let worker = spawn_worker(&app, args.queues, stopped);
    super::serve::shutdown_signal().await;
    let _ = stop.send(true);
    let deadline = std::time::Duration::from_secs(args.shutdown_timeout);
    let Ok(summary) = tokio::time::timeout(deadline, worker).await else {
        tracing::warn!(
            "the job in hand did not finish within the shutdown timeout; its claim returns to the queue when the lease ends"
        );
        return Ok(ExitCode::SUCCESS);
    };
    let summary = summary?;
    if global.json {
        output::json(
            &serde_json::json!({ "done": summary.done, "retried": summary.retried, "dead": summary.dead, "released": summary.released }),
        );
    } else {
        println!(
            "worker stopped: {} done, {} retried, {} dead, {} given back",
            summary.done, summary.retried, summary.dead, summary.released
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Live workers; exit code 1 when there is none (nothing would send mail) or one
/// reports trouble (its database failed it lately).
async fn status(global: &Global, app: &App) -> Result<ExitCode> {
    let now = app.now_ms();
    let live = workers::live(&app.db, now - 30_000).await?;
    if global.json {
        output::json(&live);
    } else if live.is_empty() {
        println!(
            "no live worker: start one with `askpro worker` (or `askpro serve`), see deploy/askpro-worker.service"
        );
    } else {
        let rows: Vec<Vec<String>> = live
            .iter()
            .map(|w| {
                let beat = format!("{} s ago", (now - w.heartbeat_at) / 1000);
                vec![
                    w.id.clone(),
                    format!("{}:{}", w.host, w.pid),
                    w.queues.clone(),
                    beat,
                    w.current_job.clone().unwrap_or_else(|| "-".into()),
                    w.jobs_done.to_string(),
                ]
            })
            .collect();
        output::table(
            &[
                "WORKER",
                "HOST:PID",
                "QUEUES",
                "HEARTBEAT",
                "RUNNING",
                "DONE",
            ],
            &rows,
        );
        for worker in live.iter().filter(|w| w.trouble.is_some()) {
            println!(
                "worker {} is in trouble: {}",
                worker.id,
                worker.trouble.as_deref().unwrap_or_default()
            );
        }
    }
    // Nothing sends mail, or a worker cannot do its work: worth an operator's look.
    Ok(
        if live.is_empty() || live.iter().any(|w| w.trouble.is_some()) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

pub async fn email(global: &Global, command: EmailCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    let (company_id, limit) = match command {
        EmailCommand::Outbox { company_id, limit } => (company_id, limit),
        EmailCommand::Test { to } => return email_test(global, &app, &to).await,
        EmailCommand::VerifySmtp => return verify_smtp(global, &app).await,
        EmailCommand::RetryFailed { dry_run, .. } => {
            let since = app.now_ms() - 86_400_000;
            let count = jobs::retry_dead(&app.db, "emails", since, !dry_run, app.now_ms()).await?;
            let verb = if dry_run {
                "would be queued again (dry run)"
            } else {
                "queued again"
            };
            if global.json {
                output::json(&serde_json::json!({ "emails": count, "dry_run": dry_run }));
            } else {
                println!("{count} failed e-mails of the last 24 hours {verb}");
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let company = match &company_id {
        Some(slug) => Some(app.company_id(slug).await?),
        None => None,
    };
    let mails = emails::recent(&app.db, company.as_deref(), limit.clamp(1, 1000)).await?;
    if global.json {
        output::json(&mails);
    } else if mails.is_empty() {
        println!("no e-mails yet");
    } else {
        for mail in &mails {
            println!(
                "── {} → {} ({})\nSubject: {}\n\n{}\n",
                mail.message_id, mail.to_address, mail.transport, mail.subject, mail.body_text
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn email_test(global: &Global, app: &App, to: &str) -> Result<ExitCode> {
    let Some(mailer) = &app.mailer else {
        bail!(
            "no SMTP server is configured (ASKPRO_SMTP_PRIMARY_URL / [mail] primary_url): mail goes to the local outbox"
        );
    };
    let backup_only = app.setting("mail.mailer", None).await?.value.as_str() == "backup_smtp";
    let mail = askpro_connectors::smtp::OutgoingMail {
        message_id: format!("<test-{}@askpro>", askpro_store::new_id()),
        from: app.mail_from.clone(),
        reply_to: None,
        to: to.to_owned(),
        subject: "AskPro: Test-E-Mail".into(),
        text: "Diese E-Mail prüft den Versand von AskPro. Sie brauchen nichts zu tun.".into(),
        html: None,
        ics: None,
    };
    let outcome = mailer.send(&mail, backup_only).await;
    let ok = outcome.is_ok();
    let detail = match &outcome {
        Ok(sent) => {
            format!(
                "accepted by the {} server",
                if matches!(sent.via, askpro_connectors::smtp::Via::Primary) {
                    "primary"
                } else {
                    "backup"
                }
            ) + &sent
                .primary_failure
                .as_ref()
                .map(|e| format!(" (the primary failed: {e})"))
                .unwrap_or_default()
        }
        Err(error) => error.to_string(),
    };
    if global.json {
        output::json(&serde_json::json!({ "to": to, "sent": ok, "detail": detail }));
    } else {
        println!("{}: {detail}", if ok { "sent" } else { "NOT sent" });
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn verify_smtp(global: &Global, app: &App) -> Result<ExitCode> {
    let Some(mailer) = &app.mailer else {
        bail!("no SMTP server is configured (ASKPRO_SMTP_PRIMARY_URL / [mail] primary_url)");
    };
    let checks = mailer.verify().await;
    if global.json {
        let rows: Vec<_> = checks.iter().map(|c| serde_json::json!({ "server": c.label, "address": c.server, "ok": c.ok, "detail": c.detail })).collect();
        output::json(&rows);
    } else {
        let rows: Vec<Vec<String>> = checks
            .iter()
            .map(|c| {
                vec![
                    c.label.to_owned(),
                    c.server.clone(),
                    if c.ok { "ok".into() } else { "FAILED".into() },
                    c.detail.clone(),
                ]
            })
            .collect();
        output::table(&["SERVER", "ADDRESS", "STATE", "DETAIL"], &rows);
    }
    Ok(if checks.iter().all(|c| c.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `askpro worker status` (and its runbook name `horizon status`).
pub async fn worker_status(global: &Global) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    status(global, &app).await
}

//! `askpro worker [status]`, `askpro queue monitor`, `askpro email outbox`.

use crate::cli::{EmailCommand, Global, QueueCommand, WorkerAction, WorkerArgs};
use crate::output;
use anyhow::{Result, bail};
use askpro_app::App;
use askpro_store::{emails, jobs, now_ms, workers};
use askpro_worker::{QUEUES, Worker, WorkerConfig, WorkerSummary};
use std::process::ExitCode;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A worker for `queues` (all when empty) on its own task, stopping when `stop` turns true.
pub fn spawn_worker(
    app: &App,
    queues: Vec<String>,
    stop: watch::Receiver<bool>,
) -> JoinHandle<Result<WorkerSummary, askpro_store::StoreError>> {
    let mut config = WorkerConfig::default();
    if !queues.is_empty() {
        config.queues = queues;
    }
    let worker = Worker::new(app.db.clone(), askpro_app::notify::registry(app), config);
    tokio::spawn(worker.run(stop))
}

pub async fn worker(global: &Global, args: WorkerArgs) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    if let Some(WorkerAction::Status) = args.action {
        return status(global, &app).await;
    }
    if let Some(unknown) = args.queues.iter().find(|q| !QUEUES.contains(&q.as_str())) {
        bail!("unknown queue `{unknown}`; queues: {}", QUEUES.join(", "));
    }
    let (stop, stopped) = watch::channel(false);
    let worker = spawn_worker(&app, args.queues, stopped);
    super::serve::shutdown_signal().await;
    let _ = stop.send(true);
    let summary = worker.await??;
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

/// Live workers; exit code 1 when there is none (nothing would send mail).
async fn status(global: &Global, app: &App) -> Result<ExitCode> {
    let now = now_ms();
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
    }
    Ok(if live.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub async fn queue(global: &Global, command: QueueCommand) -> Result<ExitCode> {
    let QueueCommand::Monitor { queue } = command;
    if let Some(q) = queue.as_deref().filter(|q| !QUEUES.contains(q)) {
        bail!("unknown queue `{q}`; queues: {}", QUEUES.join(", "));
    }
    let app = super::open_app(global).await?;
    let now = now_ms();
    let stats: Vec<_> = jobs::stats(&app.db, now)
        .await?
        .into_iter()
        .filter(|s| queue.as_deref().is_none_or(|q| s.queue == q))
        .collect();
    if global.json {
        output::json(&stats);
    } else {
        let rows: Vec<Vec<String>> = stats
            .iter()
            .map(|s| {
                let oldest = s
                    .oldest_pending_at
                    .map_or("-".to_owned(), |t| format!("{} s", (now - t) / 1000));
                vec![
                    s.queue.clone(),
                    s.pending.to_string(),
                    s.running.to_string(),
                    oldest,
                    s.done_last_hour.to_string(),
                    s.failed_attempts_last_hour.to_string(),
                    s.dead.to_string(),
                ]
            })
            .collect();
        output::table(
            &[
                "QUEUE",
                "WAITING",
                "RUNNING",
                "OLDEST WAITING",
                "DONE/H",
                "FAILED/H",
                "DEAD",
            ],
            &rows,
        );
    }
    // Unhealthy: dead jobs, or something waiting for more than five minutes.
    let unhealthy = stats
        .iter()
        .any(|s| s.dead > 0 || s.oldest_pending_at.is_some_and(|t| now - t > 300_000));
    Ok(if unhealthy {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub async fn email(global: &Global, command: EmailCommand) -> Result<ExitCode> {
    let EmailCommand::Outbox { company_id, limit } = command;
    let app = super::open_app(global).await?;
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

//! `askpro queue monitor [QUEUE] [--notify-slack]` and `askpro queue restart`.

use crate::cli::{Global, QueueCommand};
use crate::output;
use anyhow::{Result, bail};
use askpro_app::App;
use askpro_store::emails::{self, Delivery};
use askpro_store::jobs::{self, QueueStats};
use askpro_store::workers;
use askpro_worker::QUEUES;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Workers that beat within this long count as alive.
const LIVE_MS: i64 = 30_000;

pub async fn run(global: &Global, command: QueueCommand) -> Result<ExitCode> {
    match command {
        QueueCommand::Monitor {
            queue,
            notify_slack,
        } => monitor(global, queue, notify_slack).await,
        QueueCommand::Restart { timeout } => restart(global, Duration::from_secs(timeout)).await,
    }
}

/// The webhook merge, shown beside the job queues: deliveries stored but not merged yet.
const MERGE_QUEUE: &str = "retell-webhooks";

async fn monitor(global: &Global, queue: Option<String>, notify_slack: bool) -> Result<ExitCode> {
    if let Some(q) = queue
        .as_deref()
        .filter(|q| !QUEUES.contains(q) && *q != MERGE_QUEUE)
    {
        bail!(
            "unknown queue `{q}`; queues: {}, {MERGE_QUEUE}",
            QUEUES.join(", ")
        );
    }
    let app = super::open_app(global).await?;
    let now = app.now_ms();
    let mut all = jobs::stats(&app.db, now).await?;
    // Every queue AskPro has is shown, an idle one too (operators look for `calcom`).
    for known in QUEUES {
        if !all.iter().any(|s| s.queue == known) {
            all.push(QueueStats {
                queue: known.to_owned(),
                pending: 0,
                running: 0,
                dead: 0,
                done_last_hour: 0,
                failed_attempts_last_hour: 0,
                oldest_pending_at: None,
            });
        }
    }
    all.sort_by(|a, b| a.queue.cmp(&b.queue));
    all.push(askpro_store::calls::merge_stats(&app.db, now).await?);
    let stats: Vec<QueueStats> = all
        .into_iter()
        .filter(|s| queue.as_deref().is_none_or(|q| s.queue == q))
        .collect();
    if global.json {
        output::json(&stats);
    } else {
        print_stats(&stats, now);
    }
    // Unhealthy: dead jobs, or something waiting for more than five minutes.
    let unhealthy = stats
        .iter()
        .any(|s| s.dead > 0 || s.oldest_pending_at.is_some_and(|t| now - t > 300_000));
    if notify_slack {
        let delivery = emails::delivery_by_company(&app.db, now - 86_400_000).await?;
        post_summary(&app, &health_summary(&stats, &delivery, now, unhealthy)).await?;
    }
    Ok(if unhealthy {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_stats(stats: &[QueueStats], now: i64) {
    let rows: Vec<Vec<String>> = stats
        .iter()
        .map(|s| {
            vec![
                s.queue.clone(),
                s.pending.to_string(),
                s.running.to_string(),
                oldest_waiting(s, now),
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

fn oldest_waiting(s: &QueueStats, now: i64) -> String {
    s.oldest_pending_at
        .map_or("-".to_owned(), |t| format!("{} s", (now - t) / 1000))
}

/// The Slack text of the health summary: one line per queue, one per company that
/// had mail in the last 24 hours.
fn health_summary(
    stats: &[QueueStats],
    delivery: &[Delivery],
    now: i64,
    unhealthy: bool,
) -> String {
    let mut lines = vec![if unhealthy {
        ":red_circle: AskPro-Warteschlangen: Handlungsbedarf (`askpro queue monitor`)".to_owned()
    } else {
        ":large_green_circle: AskPro-Warteschlangen: alles in Ordnung".to_owned()
    }];
    for s in stats {
        lines.push(format!(
            "• `{}`: {} wartend (älteste {}), {} erledigt und {} Fehlversuche in der letzten Stunde, {} endgültig fehlgeschlagen",
            s.queue,
            s.pending,
            oldest_waiting(s, now),
            s.done_last_hour,
            s.failed_attempts_last_hour,
            s.dead
        ));
    }
    for d in delivery {
        if let Some(rate) = d.rate_percent() {
            lines.push(format!(
                "• E-Mail-Zustellung {} (24 h): {} % ({} zugestellt, {} fehlgeschlagen)",
                d.company,
                format!("{rate:.1}").replace('.', ","),
                d.delivered,
                d.failed
            ));
        }
    }
    lines.join("\n")
}

pub(crate) async fn post_summary(app: &App, text: &str) -> Result<()> {
    if app.slack.is_none() {
        bail!("no Slack webhook is configured (ASKPRO_SLACK_WEBHOOK_URL / [slack] webhook_url)");
    }
    askpro_app::notify::post_alert(app, text)
        .await
        .map_err(|e| anyhow::anyhow!("Slack did not take the summary: {e}"))
}

/// Raises the reload signal, then waits until every live worker has reloaded.
async fn restart(global: &Global, timeout: Duration) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    let requested = app.now_ms();
    workers::request_reload(&app.db, requested).await?;
    let started = Instant::now();
    let live = loop {
        let live = workers::live(&app.db, app.now_ms() - LIVE_MS).await?;
        let all_done = live
            .iter()
            .all(|w| w.reloaded_at.is_some_and(|at| at >= requested));
        if all_done || started.elapsed() >= timeout {
            break live;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let reloaded = |w: &workers::WorkerRow| w.reloaded_at.is_some_and(|at| at >= requested);
    let pending = live.iter().filter(|w| !reloaded(w)).count();
    if global.json {
        let rows: Vec<_> = live
            .iter()
            .map(|w| serde_json::json!({ "worker": w.id, "host": w.host, "pid": w.pid, "reloaded": reloaded(w) }))
            .collect();
        output::json(&serde_json::json!({ "workers": rows, "not_reloaded": pending }));
    } else if live.is_empty() {
        println!(
            "no live worker: the next one to start reads the settings fresh (`askpro worker`, or `askpro serve`)"
        );
    } else {
        let rows: Vec<Vec<String>> = live
            .iter()
            .map(|w| {
                let state = if reloaded(w) { "reloaded" } else { "NOT YET" };
                vec![w.id.clone(), format!("{}:{}", w.host, w.pid), state.into()]
            })
            .collect();
        output::table(&["WORKER", "HOST:PID", "STATE"], &rows);
    }
    Ok(if live.is_empty() || pending > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

//! Periodic tasks of a server process (`askpro schedule list`): today the import of the
//! last hour's calls from Retell every ten minutes, which catches calls whose webhooks
//! never arrived.

use crate::App;
use askpro_connectors::retell::Retell;
use askpro_worker::{Trouble, stopping};
use std::time::Duration;
use tokio::sync::watch;

/// Scheduled tasks: (command, every N minutes, what it does).
pub const SCHEDULE: [(&str, u64, &str); 2] = [
    (
        "retell:import-calls",
        10,
        "import the last hour's calls the webhooks missed",
    ),
    (
        "calcom:sync",
        10,
        "reconcile every Cal.com company's appointments (calcom.sync_interval_minutes)",
    ),
];

const COMPONENT: &str = "scheduler";

pub(super) async fn run(app: App, retell: Retell, mut stop: watch::Receiver<bool>) {
    let every = Duration::from_secs(SCHEDULE[0].1 * 60);
    let mut trouble = Trouble::default();
    let mut next = every;
    while !stopping(&stop) {
        tokio::select! {
            () = tokio::time::sleep(next) => {}
            _ = stop.changed() => continue,
        }
        let since = app.now_ms() - 3_600_000;
        // One process imports per period; the others skip the round.
        let round = async {
            if !app.lead(SCHEDULE[0].0, every).await? {
                return Ok(None);
            }
            app.import_calls(&retell, since, Vec::new(), |_, _| {})
                .await
                .map(Some)
        };
        next = match round.await {
            Ok(report) => {
                if trouble.recovered() {
                    app.health.fine(COMPONENT);
                }
                if let Some(report) = report {
                    tracing::info!(
                        new = report.new,
                        updated = report.updated,
                        "scheduled call import done"
                    );
                }
                every
            }
            Err(error) => {
                let pause = pause_after_failure(&app, &mut trouble, COMPONENT, &error, every);
                tracing::error!(%error, retry_in_ms = pause.as_millis() as u64, "scheduled call import failed");
                pause
            }
        };
    }
}

/// After a periodic task failed: its trouble is reported in `/healthz`, and it is tried
/// again sooner than its period, but never more often than a database or a service that
/// is away can bear (half a minute at least).
pub(super) fn pause_after_failure(
    app: &App,
    trouble: &mut Trouble,
    component: &'static str,
    error: &impl std::fmt::Display,
    every: Duration,
) -> Duration {
    let pause = trouble
        .failed(error)
        .max(Duration::from_secs(30))
        .min(every);
    app.health
        .troubled(component, trouble.describe().unwrap_or_default());
    pause
}

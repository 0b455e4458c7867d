//! The retention purge of a server process: every hour (and a minute after start),
//! transcripts older than `privacy.transcript_retention_days` and calls older than
//! `privacy.call_retention_days` are removed (`crate::privacy`). Failures are reported
//! in `/healthz` and retried later. With several processes on one database, the one
//! holding the task's lease purges (`crate::leases`).

use super::scheduler::pause_after_failure;
use crate::App;
use askpro_worker::{Trouble, stopping};
use std::time::Duration;
use tokio::sync::watch;

pub(super) const COMPONENT: &str = "privacy-purge";
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// The first round waits a little, so a starting server serves first.
const FIRST_AFTER: Duration = Duration::from_secs(60);

pub(super) async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut trouble = Trouble::default();
    let mut next = FIRST_AFTER;
    while !stopping(&stop) {
        tokio::select! {
            () = tokio::time::sleep(next) => {}
            _ = stop.changed() => continue,
        }
        // One process purges per period; the others skip the round.
        let round = async {
            if app.lead(COMPONENT, PURGE_EVERY).await? {
                app.purge_retention().await?;
            }
            Ok::<(), crate::AppError>(())
        };
        next = match round.await {
            Ok(()) => {
                if trouble.recovered() {
                    app.health.fine(COMPONENT);
                }
                PURGE_EVERY
            }
            Err(error) => {
                let pause = pause_after_failure(&app, &mut trouble, COMPONENT, &error, PURGE_EVERY);
                tracing::error!(%error, retry_in_ms = pause.as_millis() as u64, "retention purge failed");
                pause
            }
        };
    }
}

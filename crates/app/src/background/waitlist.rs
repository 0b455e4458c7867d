//! The waiting-list sweep of a server process: every few seconds, and at once when a
//! slot may have freed up (a cancellation, a move, a declined hold, a new entry), holds
//! that ran out pass on and free slots are offered (see `crate::waitlist`). Failures are
//! reported in `/healthz` and retried later.

use super::scheduler::pause_after_failure;
use crate::App;
use askpro_worker::{Trouble, stopping};
use std::time::Duration;
use tokio::sync::watch;

const COMPONENT: &str = "waitlist";
/// How often holds are checked for running out, also when nothing woke the sweep.
pub const SWEEP_EVERY: Duration = Duration::from_secs(15);

pub(super) async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut trouble = Trouble::default();
    let mut next = SWEEP_EVERY;
    let wakeup = app.waitlist_wakeup.clone();
    while !stopping(&stop) {
        tokio::select! {
            () = tokio::time::sleep(next) => {}
            () = wakeup.notified() => {}
            _ = stop.changed() => continue,
        }
        next = match app.sweep_waitlists().await {
            Ok(report) => {
                if trouble.recovered() {
                    app.health.fine(COMPONENT);
                }
                if report != crate::waitlist::SweepReport::default() {
                    tracing::info!(
                        held = report.held,
                        passed = report.passed,
                        released = report.released,
                        lapsed = report.lapsed,
                        "waiting-list sweep done"
                    );
                }
                SWEEP_EVERY
            }
            Err(error) => {
                let pause = pause_after_failure(
                    &app,
                    &mut trouble,
                    COMPONENT,
                    &error,
                    Duration::from_secs(60),
                );
                tracing::error!(%error, retry_in_ms = pause.as_millis() as u64, "waiting-list sweep failed");
                pause
            }
        };
    }
}

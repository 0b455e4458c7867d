//! The merger loop: one per process. It merges whatever waits when a delivery arrives
//! (the webhook handler wakes it), every few seconds anyway (deliveries other processes
//! stored, the end of a pause), and soon again when another process held a call.

use crate::App;
use askpro_worker::{Trouble, stopping};
use std::time::Duration;
use tokio::sync::watch;

const COMPONENT: &str = "merger";
/// Without a wake-up: deliveries stored by other processes, or a pause that ended.
const IDLE: Duration = Duration::from_secs(5);
/// Calls another process was merging are looked at again this soon.
const BUSY_RETRY: Duration = Duration::from_millis(100);

pub(super) async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut trouble = Trouble::default();
    while !stopping(&stop) {
        let pause = match app.merge_waiting().await {
            Ok(report) => {
                if trouble.recovered() {
                    app.health.fine(COMPONENT);
                    tracing::info!("the webhook merger reaches the database again");
                }
                if report.busy_calls > 0 {
                    BUSY_RETRY
                } else {
                    IDLE
                }
            }
            Err(error) => {
                let pause = trouble.failed(&error);
                app.health
                    .troubled(COMPONENT, trouble.describe().unwrap_or_default());
                tracing::warn!(%error, retry_in_ms = pause.as_millis() as u64, "merging Retell deliveries failed; they stay stored, trying again");
                pause
            }
        };
        tokio::select! {
            () = app.merge_wakeup.notified(), if !trouble.is_troubled() => {}
            () = tokio::time::sleep(pause) => {}
            _ = stop.changed() => {}
        }
    }
}

//! Periodic tasks across many processes: before a round, a process takes the task's
//! lease for one period (a tenth longer, so the holder renews before it runs out). The
//! other processes skip their rounds until the holder stops renewing — it died or
//! stopped — and then one of them takes over.

use crate::App;
use crate::error::Result;
use askpro_store::leases;
use std::time::Duration;

impl App {
    /// Whether this process should run `task`'s round now: it holds (or just took) the
    /// task's lease for `period`.
    pub async fn lead(&self, task: &str, period: Duration) -> Result<bool> {
        let ttl = i64::try_from(period.as_millis()).unwrap_or(i64::MAX / 2);
        let now = self.now_ms();
        let held =
            leases::acquire(&self.db, task, &self.instance, now, now + ttl + ttl / 10).await?;
        if !held {
            tracing::debug!(task, "another process leads this periodic task");
        }
        Ok(held)
    }

    /// Gives up the leases of `tasks` (a process stopping), so another takes over now.
    pub async fn step_down(&self, tasks: &[&str]) {
        for task in tasks {
            if let Err(error) = leases::release(&self.db, task, &self.instance).await {
                tracing::warn!(task, %error, "could not give the lease back; it runs out by itself");
            }
        }
    }
}

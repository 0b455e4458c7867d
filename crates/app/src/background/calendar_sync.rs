//! The periodic reconciliation with Cal.com (`calcom:sync` in `schedule list`): every
//! `calcom.sync_interval_minutes`, each company with a `[calcom]` section is compared
//! and fixed, by one process of however many run (the `calcom:sync` lease). A failing
//! company is logged and reported in `/healthz`; the others go on.

use super::scheduler::{SCHEDULE, pause_after_failure};
use crate::App;
use askpro_worker::{Trouble, stopping};
use std::time::Duration;
use tokio::sync::watch;

const COMPONENT: &str = "calcom-sync";

pub(super) async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut trouble = Trouble::default();
    let mut next = interval(&app).await;
    while !stopping(&stop) {
        tokio::select! {
            () = tokio::time::sleep(next) => {}
            _ = stop.changed() => continue,
        }
        let every = interval(&app).await;
        // One process reconciles per period (a lease in the database); the others skip.
        let round = async {
            if !app.lead(SCHEDULE[1].0, every).await? {
                return Ok(None);
            }
            app.sync_all_calendars(Some(every)).await.map(Some)
        };
        next = match round.await {
            Ok(done) => {
                if trouble.recovered() {
                    app.health.fine(COMPONENT);
                }
                if let Some(companies) = done {
                    tracing::info!(companies, "scheduled Cal.com reconciliation done");
                }
                every
            }
            Err(error) => {
                let pause = pause_after_failure(&app, &mut trouble, COMPONENT, &error, every);
                tracing::error!(%error, retry_in_ms = pause.as_millis() as u64, "scheduled Cal.com reconciliation failed");
                pause
            }
        };
    }
}

async fn interval(app: &App) -> Duration {
    let minutes = app
        .setting("calcom.sync_interval_minutes", None)
        .await
        .map_or(10, |s| s.value.as_i64());
    Duration::from_secs(u64::try_from(minutes.max(1)).unwrap_or(10) * 60)
}

impl App {
    /// Reconciles every company that keeps its calendar in Cal.com; how many were
    /// reconciled. The first failure is returned after all were tried. With `every`, a
    /// company reconciled within half of it (by another server, say) is left out, so that
    /// several servers do not all reconcile at once.
    pub async fn sync_all_calendars(&self, every: Option<Duration>) -> crate::error::Result<usize> {
        let mut done = 0;
        let mut first_error = None;
        for company in askpro_store::tenants::list(&self.db).await? {
            let model = self.company(&company.slug).await?;
            if model.tenant().calcom.is_none() || self.synced_lately(model.id(), every).await? {
                continue;
            }
            match self.calcom_sync(&company.slug, None, false).await {
                Ok(_) => done += 1,
                Err(error) => {
                    tracing::error!(company = %company.slug, %error, "Cal.com reconciliation failed");
                    first_error.get_or_insert(error);
                }
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(done),
        }
    }
}

impl App {
    async fn synced_lately(
        &self,
        company_id: &str,
        every: Option<Duration>,
    ) -> crate::error::Result<bool> {
        let Some(every) = every else {
            return Ok(false);
        };
        let half = i64::try_from(every.as_millis() / 2).unwrap_or(i64::MAX);
        let last = askpro_store::calcom::last_run(&self.db, company_id).await?;
        Ok(last.is_some_and(|run| run.finished_at > self.now_ms() - half))
    }
}

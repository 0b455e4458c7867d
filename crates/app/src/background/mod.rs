//! The long-running loops of a server process, owned in one place: the webhook merger,
//! the scheduler of periodic tasks and the job worker. Each runs on the background pool
//! (never on the requests' connections), survives database errors — it waits, retries
//! and reports the trouble in [`Health`] — and all stop on one signal, within a deadline.

mod calendar_sync;
mod health;
mod merger;
mod privacy;
mod scheduler;
mod signals;
mod waitlist;

pub use health::{Health, Problem};
pub use scheduler::SCHEDULE;
pub use signals::{CACHE_SIGNAL_PREFIX, is_cache_pattern};

use crate::App;
use askpro_connectors::retell::Retell;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Which loops a process runs.
#[derive(Default)]
pub struct Loops {
    /// Merge stored webhook deliveries into calls.
    pub merger: bool,
    /// Import the last hour's calls from Retell every ten minutes.
    pub import_calls: Option<Retell>,
    /// A job worker (mails, texts, alerts) on these queues; `None` runs none.
    pub worker: Option<askpro_worker::WorkerConfig>,
    /// Reconcile every Cal.com company every `calcom.sync_interval_minutes`.
    pub calcom_sync: bool,
    /// Drop caches when an operator raises a cache signal.
    pub cache_signals: bool,
    /// Pass on held slots that ran out and offer freed slots to waiting customers.
    pub waitlist: bool,
    /// Remove transcripts and calls past their retention, hourly.
    pub privacy_purge: bool,
}

/// The running loops; [`Running::stop`] ends them.
pub struct Running {
    app: App,
    stop: watch::Sender<bool>,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

/// Starts `loops` for `app`, on its background pool.
pub fn start(app: &App, loops: Loops) -> Running {
    let app = app.background();
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    if loops.merger {
        tasks.push((
            "merger",
            tokio::spawn(merger::run(app.clone(), stopped.clone())),
        ));
    }
    if loops.calcom_sync {
        let task = calendar_sync::run(app.clone(), stopped.clone());
        tasks.push(("calcom-sync", tokio::spawn(task)));
    }
    if loops.cache_signals {
        let task = signals::run(app.clone(), stopped.clone());
        tasks.push(("cache-signals", tokio::spawn(task)));
    }
    if loops.waitlist {
        let task = waitlist::run(app.clone(), stopped.clone());
        tasks.push(("waitlist", tokio::spawn(task)));
    }
    if loops.privacy_purge {
        let task = privacy::run(app.clone(), stopped.clone());
        tasks.push(("privacy-purge", tokio::spawn(task)));
    }
    if let Some(retell) = loops.import_calls {
        let task = scheduler::run(app.clone(), retell, stopped.clone());
        tasks.push(("scheduler", tokio::spawn(task)));
    }
    if let Some(config) = loops.worker {
        let (reload, health) = (app.clone(), app.health.clone());
        let worker = askpro_worker::Worker::new(
            app.db.clone(),
            app.clock.clone(),
            crate::notify::registry(&app),
            config,
        )
        .with_reload(std::sync::Arc::new(move || reload.reload()))
        .with_trouble_hook(std::sync::Arc::new(move |trouble| match trouble {
            Some(problem) => health.troubled("worker", problem),
            None => health.fine("worker"),
        }));
        let stopped = stopped.clone();
        tasks.push((
            "worker",
            tokio::spawn(async move {
                worker.run(stopped).await;
            }),
        ));
    }
    Running { app, stop, tasks }
}

impl Running {
    /// Asks every loop to stop and waits for them, at most `deadline`: the worker
    /// finishes the job in hand and gives back the rest. True when all ended in time; a
    /// loop that did not is abandoned (what it held returns when its lease ends).
    pub async fn stop(self, deadline: Duration) -> bool {
        let _ = self.stop.send(true);
        let until = tokio::time::Instant::now() + deadline;
        let tasks = self.tasks;
        let waited = tokio::time::timeout_at(until, async {
            for (name, task) in tasks {
                if let Err(error) = task.await {
                    tracing::error!(component = name, %error, "background loop ended abnormally");
                }
            }
        })
        .await;
        if waited.is_err() {
            tracing::warn!(
                deadline_ms = deadline.as_millis() as u64,
                "background loops did not stop in time; leaving them"
            );
            // Most likely they wait for a database that does not answer: the leases run
            // out by themselves.
            return false;
        }
        // Another process takes over the periodic tasks now, not when the leases run out;
        // within what is left of the deadline, at most a second.
        let wait = until
            .saturating_duration_since(tokio::time::Instant::now())
            .min(STEP_DOWN_WAIT);
        let stepped_down = tokio::time::timeout(wait, self.app.step_down(&LEASED_TASKS));
        if stepped_down.await.is_err() {
            tracing::warn!(
                "could not give the periodic tasks' leases back in time; they run out by themselves"
            );
        }
        true
    }
}

/// How long a stopping process tries to give its leases back.
const STEP_DOWN_WAIT: Duration = Duration::from_secs(1);

/// The periodic tasks that one process at a time leads (see [`App::lead`]).
const LEASED_TASKS: [&str; 3] = [SCHEDULE[0].0, SCHEDULE[1].0, privacy::COMPONENT];

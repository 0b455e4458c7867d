//! The worker loop.

use crate::backoff::backoff_ms;
use crate::handler::{JobError, Registry};
use crate::trouble::{Trouble, stopping};
use askpro_core::Clock;
use askpro_store::jobs::{self, Job};
use askpro_store::workers::{self, WorkerRow};
use askpro_store::{Db, StoreError, new_id};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The kind of the alert job raised when a job dies.
pub const JOB_DEAD_ALERT: &str = "slack.job_dead";

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub queues: Vec<String>,
    /// Jobs claimed at once per queue.
    pub batch: i64,
    /// How long a claim holds; a job running longer is cut off and retried.
    pub lease: Duration,
    /// Pause when no queue had work.
    pub poll: Duration,
    pub heartbeat: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            queues: crate::QUEUES.iter().map(|q| (*q).to_owned()).collect(),
            batch: 10,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            heartbeat: Duration::from_secs(5),
        }
    }
}

/// What a worker did before it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerSummary {
    pub done: i64,
    pub retried: i64,
    pub dead: i64,
    pub released: u64,
}

/// What a worker calls to drop its caches when `askpro queue restart` asks.
pub type ReloadHook = Arc<dyn Fn() + Send + Sync>;

/// What a worker calls when its trouble starts or goes on (`Some(description)`) and when
/// it ends (`None`), e.g. to show it in `/healthz`.
pub type TroubleHook = Arc<dyn Fn(Option<String>) + Send + Sync>;

pub struct Worker {
    pub id: String,
    db: Db,
    /// Due times, leases, backoff and heartbeats are all on the application's clock.
    clock: Clock,
    registry: Registry,
    config: WorkerConfig,
    summary: WorkerSummary,
    last_beat: Instant,
    /// The newest reload request this worker has honoured (its start counts as one).
    reloaded_at: i64,
    on_reload: Option<ReloadHook>,
    on_trouble: Option<TroubleHook>,
    registered: bool,
    trouble: Trouble,
}

impl Worker {
    pub fn new(db: Db, clock: Clock, registry: Registry, config: WorkerConfig) -> Worker {
        Worker {
            id: new_id(),
            reloaded_at: clock.now_ms(),
            db,
            clock,
            registry,
            config,
            summary: WorkerSummary::default(),
            last_beat: Instant::now(),
            on_reload: None,
            on_trouble: None,
            registered: false,
            trouble: Trouble::default(),
        }
    }

    /// Calls `hook` whenever an operator asks the workers to reload (`queue restart`).
    pub fn with_reload(mut self, hook: ReloadHook) -> Worker {
        self.on_reload = Some(hook);
        self
    }

    /// Calls `hook` when trouble starts, goes on and ends.
    pub fn with_trouble_hook(mut self, hook: TroubleHook) -> Worker {
        self.on_trouble = Some(hook);
        self
    }

    /// Runs until `stop` turns true; finishes the job in hand, gives back the rest. A
    /// failing database makes it wait and retry, never stop.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> WorkerSummary {
        tracing::info!(worker = %self.id, queues = %self.config.queues.join(","), "worker started");
        while !stopping(&stop) {
            let pause = match self.step(&stop).await {
                Ok(true) => continue,
                Ok(false) => self.config.poll,
                Err(error) => self.troubled(&error).await,
            };
            let _ = tokio::time::timeout(pause, stop.changed()).await;
        }
        self.sign_off().await;
        self.summary
    }

    /// One round over the queues and a heartbeat; true when any job ran.
    async fn step(&mut self, stop: &watch::Receiver<bool>) -> Result<bool, StoreError> {
        if !self.registered {
            self.register().await?;
            self.registered = true;
        }
        let worked = self.round(stop).await?;
        if self.trouble.recovered() {
            // Beat at once, without the trouble, so that `worker status` stops showing it.
            self.beat(None, true).await?;
            if let Some(hook) = &self.on_trouble {
                hook(None);
            }
            tracing::info!(worker = %self.id, "worker reaches the database again");
        } else {
            self.beat(None, false).await?;
        }
        Ok(worked)
    }

    /// Records the failure, tells `worker status` if the database lets it, and says how
    /// long to wait before the next try.
    async fn troubled(&mut self, error: &StoreError) -> Duration {
        let pause = self.trouble.failed(error);
        if let Some(hook) = &self.on_trouble {
            hook(self.trouble.describe());
        }
        tracing::warn!(worker = %self.id, %error, retry_in_ms = pause.as_millis() as u64, "worker could not work; trying again");
        if self.registered {
            let _ = self.beat(None, true).await;
        }
        pause
    }

    /// Gives back what it claimed and did not start, and signs off; when the database is
    /// away, the claims come back by themselves when their lease ends.
    async fn sign_off(&mut self) {
        let now = self.clock.now_ms();
        match jobs::release(&self.db, &self.id, now).await {
            Ok(released) => self.summary.released = released,
            Err(error) => {
                tracing::warn!(worker = %self.id, %error, "could not give back claimed jobs; they return when their lease ends")
            }
        }
        if let Err(error) = workers::stopped(&self.db, &self.id, now).await {
            tracing::warn!(worker = %self.id, %error, "could not sign off; the worker counts as gone once its heartbeat is old");
        }
        tracing::info!(worker = %self.id, done = self.summary.done, released = self.summary.released, "worker stopped");
    }

    async fn register(&mut self) -> Result<(), StoreError> {
        let row = WorkerRow {
            id: self.id.clone(),
            host: std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into()),
            pid: i64::from(std::process::id()),
            queues: self.config.queues.join(","),
            started_at: self.clock.now_ms(),
            heartbeat_at: self.clock.now_ms(),
            current_job: None,
            jobs_done: 0,
            stopped_at: None,
            reloaded_at: None,
            trouble: None,
        };
        workers::register(&self.db, &row).await
    }

    async fn beat(&mut self, current: Option<&str>, force: bool) -> Result<(), StoreError> {
        if force || self.last_beat.elapsed() >= self.config.heartbeat {
            self.last_beat = Instant::now();
            let trouble = self.trouble.describe();
            let beat = workers::Beat {
                current_job: current,
                jobs_done: self.summary.done,
                trouble: trouble.as_deref(),
            };
            workers::heartbeat(&self.db, &self.id, beat, self.clock.now_ms()).await?;
            jobs::bury_abandoned(&self.db, self.clock.now_ms()).await?;
            self.reload_if_asked().await?;
        }
        Ok(())
    }

    /// Between jobs, never during one: drops the caches when a reload was asked for
    /// since the last one, and records it so `queue restart` can tell who did.
    async fn reload_if_asked(&mut self) -> Result<(), StoreError> {
        let Some(requested) = workers::reload_requested_at(&self.db).await? else {
            return Ok(());
        };
        if requested <= self.reloaded_at {
            return Ok(());
        }
        if let Some(hook) = &self.on_reload {
            hook();
        }
        self.reloaded_at = self.clock.now_ms().max(requested);
        workers::mark_reloaded(&self.db, &self.id, self.reloaded_at).await?;
        tracing::info!(worker = %self.id, "worker reloaded settings and tenant data");
        Ok(())
    }

    /// One pass over the queues; true when any job ran.
    async fn round(&mut self, stop: &watch::Receiver<bool>) -> Result<bool, StoreError> {
        let mut worked = false;
        let lease_ms = self.config.lease.as_millis() as i64;
        for queue in self.config.queues.clone() {
            let claimed = jobs::claim(
                &self.db,
                &queue,
                &self.id,
                self.config.batch,
                lease_ms,
                self.clock.now_ms(),
            )
            .await?;
            for job in claimed {
                // Asked to stop: what is left goes back unrun when the loop ends.
                if stopping(stop) {
                    return Ok(true);
                }
                // On its interval only: a beat per job would cost two writes per job.
                self.beat(Some(&job.id), false).await?;
                self.execute(&job).await?;
                worked = true;
            }
        }
        Ok(worked)
    }

    /// A dead job is something an operator must hear about: an alert job on the
    /// `slack` queue (never for a dead alert itself, which would loop).
    async fn raise_alarm(&self, job: &Job, error: &str) -> Result<(), StoreError> {
        if job.kind.starts_with("slack.") {
            return Ok(());
        }
        let alert = jobs::NewJob {
            id: new_id(),
            queue: "slack",
            kind: JOB_DEAD_ALERT,
            payload: serde_json::json!({ "job_id": job.id, "kind": job.kind, "queue": job.queue, "attempts": job.attempts, "error": error }),
            max_attempts: 5,
            run_at: self.clock.now_ms(),
            idempotency_key: Some(format!("{JOB_DEAD_ALERT}:{}", job.id)),
            company_id: job.company_id.as_deref(),
        };
        let mut tx = self.db.begin_write().await?;
        jobs::enqueue(&mut tx, &alert, self.clock.now_ms()).await?;
        tx.commit().await
    }

    async fn execute(&mut self, job: &Job) -> Result<(), StoreError> {
        let started = Instant::now();
        let outcome = match self.registry.get(&job.kind) {
            Some(handler) => {
                match tokio::time::timeout(self.config.lease, handler.run(job)).await {
                    Ok(result) => result,
                    Err(_) => Err(JobError::Retryable(format!(
                        "ran longer than the lease of {:?}",
                        self.config.lease
                    ))),
                }
            }
            None => Err(JobError::Permanent(format!(
                "no handler for job kind `{}`",
                job.kind
            ))),
        };
        let duration_ms = started.elapsed().as_millis() as u64;
        let now = self.clock.now_ms();
        match outcome {
            Ok(()) => {
                jobs::complete(&self.db, &job.id, &self.id, now).await?;
                self.summary.done += 1;
                tracing::info!(job_id = %job.id, kind = %job.kind, queue = %job.queue, attempt = job.attempts, duration_ms, "job done");
            }
            Err(failure) if job.attempts < job.max_attempts && failure.is_retryable() => {
                let backoff = backoff_ms(job.attempts, uuid::Uuid::new_v4().as_u128() as u64);
                let retry_at = now + failure.retry_in_ms(backoff).unwrap_or(backoff);
                let error = failure.to_string();
                jobs::fail(&self.db, &job.id, &self.id, &error, Some(retry_at), now).await?;
                self.summary.retried += 1;
                tracing::warn!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, %error, retry_in_ms = retry_at - now, "job failed; will retry");
            }
            Err(error) => {
                jobs::fail(&self.db, &job.id, &self.id, &error.to_string(), None, now).await?;
                self.summary.dead += 1;
                tracing::error!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job is dead");
                self.raise_alarm(job, &error.to_string()).await?;
            }
        }
        Ok(())
    }
}

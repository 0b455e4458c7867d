//! The job worker. It claims due jobs of its queues with a lease (no transaction is held
//! while a job runs), runs the handler registered for each job's kind, and records the
//! outcome: done, retry later with exponential backoff and jitter, or dead after the last
//! attempt. It beats its heart into the `workers` table and, when asked to stop, finishes
//! the job in hand and gives back what it claimed but did not start. A database that
//! fails it (a pool timeout, a restart) never ends it: it waits, retries, and reports the
//! trouble with its heartbeat ([`Trouble`], which the other long-running loops share).

mod backoff;
mod handler;
mod run;
mod trouble;

pub use backoff::backoff_ms;
pub use handler::{Handler, HandlerFuture, JobError, Registry};
pub use run::{JOB_DEAD_ALERT, ReloadHook, TroubleHook, Worker, WorkerConfig, WorkerSummary};
pub use trouble::{Trouble, stopping};

/// The named queues.
pub const QUEUES: [&str; 6] = ["emails", "sms", "slack", "calcom", "sync", "default"];

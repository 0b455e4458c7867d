//! What runs a job: a handler per job kind, and how it reports failure.

use askpro_store::jobs::Job;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A handler's failure. Retryable failures come back later; permanent ones go dead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    Retryable(String),
    #[error("{0}")]
    Permanent(String),
    /// Retryable, but not before `after` (a 429 with Retry-After).
    #[error("{message}")]
    RetryAfter {
        message: String,
        after: std::time::Duration,
    },
}

impl JobError {
    /// A retryable failure that waits at least as long as the service asked, when it asked.
    pub fn retryable(message: String, retry_after: Option<std::time::Duration>) -> JobError {
        match retry_after {
            Some(after) => JobError::RetryAfter { message, after },
            None => JobError::Retryable(message),
        }
    }

    pub(crate) fn is_retryable(&self) -> bool {
        !matches!(self, JobError::Permanent(_))
    }

    /// The earliest retry, `backoff_ms` from now unless the service asked for longer.
    pub(crate) fn retry_in_ms(&self, backoff_ms: i64) -> Option<i64> {
        let asked = match self {
            JobError::RetryAfter { after, .. } => after.as_millis() as i64,
            _ => 0,
        };
        self.is_retryable().then_some(backoff_ms.max(asked))
    }
}

pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// Runs jobs of one kind. Handlers must be idempotent: a job may run again after a
/// worker died between doing the work and recording it.
pub trait Handler: Send + Sync {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a>;
}

/// Handlers by job kind.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn Handler>>,
}

impl Registry {
    pub fn with(mut self, kind: &str, handler: impl Handler + 'static) -> Registry {
        self.handlers.insert(kind.to_owned(), Arc::new(handler));
        self
    }

    pub fn get(&self, kind: &str) -> Option<Arc<dyn Handler>> {
        self.handlers.get(kind).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::JobError;
    use std::time::Duration;

    #[test]
    fn a_retry_waits_for_the_longer_of_backoff_and_what_the_service_asked() {
        let asked = JobError::retryable("429".into(), Some(Duration::from_secs(120)));
        assert_eq!(asked.retry_in_ms(10_000), Some(120_000));
        assert_eq!(asked.retry_in_ms(300_000), Some(300_000));
        let plain = JobError::retryable("timeout".into(), None);
        assert_eq!(plain, JobError::Retryable("timeout".into()));
        assert_eq!(plain.retry_in_ms(10_000), Some(10_000));
        assert_eq!(JobError::Permanent("550".into()).retry_in_ms(10_000), None);
    }
}

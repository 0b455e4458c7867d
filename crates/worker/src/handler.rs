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

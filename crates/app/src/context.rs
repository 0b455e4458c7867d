//! The application context: database, clock and caches, passed to every entry point.

use crate::model::TenantCache;
use crate::settings::SettingsCache;
use askpro_store::Db;
use jiff::Timestamp;
use std::sync::Arc;

/// Where "now" comes from: the system clock, or a fixed instant for tests and demos.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(Timestamp),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// Shared by all handlers and commands; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Clock,
    pub(crate) tenants: Arc<TenantCache>,
    pub settings: Arc<SettingsCache>,
}

impl App {
    pub fn new(db: Db) -> App {
        App::with_clock(db, Clock::System)
    }

    pub fn with_clock(db: Db, clock: Clock) -> App {
        App {
            db,
            clock,
            tenants: Arc::new(TenantCache::default()),
            settings: Arc::new(SettingsCache::default()),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.now().as_millisecond()
    }
}

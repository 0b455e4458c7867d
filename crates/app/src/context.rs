//! The application context: database, clock and caches, passed to every entry point.

use crate::model::TenantCache;
use crate::settings::SettingsCache;
use askpro_connectors::slack::Slack;
use askpro_connectors::smtp::Mailer;
use askpro_connectors::twilio::Twilio;
use askpro_core::Clock;
use askpro_store::Db;
use jiff::Timestamp;
use std::sync::Arc;

/// The sender of customer mail when none is configured.
pub const DEFAULT_MAIL_FROM: &str = "askpro@localhost";

/// Shared by all handlers and commands; cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The pool of whoever holds this `App`: requests' in a server, the background
    /// loops' in [`App::background`].
    pub db: Db,
    /// The background loops' own pool, when the process has one; they never take
    /// connections from requests.
    background_db: Option<Db>,
    /// Wakes the webhook merger when a delivery was stored.
    pub(crate) merge_wakeup: Arc<tokio::sync::Notify>,
    /// Wakes the waiting-list sweep when a slot may have freed up or someone joined.
    pub(crate) waitlist_wakeup: Arc<tokio::sync::Notify>,
    /// How the long-running loops fare, for `/healthz`.
    pub health: Arc<crate::background::Health>,
    /// Changing function calls being answered in this process (Retell's duplicates wait).
    pub(crate) in_flight: Arc<crate::voice::InFlight>,
    /// Secrets by environment variable name (Cal.com keys and webhook secrets).
    pub secrets: Arc<crate::secrets::Secrets>,
    /// Cal.com clients' shared HTTP pool, slot cache and counters.
    pub calendars: Arc<crate::calendar::Calendars>,
    /// The one clock of every rule, job and window (see [`Clock`]).
    pub clock: Clock,
    /// This process among all on the database: the holder name of its leases.
    pub instance: Arc<str>,
    pub(crate) tenants: Arc<TenantCache>,
    pub settings: Arc<SettingsCache>,
    /// The SMTP servers; `None` sends every mail to the local outbox.
    pub mailer: Option<Arc<Mailer>>,
    /// The sender address of customer mail (`[mail] from`, `ASKPRO_MAIL_FROM`).
    pub mail_from: String,
    /// Twilio for text messages; `None` sends none.
    pub sms: Option<Arc<Twilio>>,
    /// The Slack incoming webhook for operator alerts; `None` only logs them.
    pub slack: Option<Arc<Slack>>,
}

impl App {
    /// Every application names its clock: the system clock in production, a frozen or
    /// moved one in tests and demos; there is no default to forget.
    pub fn with_clock(db: Db, clock: Clock) -> App {
        App {
            db,
            background_db: None,
            merge_wakeup: Arc::new(tokio::sync::Notify::new()),
            waitlist_wakeup: Arc::new(tokio::sync::Notify::new()),
            health: Arc::new(crate::background::Health::default()),
            in_flight: Arc::new(crate::voice::InFlight::default()),
            secrets: Arc::new(crate::secrets::Secrets::default()),
            calendars: Arc::new(crate::calendar::Calendars::default()),
            clock,
            instance: askpro_store::new_id().into(),
            tenants: Arc::new(TenantCache::default()),
            settings: Arc::new(SettingsCache::default()),
            mailer: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            sms: None,
            slack: None,
        }
    }

    /// Background loops use `db` (a pool of their own) instead of the requests' pool.
    pub fn with_background_db(mut self, db: Db) -> App {
        self.background_db = Some(db);
        self
    }

    /// This application as the background loops use it: on their own pool, sharing
    /// everything else (caches, clock, health).
    pub fn background(&self) -> App {
        let mut app = self.clone();
        if let Some(db) = &self.background_db {
            app.db = db.clone();
        }
        app
    }

    /// Posts operator alerts to this Slack webhook.
    pub fn with_slack(mut self, slack: Option<Slack>) -> App {
        self.slack = slack.map(Arc::new);
        self
    }

    /// Sends text messages through this Twilio account.
    pub fn with_sms(mut self, sms: Option<Twilio>) -> App {
        self.sms = sms.map(Arc::new);
        self
    }

    /// Sends mail through these SMTP servers from `from`.
    pub fn with_mailer(mut self, mailer: Option<Mailer>, from: &str) -> App {
        self.mailer = mailer.map(Arc::new);
        self.mail_from = from.to_owned();
        self
    }

    /// Drops every cached setting and company, so the next read comes from the
    /// database (a worker does this on `askpro queue restart`).
    pub fn reload(&self) {
        self.settings.invalidate();
        self.forget_cached_tenants();
        self.calendars.slots.clear();
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.now().as_millisecond()
    }
}

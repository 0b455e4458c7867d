//! Cal.com as a company's calendar of record (`shared/contract/calcom-sync.md`):
//! availability is AskPro's answer intersected with Cal.com's slots, every local change
//! of a mapped appointment is pushed (at once, or by a `calcom` job when Cal.com is
//! away), Cal.com's own changes arrive by webhook and by a periodic reconciliation.
//!
//! The local database stays the guarantee against double booking between callers;
//! Cal.com's answer decides races against its web booking page.

mod confirm;
mod duplicates;
mod gaps;
mod letters;
mod mirror;
mod push;
mod reconcile;
mod slots;
mod status;
mod webhook;

pub use confirm::TAKEN_IN_CALCOM;
pub use duplicates::{APOLOGY, Duplicate, DuplicatesReport, Entry};
pub use letters::ApologyMail;
pub use push::PUSH;
pub(crate) use push::{CONFIRMATION_GRACE_MS, PushJob, enqueue_push, mark_pending};
pub use reconcile::{Difference, SyncReport};
pub use slots::SlotCache;
pub use status::{AvailabilityGap, CalcomStatus, Check, ZoneLine, ZoneReport, ZoneTransition};
pub use webhook::{WebhookError, WebhookOutcome};

use crate::App;
use crate::model::CompanyModel;
use askpro_connectors::calcom::{CalCom, CalcomError, CalcomMetrics};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Where Cal.com's API is when the tenant file names no `base_url`.
pub const DEFAULT_BASE_URL: &str = "https://api.cal.com/v2";

/// What every company's Cal.com traffic shares within a process.
#[derive(Default)]
pub struct Calendars {
    http: OnceLock<reqwest::Client>,
    pub metrics: Arc<CalcomMetrics>,
    pub slots: SlotCache,
    /// Availability answers that fell back to AskPro's own calendar.
    pub fallbacks: AtomicU64,
}

impl Calendars {
    fn http(&self) -> Result<reqwest::Client, CalcomError> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let client = CalCom::http_client()?;
        Ok(self.http.get_or_init(|| client).clone())
    }

    pub fn fallback_count(&self) -> u64 {
        self.fallbacks.load(Ordering::Relaxed)
    }
}

impl App {
    /// The company's Cal.com client, `None` when it keeps no calendar there. A key that
    /// is not in the environment is [`CalcomError::Unauthorized`], like a revoked one.
    pub fn calcom_client(&self, model: &CompanyModel) -> Result<Option<CalCom>, CalcomError> {
        let Some(config) = &model.tenant().calcom else {
            return Ok(None);
        };
        let key = self.secrets.get(&config.api_key_env).ok_or_else(|| {
            CalcomError::Unauthorized(format!(
                "the environment variable `{}` that should hold the API key is not set",
                config.api_key_env
            ))
        })?;
        let base = config.base_url.as_str();
        let http = self.calendars.http()?;
        Ok(Some(CalCom::new(
            http,
            base,
            key.trim(),
            self.calendars.metrics.clone(),
        )))
    }

    /// How long a caller may wait for Cal.com (`calcom.timeout_ms`).
    pub(crate) async fn calcom_timeout(&self, model: &CompanyModel) -> Duration {
        let ms = self
            .setting("calcom.timeout_ms", Some(model.slug()))
            .await
            .map_or(1500, |s| s.value.as_i64());
        Duration::from_millis(u64::try_from(ms).unwrap_or(1500))
    }

    /// Tells the operators once an hour per company that Cal.com refuses the key.
    pub(crate) async fn alert_calcom_key(&self, model: &CompanyModel, error: &CalcomError) {
        let hour = self.now_ms() / 3_600_000;
        let env = model
            .tenant()
            .calcom
            .as_ref()
            .map_or("", |c| c.api_key_env.as_str());
        let text = format!(
            ":key: AskPro: Cal.com nimmt den API-Schlüssel von `{}` nicht an ({error}). Schlüssel in `{env}` erneuern, dann `askpro calcom status --company-id {}`.",
            model.slug(),
            model.slug()
        );
        let dedup = format!("calcom_key:{}:{hour}", model.slug());
        if let Err(error) = crate::notify::enqueue_alert(self, &text, &dedup).await {
            tracing::error!(%error, company = model.slug(), "could not raise the Cal.com key alert");
        }
    }

    /// Reports a Cal.com failure where operators look: an alert for a dead key.
    pub(crate) async fn note_calcom_failure(&self, model: &CompanyModel, error: &CalcomError) {
        if matches!(error, CalcomError::Unauthorized(_)) {
            self.alert_calcom_key(model, error).await;
        }
    }
}

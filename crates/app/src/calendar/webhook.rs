//! `POST /webhooks/calcom/{company}`: Cal.com tells of bookings made, moved, cancelled
//! or rejected on its side. The signature (`X-Cal-Signature-256`, hex HMAC-SHA256 of the
//! raw body with the company's webhook secret) is checked before anything is parsed.
//! Deliveries carry no id: the same (trigger, uid, createdAt) within
//! `webhook.deduplication_window` minutes is a duplicate. A delivery that arrives after
//! a later one about the same booking (a creation after its cancellation) changes nothing.

use super::mirror::Mirrored;
use crate::App;
use crate::error::AppError;
use crate::model::CompanyModel;
use askpro_connectors::calcom::BookingRecord;
use askpro_store::calcom::{self as store, Delivery};
use askpro_store::new_id;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Missing or wrong signature, or no secret to check it with: 401, nothing stored.
    #[error("{0}")]
    Unauthorized(String),
    /// Not a Cal.com delivery AskPro can read: 400.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    App(#[from] AppError),
}

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WebhookOutcome {
    pub trigger: String,
    pub uid: String,
    pub duplicate: bool,
    /// `created`, `linked`, `moved`, `cancelled`, `conflict`, `unchanged`, `superseded`, …
    pub outcome: String,
}

impl App {
    /// Checks, deduplicates and applies one delivery for company `slug`.
    pub async fn calcom_webhook(
        &self,
        slug: &str,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<WebhookOutcome, WebhookError> {
        let model = self.company(slug).await?;
        verify(self, &model, signature, body)?;
        let delivery: Value = serde_json::from_slice(body)
            .map_err(|e| WebhookError::Invalid(format!("the body is not JSON: {e}")))?;
        let trigger = delivery["triggerEvent"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if trigger == "PING" {
            return Ok(outcome(&trigger, "", false, "ping"));
        }
        let payload = &delivery["payload"];
        let mut booking = BookingRecord::from_webhook(payload).ok_or_else(|| {
            WebhookError::Invalid(format!(
                "`{trigger}` delivery without a readable booking (payload.uid, startTime, endTime)"
            ))
        })?;
        let created_at = delivery["createdAt"].as_str().unwrap_or_default();
        // A creation is announced when it happens: its delivery time is when it was booked
        // (what `remove-duplicates` compares), unless the payload says better.
        if booking.created_at.is_none() && trigger == "BOOKING_CREATED" {
            booking.created_at = created_at.parse().ok();
        }
        let dedup_key = format!("{trigger}|{}|{created_at}", booking.uid);
        let window = self
            .setting("webhook.deduplication_window", Some(slug))
            .await?
            .value
            .as_i64();
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await.map_err(AppError::from)?;
        let seen = store::seen_since(&mut tx, model.id(), &dedup_key, now - window * 60_000)
            .await
            .map_err(AppError::from)?;
        let superseded = store::superseded(&mut tx, model.id(), &booking.uid)
            .await
            .map_err(AppError::from)?;
        drop(tx);
        if seen {
            tracing::info!(company = slug, trigger = %trigger, calcom_uid = %booking.uid, "duplicate Cal.com delivery ignored");
            return Ok(outcome(&trigger, &booking.uid, true, "duplicate"));
        }
        let applied = if superseded && is_activation(&trigger) {
            "superseded".to_owned()
        } else {
            self.apply_delivery(&model, &trigger, &booking)
                .await?
                .outcome()
                .to_owned()
        };
        let body_text = String::from_utf8_lossy(body);
        let record = Delivery {
            id: &new_id(),
            company_id: model.id(),
            trigger_event: &trigger,
            uid: &booking.uid,
            replaces_uid: booking.rescheduled_from.as_deref(),
            dedup_key: &dedup_key,
            body: &body_text,
            received_at: now,
            outcome: &applied,
        };
        let mut tx = self.db.begin_write().await.map_err(AppError::from)?;
        store::record_delivery(&mut tx, &record)
            .await
            .map_err(AppError::from)?;
        tx.commit().await.map_err(AppError::from)?;
        if let Some(host) = &booking.host {
            self.calendars.slots.forget_host(model.id(), host);
        }
        tracing::info!(company = slug, trigger = %trigger, calcom_uid = %booking.uid, outcome = %applied, "Cal.com delivery applied");
        Ok(outcome(&trigger, &booking.uid, false, &applied))
    }

    async fn apply_delivery(
        &self,
        model: &CompanyModel,
        trigger: &str,
        booking: &BookingRecord,
    ) -> Result<Mirrored, AppError> {
        match trigger {
            "BOOKING_CANCELLED" | "BOOKING_REJECTED" => {
                self.mirror_cancelled(model, &booking.uid).await
            }
            // A booking awaiting the host's confirmation (`BOOKING_REQUESTED`, status
            // pending) already holds its time in Cal.com, so it holds it here too;
            // Cal.com also sends `BOOKING_REQUESTED` for some reschedules (calcom#21169),
            // recognised by `rescheduleUid`.
            "BOOKING_CREATED" | "BOOKING_RESCHEDULED" | "BOOKING_REQUESTED" => {
                self.mirror_active(model, booking).await
            }
            _ => Ok(Mirrored::Ignored("other_trigger")),
        }
    }
}

/// Whether a trigger makes a booking active (and so must not revive a later-cancelled one).
fn is_activation(trigger: &str) -> bool {
    matches!(
        trigger,
        "BOOKING_CREATED" | "BOOKING_RESCHEDULED" | "BOOKING_REQUESTED"
    )
}

fn outcome(trigger: &str, uid: &str, duplicate: bool, what: &str) -> WebhookOutcome {
    WebhookOutcome {
        trigger: trigger.to_owned(),
        uid: uid.to_owned(),
        duplicate,
        outcome: what.to_owned(),
    }
}

/// Checks the signature with the secret from the environment variable the tenant names.
fn verify(
    app: &App,
    model: &CompanyModel,
    signature: Option<&str>,
    body: &[u8],
) -> Result<(), WebhookError> {
    let Some(config) = &model.tenant().calcom else {
        return Err(WebhookError::Unauthorized(format!(
            "company `{}` has no [calcom] section; it takes no Cal.com webhooks",
            model.slug()
        )));
    };
    let secret = config
        .webhook_secret_env
        .as_deref()
        .and_then(|env| app.secrets.get(env))
        .ok_or_else(|| {
            WebhookError::Unauthorized(format!(
                "no webhook secret for `{}`: set [calcom] webhook_secret_env and that environment variable",
                model.slug()
            ))
        })?;
    let given = signature.ok_or_else(|| {
        WebhookError::Unauthorized("the X-Cal-Signature-256 header is missing".into())
    })?;
    let expected = hex::decode(given.trim())
        .map_err(|_| WebhookError::Unauthorized("X-Cal-Signature-256 is not hex".into()))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| WebhookError::Unauthorized("the webhook secret is unusable".into()))?;
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected).map_err(|_| {
        WebhookError::Unauthorized(
            "the X-Cal-Signature-256 signature does not match the body".into(),
        )
    })
}

//! Cal.com's webhook deliveries: `{"triggerEvent","createdAt","payload"}` signed with
//! `X-Cal-Signature-256` = lowercase hex HMAC-SHA256(secret, raw body), sent once.

use super::state::{Booking, State};
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::Sha256;

/// The delivery body for `trigger` about `booking`, as Cal.com shapes it.
pub(super) fn body(
    state: &State,
    trigger: &str,
    booking: &Booking,
    rescheduled_from: Option<&str>,
    now: Timestamp,
) -> String {
    let host = state.hosts.get(&booking.host);
    let mut attendee = booking.attendee.clone();
    if let Some(a) = attendee.as_object_mut() {
        a.insert("language".into(), json!({ "locale": "de" }));
    }
    let mut payload = json!({
        "bookerUrl": "https://cal.com", "type": format!("event-{}", booking.event_type_id),
        "title": format!("Termin {}", booking.uid), "description": "", "additionalNotes": "",
        "startTime": booking.start.to_string(), "endTime": booking.end.to_string(),
        "eventTypeId": booking.event_type_id, "uid": booking.uid, "bookingId": booking.id,
        "status": booking.status.to_uppercase(),
        "organizer": { "id": 1, "name": booking.host, "username": booking.host,
            "email": format!("{}@calcom.example", booking.host),
            "timeZone": host.map_or("UTC", |h| h.time_zone.as_str()), "language": { "locale": "de" } },
        "attendees": [attendee], "metadata": booking.metadata,
        "length": booking.end.duration_since(booking.start).as_mins(),
    });
    if let Some(from) = rescheduled_from {
        payload["rescheduleUid"] = json!(from);
        payload["rescheduledFromUid"] = json!(from);
    }
    if let Some(reason) = &booking.cancellation_reason {
        payload["cancellationReason"] = json!(reason);
    }
    json!({ "triggerEvent": trigger, "createdAt": now.to_string(), "payload": payload }).to_string()
}

/// The signature header's value for `body`.
pub fn signature(secret: &str, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Posts one delivery; the subscriber's status, or `None` when unreachable.
pub(super) async fn post(url: &str, secret: &str, body: &str) -> Option<u16> {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-cal-signature-256", signature(secret, body))
        .header("x-cal-webhook-version", "2021-10-20")
        .body(body.to_owned())
        .send()
        .await;
    match response {
        Ok(r) => Some(r.status().as_u16()),
        Err(error) => {
            tracing::warn!(%error, "the Cal.com stand-in could not deliver a webhook");
            None
        }
    }
}

/// A body and its signature, for tests that deliver by hand.
pub fn signed(secret: &str, body: &Value) -> (String, String) {
    let text = body.to_string();
    let sig = signature(secret, &text);
    (text, sig)
}

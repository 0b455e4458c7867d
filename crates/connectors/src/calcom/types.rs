//! The shapes of Cal.com's API v2 that AskPro reads and writes, parsed defensively:
//! Cal.com adds fields often, and its webhooks and API name some things differently.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

/// A booking as AskPro needs it, from the API or a webhook payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRecord {
    pub uid: String,
    /// `accepted`, `pending`, `cancelled` or `rejected` (lower case).
    pub status: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub event_type_id: Option<i64>,
    /// The host's Cal.com username.
    pub host: Option<String>,
    pub attendee_name: String,
    pub attendee_email: Option<String>,
    pub attendee_phone: Option<String>,
    pub metadata: Map<String, Value>,
    /// The booking this one replaced (a reschedule).
    pub rescheduled_from: Option<String>,
    pub created_at: Option<Timestamp>,
    /// The host marked the attendee as absent (a no-show).
    pub attendee_absent: bool,
}

impl BookingRecord {
    /// AskPro's id in the booking's metadata, when AskPro made it.
    pub fn askpro_id(&self) -> Option<&str> {
        self.metadata.get("askpro_id").and_then(Value::as_str)
    }

    /// Whether the booking holds its time: accepted, or awaiting the host's confirmation
    /// (an event type that requires it). Only cancelled and rejected ones free it.
    pub fn is_active(&self) -> bool {
        !matches!(self.status.as_str(), "cancelled" | "rejected")
    }

    /// From an API v2 booking object (2024-08-13).
    pub fn from_api(data: &Value) -> Option<BookingRecord> {
        let attendee = &data["attendees"][0];
        Some(BookingRecord {
            uid: text(&data["uid"])?,
            status: text(&data["status"])?.to_lowercase(),
            start: instant(&data["start"])?,
            end: instant(&data["end"])?,
            event_type_id: data["eventTypeId"]
                .as_i64()
                .or_else(|| data["eventType"]["id"].as_i64()),
            host: text(&data["hosts"][0]["username"]),
            attendee_name: text(&attendee["name"]).unwrap_or_default(),
            attendee_email: text(&attendee["email"]),
            attendee_phone: text(&attendee["phoneNumber"]),
            metadata: data["metadata"].as_object().cloned().unwrap_or_default(),
            rescheduled_from: text(&data["rescheduledFromUid"]),
            created_at: instant(&data["createdAt"]),
            attendee_absent: attendee["absent"].as_bool().unwrap_or(false),
        })
    }

    /// From a webhook's `payload` (`startTime`, `organizer`, upper-case `status`).
    pub fn from_webhook(payload: &Value) -> Option<BookingRecord> {
        let attendee = &payload["attendees"][0];
        let phone = text(&attendee["phoneNumber"])
            .or_else(|| text(&payload["responses"]["attendeePhoneNumber"]["value"]))
            .or_else(|| text(&payload["responses"]["attendeePhoneNumber"]))
            .or_else(|| text(&payload["smsReminderNumber"]));
        Some(BookingRecord {
            uid: text(&payload["uid"])?,
            status: text(&payload["status"])
                .unwrap_or_else(|| "accepted".into())
                .to_lowercase(),
            start: instant(&payload["startTime"])?,
            end: instant(&payload["endTime"])?,
            event_type_id: payload["eventTypeId"].as_i64(),
            host: text(&payload["organizer"]["username"]),
            attendee_name: text(&attendee["name"]).unwrap_or_default(),
            attendee_email: text(&attendee["email"]),
            attendee_phone: phone,
            metadata: payload["metadata"].as_object().cloned().unwrap_or_default(),
            rescheduled_from: text(&payload["rescheduleUid"])
                .or_else(|| text(&payload["rescheduledFromUid"])),
            created_at: instant(&payload["createdAt"]),
            attendee_absent: attendee["absent"]
                .as_bool()
                .or_else(|| attendee["noShow"].as_bool())
                .unwrap_or(false),
        })
    }
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn instant(value: &Value) -> Option<Timestamp> {
    value.as_str()?.parse().ok()
}

/// A booking AskPro asks Cal.com to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking<'a> {
    pub event_type_id: i64,
    /// The host AskPro chose (sent as `metadata.askpro_host`; a personal event type has one).
    pub host: &'a str,
    pub start: Timestamp,
    pub attendee_name: &'a str,
    pub attendee_email: Option<&'a str>,
    pub attendee_phone: Option<&'a str>,
    /// The branch's zone, for Cal.com's notifications.
    pub time_zone: &'a str,
    /// AskPro's appointment id, to find the booking again after a lost answer.
    pub askpro_id: &'a str,
    pub call_id: Option<&'a str>,
}

impl NewBooking<'_> {
    pub(super) fn body(&self) -> Value {
        let mut attendee =
            json!({ "name": self.attendee_name, "timeZone": self.time_zone, "language": "de" });
        if let Some(email) = self.attendee_email {
            attendee["email"] = json!(email);
        }
        if let Some(phone) = self.attendee_phone {
            attendee["phoneNumber"] = json!(phone);
        }
        let mut metadata = json!({ "askpro_id": self.askpro_id, "askpro_host": self.host });
        if let Some(call) = self.call_id {
            metadata["askpro_call_id"] = json!(call);
        }
        json!({
            // Cal.com wants the start in UTC.
            "start": self.start.to_string(),
            "eventTypeId": self.event_type_id,
            "attendee": attendee,
            "metadata": metadata,
        })
    }
}

/// `GET /v2/slots` for one event type and host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotsQuery<'a> {
    pub event_type_id: i64,
    pub username: &'a str,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Slots come back grouped by local date in this zone.
    pub time_zone: &'a str,
}

/// `GET /v2/bookings` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListBookings {
    pub event_type_ids: Vec<i64>,
    pub after_start: Option<Timestamp>,
    pub before_end: Option<Timestamp>,
    /// `upcoming`, `past`, `cancelled`, `unconfirmed` (comma-joined).
    pub statuses: Vec<&'static str>,
    pub attendee_email: Option<String>,
}

/// The starts of `GET /v2/slots`'s answer (`{"YYYY-MM-DD": [{"start": …}]}`).
pub(super) fn slot_starts(data: &Value) -> Option<Vec<Timestamp>> {
    let days = data.as_object()?;
    let mut starts = Vec::new();
    for slots in days.values() {
        for slot in slots.as_array()? {
            starts.push(instant(&slot["start"])?);
        }
    }
    starts.sort();
    Some(starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_payload_and_an_api_booking_read_alike() {
        let payload = json!({ "uid": "u1", "status": "ACCEPTED", "startTime": "2026-12-01T09:00:00Z",
            "endTime": "2026-12-01T09:45:00Z", "eventTypeId": 7, "organizer": { "username": "anna" },
            "attendees": [{ "name": "Eva", "email": "eva@example.org" }],
            "responses": { "attendeePhoneNumber": { "value": "+4915112345678" } },
            "metadata": { "askpro_id": "a1" }, "rescheduleUid": "u0" });
        let hook = BookingRecord::from_webhook(&payload).unwrap();
        assert_eq!(
            (hook.status.as_str(), hook.host.as_deref()),
            ("accepted", Some("anna"))
        );
        assert_eq!(hook.attendee_phone.as_deref(), Some("+4915112345678"));
        assert_eq!(
            (hook.askpro_id(), hook.rescheduled_from.as_deref()),
            (Some("a1"), Some("u0"))
        );
        let api = json!({ "uid": "u1", "status": "accepted", "start": "2026-12-01T09:00:00.000Z",
            "end": "2026-12-01T09:45:00.000Z", "eventTypeId": 7, "hosts": [{ "username": "anna" }],
            "attendees": [{ "name": "Eva", "email": "eva@example.org" }], "metadata": {} });
        let read = BookingRecord::from_api(&api).unwrap();
        assert_eq!((read.start, read.end), (hook.start, hook.end));
        assert!(
            BookingRecord::from_api(&json!({ "uid": "u1" })).is_none(),
            "no times, no booking"
        );
    }

    #[test]
    fn a_booking_awaiting_confirmation_still_holds_its_time() {
        let with = |status: &str| {
            BookingRecord::from_api(&json!({ "uid": "u", "status": status,
                "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T09:45:00Z" }))
            .unwrap()
        };
        assert!(with("accepted").is_active() && with("pending").is_active());
        assert!(!with("cancelled").is_active() && !with("rejected").is_active());
    }

    #[test]
    fn slots_are_read_from_every_day_in_order() {
        let data = json!({ "2026-12-02": [{ "start": "2026-12-02T09:00:00.000+01:00" }],
                           "2026-12-01": [{ "start": "2026-12-01T10:00:00.000+01:00" }] });
        let starts = slot_starts(&data).unwrap();
        assert_eq!(starts[0].to_string(), "2026-12-01T09:00:00Z");
        assert!(slot_starts(&json!({ "slots": { "2026-12-01": [{ "time": "x" }] } })).is_none());
    }
}

//! What the stand-in Cal.com knows: event types, hosts with their working hours, and
//! bookings — and the rules Cal.com applies to them (a host is booked once at a time,
//! a reschedule makes a new booking with a new uid).

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// An event type with the usernames that host it.
#[derive(Debug, Clone)]
pub struct EventType {
    pub id: i64,
    pub slug: String,
    pub length_min: i64,
    pub hosts: Vec<String>,
    /// Minutes between offered starts (Cal.com's `slotInterval`); the length when unset.
    pub slot_interval_min: Option<i64>,
}

/// A host: their time zone and daily working hours (every day of the week).
#[derive(Debug, Clone)]
pub struct Host {
    pub username: String,
    pub time_zone: String,
    pub opens: Time,
    pub closes: Time,
}

#[derive(Debug, Clone)]
pub struct Booking {
    pub id: i64,
    pub uid: String,
    pub event_type_id: i64,
    pub host: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// `accepted`, `cancelled`, `rejected` or `pending`.
    pub status: String,
    pub attendee: Value,
    pub metadata: Map<String, Value>,
    pub rescheduled_from_uid: Option<String>,
    pub rescheduled_to_uid: Option<String>,
    pub cancellation_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Cal.com's answer when the host is taken (HTTP 400, not 409).
pub const TAKEN: &str = "User either already has booking at this time or is not available";

#[derive(Debug, Default)]
pub struct State {
    pub event_types: BTreeMap<i64, EventType>,
    pub hosts: BTreeMap<String, Host>,
    pub bookings: Vec<Booking>,
    /// Cal.com checks, then inserts: concurrent bookings of one host can both get in
    /// (its open double-booking race). When set, the check lets everything through.
    pub racy: bool,
    next_id: i64,
}

impl State {
    pub fn booking(&self, uid: &str) -> Option<&Booking> {
        self.bookings.iter().find(|b| b.uid == uid)
    }

    fn booking_mut(&mut self, uid: &str) -> Option<&mut Booking> {
        self.bookings.iter_mut().find(|b| b.uid == uid)
    }

    /// Accepted bookings of `host` overlapping [start, end), except `except`.
    fn busy(&self, host: &str, start: Timestamp, end: Timestamp, except: Option<&str>) -> bool {
        !self.racy
            && self.bookings.iter().any(|b| {
                b.host == host
                    && b.status == "accepted"
                    && Some(b.uid.as_str()) != except
                    && b.start < end
                    && start < b.end
            })
    }

    /// Whether [start, end) lies in the host's working hours on its local day.
    fn within_hours(host: &Host, start: Timestamp, end: Timestamp) -> bool {
        let Ok(tz) = TimeZone::get(&host.time_zone) else {
            return false;
        };
        let (from, to) = (
            start.to_zoned_datetime(tz.clone()),
            end.to_zoned_datetime(tz),
        );
        from.date() == to.date() && from.time() >= host.opens && to.time() <= host.closes
    }

    /// Free starts of `event_type` (for `host`, or any of its hosts) between `from` and
    /// `to`, grouped by local date in `zone`, as `GET /v2/slots` answers.
    pub fn slots(
        &self,
        event_type: i64,
        host: Option<&str>,
        from: Timestamp,
        to: Timestamp,
        zone: &TimeZone,
        now: Timestamp,
    ) -> Option<BTreeMap<Date, Vec<Timestamp>>> {
        let kind = self.event_types.get(&event_type)?;
        let length = SignedDuration::from_mins(kind.length_min);
        let hosts: Vec<&Host> = kind
            .hosts
            .iter()
            .filter(|h| host.is_none_or(|wanted| wanted == h.as_str()))
            .filter_map(|h| self.hosts.get(h))
            .collect();
        let mut out: BTreeMap<Date, Vec<Timestamp>> = BTreeMap::new();
        let step = kind
            .slot_interval_min
            .map_or(length, SignedDuration::from_mins)
            .max(SignedDuration::from_mins(5));
        for host in hosts {
            let Ok(tz) = TimeZone::get(&host.time_zone) else {
                continue;
            };
            let mut day = from.to_zoned_datetime(tz.clone()).date();
            let last = to.to_zoned_datetime(tz.clone()).date();
            while day <= last {
                let Ok(opening) = day.to_datetime(host.opens).to_zoned_datetime(tz.clone()) else {
                    break;
                };
                let mut start = opening.timestamp();
                loop {
                    let end = start + length;
                    if !Self::within_hours(host, start, end) {
                        break;
                    }
                    if start >= from
                        && start < to
                        && start > now
                        && !self.busy(&host.username, start, end, None)
                    {
                        out.entry(start.to_zoned_datetime(zone.clone()).date())
                            .or_default()
                            .push(start);
                    }
                    start += step;
                }
                day = day.checked_add(1.day()).ok()?;
            }
        }
        for starts in out.values_mut() {
            starts.sort();
            starts.dedup();
        }
        Some(out)
    }

    /// A new booking, as `POST /v2/bookings` makes it; `Err` with Cal.com's 400 message.
    /// `host` is the one wanted (else the first one free).
    pub fn book(
        &mut self,
        event_type: i64,
        host: Option<&str>,
        start: Timestamp,
        attendee: Value,
        metadata: Map<String, Value>,
        now: Timestamp,
    ) -> Result<Booking, (u16, String)> {
        let kind = self
            .event_types
            .get(&event_type)
            .cloned()
            .ok_or_else(|| (404, format!("Event type with id {event_type} not found.")))?;
        if start <= now {
            return Err((400, "Attempting to book a meeting in the past.".into()));
        }
        let end = start + SignedDuration::from_mins(kind.length_min);
        let wanted = host;
        let host = kind
            .hosts
            .iter()
            .filter(|h| wanted.is_none_or(|w| w == h.as_str()))
            .find(|h| {
                self.hosts
                    .get(h.as_str())
                    .is_some_and(|host| Self::within_hours(host, start, end))
                    && !self.busy(h, start, end, None)
            })
            .cloned()
            .ok_or_else(|| (400, TAKEN.to_owned()))?;
        self.next_id += 1;
        let booking = Booking {
            id: self.next_id,
            uid: format!("cal_{}", uuid::Uuid::new_v4().simple()),
            event_type_id: event_type,
            host,
            start,
            end,
            status: "accepted".into(),
            attendee,
            metadata,
            rescheduled_from_uid: None,
            rescheduled_to_uid: None,
            cancellation_reason: None,
            created_at: now,
            updated_at: now,
        };
        self.bookings.push(booking.clone());
        Ok(booking)
    }

    /// Cancels `uid`; the cancelled booking.
    pub fn cancel(&mut self, uid: &str, reason: Option<String>, now: Timestamp) -> Option<Booking> {
        let booking = self.booking_mut(uid)?;
        booking.status = "cancelled".into();
        booking.cancellation_reason = reason;
        booking.updated_at = now;
        Some(booking.clone())
    }

    /// Moves `uid` to `start` as Cal.com does: a new booking with a new uid, the old one
    /// cancelled and linked to it.
    pub fn reschedule(
        &mut self,
        uid: &str,
        start: Timestamp,
        now: Timestamp,
    ) -> Result<Booking, (u16, String)> {
        let old = self
            .booking(uid)
            .cloned()
            .ok_or_else(|| (404, format!("Booking with uid {uid} not found")))?;
        if old.status != "accepted" {
            return Err((400, format!("Booking with uid {uid} is {}", old.status)));
        }
        let length = old.end.duration_since(old.start);
        if self.busy(&old.host, start, start + length, Some(uid)) {
            return Err((400, TAKEN.to_owned()));
        }
        self.next_id += 1;
        let mut new = old.clone();
        new.id = self.next_id;
        new.uid = format!("cal_{}", uuid::Uuid::new_v4().simple());
        new.start = start;
        new.end = start + length;
        new.rescheduled_from_uid = Some(uid.to_owned());
        new.created_at = now;
        new.updated_at = now;
        if let Some(previous) = self.booking_mut(uid) {
            previous.status = "cancelled".into();
            previous.rescheduled_to_uid = Some(new.uid.clone());
            previous.updated_at = now;
        }
        self.bookings.push(new.clone());
        Ok(new)
    }
}

/// A booking as API v2 (2024-08-13) shows it.
pub fn booking_json(state: &State, b: &Booking) -> Value {
    let host = state.hosts.get(&b.host);
    json!({
        "id": b.id, "uid": b.uid, "title": format!("Termin {}", b.uid),
        "hosts": [{ "id": 1, "name": b.host, "username": b.host,
                    "timeZone": host.map_or("UTC", |h| h.time_zone.as_str()) }],
        "status": b.status, "start": b.start.to_string(), "end": b.end.to_string(),
        "duration": b.end.duration_since(b.start).as_mins(),
        "eventTypeId": b.event_type_id, "eventType": { "id": b.event_type_id },
        "attendees": [b.attendee], "metadata": b.metadata,
        "rescheduledFromUid": b.rescheduled_from_uid, "rescheduledToUid": b.rescheduled_to_uid,
        "cancellationReason": b.cancellation_reason,
        "createdAt": b.created_at.to_string(), "updatedAt": b.updated_at.to_string(),
    })
}

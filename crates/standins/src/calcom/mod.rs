//! A stand-in for Cal.com's API v2 on a local port: event types, hosts with working
//! hours, bookings with Cal.com's rules and errors, signed webhooks to a subscriber, and
//! the faults a real Cal.com shows (5xx, 429 with reset headers, slowness, silence).
//! Tests and `askpro demo --calcom-fake` use it; it also books "on the web", behind
//! AskPro's back, as a business's customers do.

mod routes;
mod state;
mod webhook;

pub use state::{Booking, EventType, Host, TAKEN};
pub use webhook::{signature, signed};

use axum::Router;
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::civil::Time;
use serde_json::{Map, Value};
use state::State;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// What the next answers do instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// An error status (500, 502, 503 …).
    Status(u16),
    /// 429 with `X-RateLimit-Reset-Default` seconds.
    RateLimited { reset_s: u64 },
    /// Accept the request and never answer.
    Hang,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    key: Mutex<String>,
    faults: Mutex<VecDeque<Fault>>,
    /// Faults for every request until cleared.
    failing: Mutex<Option<Fault>>,
    latency: Mutex<Option<Duration>>,
    now: Mutex<Option<Timestamp>>,
    /// Milliseconds the clock runs ahead of (or behind) the system's.
    shift_ms: Mutex<i64>,
    log: Mutex<Vec<String>>,
    subscription: Mutex<Option<(String, String)>>,
    delivered: Mutex<Vec<String>>,
    reschedule_trigger: Mutex<Option<String>>,
}

/// A running stand-in; clones share it.
#[derive(Clone, Default)]
pub struct Fake(Arc<Inner>);

/// The stand-in and where it listens.
pub struct FakeCalcom {
    /// `http://127.0.0.1:PORT/v2`, the `base_url` of a tenant's `[calcom]`.
    pub base_url: String,
    pub fake: Fake,
}

impl FakeCalcom {
    /// Serves on a free port of 127.0.0.1, accepting `key` as the API key.
    pub async fn start(key: &str) -> std::io::Result<FakeCalcom> {
        FakeCalcom::start_on("127.0.0.1:0", key).await
    }

    pub async fn start_on(addr: &str, key: &str) -> std::io::Result<FakeCalcom> {
        let fake = Fake::default();
        *lock(&fake.0.key) = key.to_owned();
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let base_url = format!("http://{}/v2", listener.local_addr()?);
        let app = router(fake.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the Cal.com stand-in stopped");
            }
        });
        Ok(FakeCalcom { base_url, fake })
    }
}

fn router(fake: Fake) -> Router {
    Router::new()
        .route("/v2/slots", get(routes::slots))
        .route("/v2/bookings", post(routes::create).get(routes::list))
        .route("/v2/bookings/{uid}", get(routes::get))
        .route("/v2/bookings/{uid}/cancel", post(routes::cancel))
        .route("/v2/bookings/{uid}/reschedule", post(routes::reschedule))
        .route("/v2/me", get(routes::me))
        .route("/v2/event-types/{id}", get(routes::event_type))
        .route("/v2/schedules", get(routes::schedules))
        .route("/v2/webhooks", get(routes::webhooks))
        .route("/web/bookings", post(routes::web_booking))
        .with_state(fake)
}

/// A poisoned lock only means a test panicked elsewhere: the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Fake {
    pub fn add_host(&self, username: &str, time_zone: &str, opens: Time, closes: Time) {
        let host = Host {
            username: username.to_owned(),
            time_zone: time_zone.to_owned(),
            opens,
            closes,
        };
        lock(&self.0.state).hosts.insert(username.to_owned(), host);
    }

    pub fn add_event_type(&self, id: i64, slug: &str, length_min: i64, hosts: &[&str]) {
        let kind = EventType {
            id,
            slug: slug.to_owned(),
            length_min,
            hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
            slot_interval_min: None,
        };
        lock(&self.0.state).event_types.insert(id, kind);
    }

    /// Offers a start every `minutes` for event type `id` (Cal.com's `slotInterval`).
    pub fn set_slot_interval(&self, id: i64, minutes: i64) {
        if let Some(kind) = lock(&self.0.state).event_types.get_mut(&id) {
            kind.slot_interval_min = Some(minutes);
        }
    }

    /// Lets overlapping bookings of one host through, as Cal.com's check-then-insert does
    /// when two arrive at once.
    pub fn let_double_bookings_through(&self, racy: bool) {
        lock(&self.0.state).racy = racy;
    }

    /// The API key it accepts from now on (the old one stops working).
    pub fn set_key(&self, key: &str) {
        *lock(&self.0.key) = key.to_owned();
    }

    pub(crate) fn key(&self) -> String {
        lock(&self.0.key).clone()
    }

    /// The stand-in's clock: fixed at `now`, or the system clock with `None`.
    pub fn set_now(&self, now: Option<Timestamp>) {
        *lock(&self.0.now) = now;
    }

    /// A running clock moved by `ms` from the system's (as `askpro --now` moves its own).
    pub fn set_shift_ms(&self, ms: i64) {
        *lock(&self.0.shift_ms) = ms;
    }

    pub fn now(&self) -> Timestamp {
        lock(&self.0.now).unwrap_or_else(|| {
            let shift = jiff::SignedDuration::from_millis(*lock(&self.0.shift_ms));
            Timestamp::now()
                .checked_add(shift)
                .unwrap_or_else(|_| Timestamp::now())
        })
    }

    /// The next `count` requests meet `fault`, in order, after which it answers again.
    pub fn fail_next(&self, fault: Fault, count: usize) {
        lock(&self.0.faults).extend(std::iter::repeat_n(fault, count));
    }

    /// Every request meets `fault` until [`Fake::heal`].
    pub fn fail_all(&self, fault: Fault) {
        *lock(&self.0.failing) = Some(fault);
    }

    pub fn heal(&self) {
        *lock(&self.0.failing) = None;
        lock(&self.0.faults).clear();
    }

    pub(crate) fn take_fault(&self) -> Option<Fault> {
        lock(&self.0.faults).pop_front().or(*lock(&self.0.failing))
    }

    /// Every answer comes this much later (a slow Cal.com).
    pub fn set_latency(&self, latency: Option<Duration>) {
        *lock(&self.0.latency) = latency;
    }

    pub(crate) fn latency(&self) -> Option<Duration> {
        *lock(&self.0.latency)
    }

    pub(crate) fn log(&self, line: String) {
        lock(&self.0.log).push(line);
    }

    /// Every request received, `METHOD path …`, oldest first.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.0.log).clone()
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.0.state)
    }

    /// Every booking, in the order made.
    pub fn bookings(&self) -> Vec<Booking> {
        self.state().bookings.clone()
    }

    pub fn booking(&self, uid: &str) -> Option<Booking> {
        self.state().booking(uid).cloned()
    }

    /// Sends webhooks for every booking change to `url`, signed with `secret`.
    pub fn subscribe(&self, url: &str, secret: &str) {
        *lock(&self.0.subscription) = Some((url.to_owned(), secret.to_owned()));
    }

    pub fn unsubscribe(&self) {
        *lock(&self.0.subscription) = None;
    }

    pub(crate) fn subscription(&self) -> Option<(String, String)> {
        lock(&self.0.subscription).clone()
    }

    /// Which trigger a reschedule through the API fires: `BOOKING_RESCHEDULED`, or
    /// `BOOKING_REQUESTED` as some Cal.com versions do (calcom#21169).
    pub fn set_reschedule_trigger(&self, trigger: &str) {
        *lock(&self.0.reschedule_trigger) = Some(trigger.to_owned());
    }

    pub(crate) fn reschedule_trigger(&self) -> String {
        lock(&self.0.reschedule_trigger)
            .clone()
            .unwrap_or_else(|| "BOOKING_RESCHEDULED".into())
    }

    /// Every webhook body sent so far, oldest first (to deliver again, or out of order).
    pub fn delivered(&self) -> Vec<String> {
        lock(&self.0.delivered).clone()
    }

    /// A booking made on Cal.com's own booking page: no AskPro metadata; webhooks fire.
    pub fn web_book(
        &self,
        event_type: i64,
        host: &str,
        start: Timestamp,
        attendee: Value,
    ) -> Result<Booking, String> {
        let booked = self.state().book(
            event_type,
            Some(host),
            start,
            attendee,
            Map::new(),
            self.now(),
        );
        let booking = booked.map_err(|(_, message)| message)?;
        self.notify("BOOKING_CREATED", &booking, None);
        Ok(booking)
    }

    /// The business cancels a booking in Cal.com.
    pub fn web_cancel(&self, uid: &str) -> Option<Booking> {
        let cancelled =
            self.state()
                .cancel(uid, Some("Abgesagt im Kalender".into()), self.now())?;
        self.notify("BOOKING_CANCELLED", &cancelled, None);
        Some(cancelled)
    }

    /// The business moves a booking in Cal.com: a new booking with a new uid.
    pub fn web_reschedule(&self, uid: &str, start: Timestamp) -> Result<Booking, String> {
        let moved = self.state().reschedule(uid, start, self.now());
        let booking = moved.map_err(|(_, message)| message)?;
        self.notify("BOOKING_RESCHEDULED", &booking, Some(uid));
        Ok(booking)
    }

    /// Changes a booking behind everyone's back, without any webhook (a lost delivery).
    pub fn silently<R>(&self, change: impl FnOnce(&mut Vec<Booking>) -> R) -> R {
        change(&mut self.state().bookings)
    }

    /// Delivers a webhook body again (a duplicate), signed like the first time; the
    /// subscriber's HTTP status.
    pub async fn redeliver(&self, body: &str) -> Option<u16> {
        let (url, secret) = self.subscription()?;
        webhook::post(&url, &secret, body).await
    }

    pub(crate) fn notify(&self, trigger: &str, booking: &Booking, rescheduled_from: Option<&str>) {
        let Some((url, secret)) = self.subscription() else {
            return;
        };
        let body = webhook::body(
            &self.state(),
            trigger,
            booking,
            rescheduled_from,
            self.now(),
        );
        lock(&self.0.delivered).push(body.clone());
        tokio::spawn(async move {
            webhook::post(&url, &secret, &body).await;
        });
    }
}

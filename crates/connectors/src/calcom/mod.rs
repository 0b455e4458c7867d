//! Cal.com's API v2, as AskPro uses it: slots, bookings (create, read, list, cancel,
//! reschedule), the key's owner, event types and schedules. Every endpoint family has
//! its `cal-api-version` pinned (Cal.com answers older shapes without it), every call a
//! deadline, and every failure a typed error that says whether trying again can help.
//! The API key is sent as a Bearer token and never printed.

mod error;
mod types;

pub use error::CalcomError;
pub use types::{BookingRecord, ListBookings, NewBooking, SlotsQuery};

use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The API versions AskPro was built against, per endpoint family.
pub const SLOTS_VERSION: &str = "2024-09-04";
pub const BOOKINGS_VERSION: &str = "2024-08-13";
pub const EVENT_TYPES_VERSION: &str = "2024-06-14";
pub const SCHEDULES_VERSION: &str = "2024-06-11";

/// The deadline of a call when the caller names none.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// Counters of every client in the process, for `/metrics`.
#[derive(Debug, Default)]
pub struct CalcomMetrics {
    pub calls: AtomicU64,
    pub errors: AtomicU64,
    pub timeouts: AtomicU64,
    pub latency_ms_total: AtomicU64,
}

impl CalcomMetrics {
    fn record(&self, started: Instant, outcome: &Result<Value, CalcomError>) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.latency_ms_total.fetch_add(elapsed, Ordering::Relaxed);
        match outcome {
            Err(CalcomError::Timeout) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                self.timeouts.fetch_add(1, Ordering::Relaxed);
            }
            // A refused booking is Cal.com's answer, not a failure to talk to it.
            Err(CalcomError::Conflict(_) | CalcomError::NotFound(_)) | Ok(_) => {}
            Err(_) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// A client for one Cal.com account (one company's API key).
#[derive(Clone)]
pub struct CalCom {
    http: reqwest::Client,
    base_url: String,
    key: String,
    metrics: Arc<CalcomMetrics>,
}

impl std::fmt::Debug for CalCom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CalCom {{ base_url: {}, key: *** }}", self.base_url)
    }
}

/// One request: its family's version, its deadline.
struct Call<'a> {
    method: Method,
    path: String,
    version: &'static str,
    query: Vec<(&'a str, String)>,
    body: Option<Value>,
    deadline: Duration,
}

impl<'a> Call<'a> {
    fn new(method: Method, path: String, version: &'static str) -> Call<'a> {
        Call {
            method,
            path,
            version,
            query: Vec::new(),
            body: None,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

impl CalCom {
    /// A client for `base_url` (`https://api.cal.com/v2`, cal.eu, self-hosted) with this
    /// key. `http` is shared so that every company reuses one connection pool.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        key: &str,
        metrics: Arc<CalcomMetrics>,
    ) -> CalCom {
        CalCom {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            key: key.to_owned(),
            metrics,
        }
    }

    /// The HTTP client every Cal.com client should share.
    pub fn http_client() -> Result<reqwest::Client, CalcomError> {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| CalcomError::Invalid(format!("cannot build the HTTP client: {e}")))
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Free starts for one event type and host, within `deadline`.
    pub async fn slots(
        &self,
        query: &SlotsQuery<'_>,
        deadline: Duration,
    ) -> Result<Vec<jiff::Timestamp>, CalcomError> {
        let mut call = Call::new(Method::GET, "/slots".into(), SLOTS_VERSION);
        call.query = vec![
            ("eventTypeId", query.event_type_id.to_string()),
            ("username", query.username.to_owned()),
            ("start", query.start.to_string()),
            ("end", query.end.to_string()),
            ("timeZone", query.time_zone.to_owned()),
        ];
        call.deadline = deadline;
        let data = self.send(call).await?;
        types::slot_starts(&data).ok_or_else(|| unexpected("slots", &data))
    }

    /// Books; a slot taken in the meantime is [`CalcomError::Conflict`].
    pub async fn create_booking(
        &self,
        booking: &NewBooking<'_>,
        deadline: Duration,
    ) -> Result<BookingRecord, CalcomError> {
        let mut call = Call::new(Method::POST, "/bookings".into(), BOOKINGS_VERSION);
        call.body = Some(booking.body());
        call.deadline = deadline;
        let data = self.send(call).await?;
        booking_of(&data)
    }

    pub async fn booking(&self, uid: &str) -> Result<BookingRecord, CalcomError> {
        let call = Call::new(
            Method::GET,
            format!("/bookings/{}", path_part(uid)),
            BOOKINGS_VERSION,
        );
        let data = self.send(call).await?;
        booking_of(&data)
    }

    /// Cancels; Cal.com answers the cancelled booking.
    pub async fn cancel_booking(&self, uid: &str, reason: &str) -> Result<(), CalcomError> {
        let path = format!("/bookings/{}/cancel", path_part(uid));
        let mut call = Call::new(Method::POST, path, BOOKINGS_VERSION);
        call.body = Some(json!({ "cancellationReason": reason }));
        self.send(call).await.map(|_| ())
    }

    /// Moves; Cal.com answers with a new booking (a new uid) that names the old one.
    pub async fn reschedule_booking(
        &self,
        uid: &str,
        start: jiff::Timestamp,
        reason: &str,
    ) -> Result<BookingRecord, CalcomError> {
        let path = format!("/bookings/{}/reschedule", path_part(uid));
        let mut call = Call::new(Method::POST, path, BOOKINGS_VERSION);
        call.body = Some(json!({ "start": start.to_string(), "reschedulingReason": reason }));
        let data = self.send(call).await?;
        booking_of(&data)
    }

    /// Every booking matching `filter`, all pages.
    pub async fn bookings(&self, filter: &ListBookings) -> Result<Vec<BookingRecord>, CalcomError> {
        // Cal.com takes up to 250 per page; fewer round trips for a long reconciliation.
        const PAGE: usize = 250;
        let mut found: Vec<BookingRecord> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut skip = 0;
        loop {
            let mut call = Call::new(Method::GET, "/bookings".into(), BOOKINGS_VERSION);
            call.query = filter.query();
            call.query.push(("take", PAGE.to_string()));
            call.query.push(("skip", skip.to_string()));
            let answer = self.send_whole(call).await?;
            let page = answer["data"]
                .as_array()
                .ok_or_else(|| unexpected("bookings", &answer))?;
            // Pages shift when bookings change during a long listing: a booking seen on
            // two pages is one booking.
            skip += page.len();
            let records = page.iter().filter_map(BookingRecord::from_api);
            found.extend(records.filter(|b| seen.insert(b.uid.clone())));
            let more = answer["pagination"]["hasNextPage"].as_bool() == Some(true);
            if !more || page.is_empty() {
                return Ok(found);
            }
        }
    }

    /// Whose key this is (`GET /v2/me`): the cheapest check that the key works.
    pub async fn me(&self) -> Result<Value, CalcomError> {
        self.send(Call::new(Method::GET, "/me".into(), BOOKINGS_VERSION))
            .await
    }

    /// An event type with its hosts.
    pub async fn event_type(&self, id: i64) -> Result<Value, CalcomError> {
        self.send(Call::new(
            Method::GET,
            format!("/event-types/{id}"),
            EVENT_TYPES_VERSION,
        ))
        .await
    }

    /// The account's schedules: working hours and their zones.
    pub async fn schedules(&self) -> Result<Vec<Value>, CalcomError> {
        let data = self
            .send(Call::new(
                Method::GET,
                "/schedules".into(),
                SCHEDULES_VERSION,
            ))
            .await?;
        data.as_array()
            .cloned()
            .ok_or_else(|| unexpected("schedules", &data))
    }

    /// The account's webhook subscriptions.
    pub async fn webhooks(&self) -> Result<Vec<Value>, CalcomError> {
        let data = self
            .send(Call::new(Method::GET, "/webhooks".into(), BOOKINGS_VERSION))
            .await?;
        data.as_array()
            .cloned()
            .ok_or_else(|| unexpected("webhooks", &data))
    }

    /// The `data` of a successful answer.
    async fn send(&self, call: Call<'_>) -> Result<Value, CalcomError> {
        let whole = self.send_whole(call).await?;
        Ok(whole.get("data").cloned().unwrap_or(Value::Null))
    }

    async fn send_whole(&self, call: Call<'_>) -> Result<Value, CalcomError> {
        let started = Instant::now();
        let deadline = call.deadline;
        let outcome = match tokio::time::timeout(deadline, self.exchange(call)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(CalcomError::Timeout),
        };
        self.metrics.record(started, &outcome);
        outcome
    }

    async fn exchange(&self, call: Call<'_>) -> Result<Value, CalcomError> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, call.path))
            .map_err(|e| CalcomError::Invalid(format!("Cal.com base URL: {e}")))?;
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        let mut request = self
            .http
            .request(call.method, url)
            .bearer_auth(&self.key)
            .header("cal-api-version", call.version);
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            // The URL is not secret, but a request error is printed with it and with
            // nothing of the key; still, never risk a query string.
            CalcomError::Unavailable(format!(
                "Cal.com unreachable: {}",
                crate::error_chain(&e.without_url())
            ))
        })?;
        let status = response.status().as_u16();
        let wait = error::wait_of(&response);
        let text = response.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(body);
        }
        Err(CalcomError::from_status(
            status, &body, &text, wait, &self.key,
        ))
    }
}

impl ListBookings {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if !self.event_type_ids.is_empty() {
            let ids: Vec<String> = self.event_type_ids.iter().map(i64::to_string).collect();
            query.push(("eventTypeIds", ids.join(",")));
        }
        if let Some(after) = self.after_start {
            query.push(("afterStart", after.to_string()));
        }
        if let Some(before) = self.before_end {
            query.push(("beforeEnd", before.to_string()));
        }
        if !self.statuses.is_empty() {
            query.push(("status", self.statuses.join(",")));
        }
        if let Some(email) = &self.attendee_email {
            query.push(("attendeeEmail", email.clone()));
        }
        query
    }
}

fn booking_of(data: &Value) -> Result<BookingRecord, CalcomError> {
    // Recurring bookings answer an array; AskPro books single ones.
    let single = data.as_array().and_then(|a| a.first()).unwrap_or(data);
    BookingRecord::from_api(single).ok_or_else(|| unexpected("booking", data))
}

fn unexpected(what: &str, data: &Value) -> CalcomError {
    let mut shown = data.to_string();
    shown.truncate(200);
    CalcomError::Invalid(format!(
        "Cal.com answered an unexpected {what} shape: {shown}"
    ))
}

/// A uid as one path segment: Cal.com's uids are URL-safe, anything else is refused
/// by Cal.com rather than walking to another path.
fn path_part(uid: &str) -> String {
    uid.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}

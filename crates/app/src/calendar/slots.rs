//! Availability as both calendars agree: AskPro's free slots, kept only where Cal.com
//! offers the same start for that event type and host. Cal.com's answers are cached per
//! (event type, host, local day) for `calcom.slots_cache_seconds`; when Cal.com does not
//! answer within `calcom.timeout_ms`, AskPro's own answer stands and the outage counts.

use crate::App;
use crate::booking::SlotView;
use crate::model::CompanyModel;
use askpro_connectors::calcom::{CalCom, CalcomError, SlotsQuery};
use askpro_core::tenant::Service;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// One cached answer of `GET /v2/slots`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SlotKey {
    company_id: String,
    event_type: i64,
    host: String,
    day: Date,
}

/// Free starts of one host-day, shared by the cache and its readers.
type Starts = Arc<HashSet<Timestamp>>;

/// Cal.com's free starts by (event type, host, local day), with when they were fetched.
#[derive(Default)]
pub struct SlotCache {
    entries: Mutex<HashMap<SlotKey, (Instant, Starts)>>,
    /// Counts drops: an answer fetched before a drop is not stored after it.
    generation: AtomicU64,
    /// Cal.com asked to wait (429) until then: no slot requests before it.
    quiet_until: Mutex<Option<Instant>>,
}

/// Slot requests in flight at once for one answer: Cal.com allows 120 a minute.
const PARALLEL_FETCHES: usize = 6;

impl SlotCache {
    fn get(&self, key: &SlotKey, ttl: Duration) -> Option<Arc<HashSet<Timestamp>>> {
        let entries = self.entries.lock().ok()?;
        let (at, starts) = entries.get(key)?;
        (at.elapsed() < ttl).then(|| starts.clone())
    }

    /// Stores an answer fetched in `generation`, and drops what has expired.
    fn put(&self, key: SlotKey, starts: Starts, generation: u64, ttl: Duration) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        entries.retain(|_, (at, _)| at.elapsed() < ttl);
        entries.insert(key, (Instant::now(), starts));
    }

    fn forget_where(&self, drop: impl Fn(&SlotKey) -> bool) -> usize {
        let Ok(mut entries) = self.entries.lock() else {
            return 0;
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        let before = entries.len();
        entries.retain(|key, _| !drop(key));
        before - entries.len()
    }

    fn rate_limited(&self) -> bool {
        self.quiet_until
            .lock()
            .ok()
            .and_then(|until| *until)
            .is_some_and(|until| Instant::now() < until)
    }

    fn wait(&self, retry_after: Duration) {
        if let Ok(mut until) = self.quiet_until.lock() {
            *until = Some(Instant::now() + retry_after);
        }
    }

    /// Whether Cal.com offered `start` when last asked about that host-day, however long
    /// ago; `None` when it was never asked.
    fn offered(&self, key: &SlotKey, start: Timestamp) -> Option<bool> {
        let entries = self.entries.lock().ok()?;
        entries.get(key).map(|(_, starts)| starts.contains(&start))
    }

    /// Drops what is cached for one host of a company (a booking or webhook touched it).
    pub fn forget_host(&self, company_id: &str, host: &str) -> usize {
        self.forget_where(|k| k.company_id == company_id && k.host == host)
    }

    /// Drops everything cached for a company.
    pub fn forget_company(&self, company_id: &str) -> usize {
        self.forget_where(|k| k.company_id == company_id)
    }

    /// Drops everything.
    pub fn clear(&self) -> usize {
        self.forget_where(|_| true)
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What one host's day needs fetched or found.
struct DayOfHost {
    key: SlotKey,
    zone: TimeZone,
}

impl App {
    /// `slots` (AskPro's answer for `service`) without the starts that Cal.com does not
    /// offer for the slot's host. Slots of unmapped staff, and of hosts whose Cal.com
    /// answer did not come in time, stay as AskPro computed them.
    pub(crate) async fn agree_with_calcom(
        &self,
        model: &CompanyModel,
        service: &Service,
        slots: Vec<SlotView>,
    ) -> Vec<SlotView> {
        let client = match self.calcom_client(model) {
            Ok(Some(client)) => client,
            Ok(None) => return slots,
            Err(error) => {
                self.count_fallback(model, &error);
                self.note_calcom_failure(model, &error).await;
                return slots;
            }
        };
        let days = days_to_ask(model, service, &slots);
        if days.is_empty() {
            return slots;
        }
        let known = self.calcom_days(model, &client, days).await;
        slots
            .into_iter()
            .filter(|slot| {
                let Some(key) = key_of(model, service, slot) else {
                    return true;
                };
                known.get(&key).is_none_or(|starts| {
                    Timestamp::from_millisecond(slot.start_ms).is_ok_and(|s| starts.contains(&s))
                })
            })
            .collect()
    }

    /// Cal.com's starts for each day asked, from the cache or fetched together within
    /// `calcom.timeout_ms`. Days without an answer are left out.
    async fn calcom_days(
        &self,
        model: &CompanyModel,
        client: &CalCom,
        days: Vec<DayOfHost>,
    ) -> HashMap<SlotKey, Arc<HashSet<Timestamp>>> {
        let ttl = self.slots_ttl(model).await;
        let deadline = self.calcom_timeout(model).await;
        let cache = &self.calendars.slots;
        let generation = cache.generation.load(Ordering::SeqCst);
        let mut known = HashMap::new();
        let mut fetches = JoinSet::new();
        let permits = Arc::new(tokio::sync::Semaphore::new(PARALLEL_FETCHES));
        let quiet = cache.rate_limited();
        let mut skipped = false;
        for day in days {
            if let Some(starts) = cache.get(&day.key, ttl) {
                known.insert(day.key, starts);
                continue;
            }
            if quiet {
                skipped = true;
                continue;
            }
            let (client, permits) = (client.clone(), permits.clone());
            fetches.spawn(async move {
                let fetched = tokio::time::timeout(deadline, async {
                    let _permit = permits.acquire().await;
                    fetch_day(&client, &day, deadline).await
                })
                .await
                .unwrap_or(Err(CalcomError::Timeout));
                (day.key, fetched)
            });
        }
        if skipped {
            self.count_fallback(
                model,
                &CalcomError::RateLimited {
                    retry_after: Duration::ZERO,
                },
            );
        }
        let mut failure = None;
        while let Some(joined) = fetches.join_next().await {
            let Ok((key, fetched)) = joined else {
                continue;
            };
            match fetched {
                Ok(starts) => {
                    let starts = Arc::new(starts);
                    if !ttl.is_zero() {
                        cache.put(key.clone(), starts.clone(), generation, ttl);
                    }
                    known.insert(key, starts);
                }
                Err(error) => {
                    if let Some(wait) = error.retry_after() {
                        cache.wait(wait);
                    }
                    failure = Some(error);
                }
            }
        }
        if let Some(error) = failure {
            self.count_fallback(model, &error);
            self.note_calcom_failure(model, &error).await;
        }
        known
    }

    async fn slots_ttl(&self, model: &CompanyModel) -> Duration {
        let seconds = self
            .setting("calcom.slots_cache_seconds", Some(model.slug()))
            .await
            .map_or(60, |s| s.value.as_i64());
        Duration::from_secs(u64::try_from(seconds).unwrap_or(60))
    }

    /// Whether Cal.com offered `start` for `staff` when last asked (`None`: never asked or
    /// not in Cal.com): lets a booking for "anyone" try first whom Cal.com has free.
    pub(crate) fn calcom_offered(
        &self,
        model: &CompanyModel,
        service: &Service,
        staff: &askpro_core::tenant::Staff,
        branch: &str,
        start: Timestamp,
    ) -> Option<bool> {
        let (event_type, host) = model.calcom_pair(service, staff)?;
        let key = SlotKey {
            company_id: model.id().to_owned(),
            event_type,
            host: host.to_owned(),
            day: start.to_zoned_datetime(model.zone(branch)).date(),
        };
        self.calendars.slots.offered(&key, start)
    }

    fn count_fallback(&self, model: &CompanyModel, error: &CalcomError) {
        self.calendars.fallbacks.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(company = model.slug(), %error, kind = error.kind(), "Cal.com gave no slots in time; offering AskPro's own");
    }
}

/// One local day of one host, as `GET /v2/slots` asks for it.
async fn fetch_day(
    client: &CalCom,
    day: &DayOfHost,
    deadline: Duration,
) -> Result<HashSet<Timestamp>, CalcomError> {
    let start = day
        .key
        .day
        .to_zoned_datetime(day.zone.clone())
        .map_err(|e| CalcomError::Invalid(e.to_string()))?;
    let end = day
        .key
        .day
        .tomorrow()
        .and_then(|d| d.to_zoned_datetime(day.zone.clone()))
        .map_err(|e| CalcomError::Invalid(e.to_string()))?;
    let query = SlotsQuery {
        event_type_id: day.key.event_type,
        username: &day.key.host,
        start: start.timestamp(),
        end: end.timestamp(),
        time_zone: day.zone.iana_name().unwrap_or("UTC"),
    };
    let starts = client.slots(&query, deadline).await?;
    Ok(starts.into_iter().collect())
}

/// The (event type, host, local day) a slot belongs to, when its staff member is mapped.
fn key_of(model: &CompanyModel, service: &Service, slot: &SlotView) -> Option<SlotKey> {
    let staff = model.tenant().staff_member(&slot.staff)?;
    let (event_type, host) = model.calcom_pair(service, staff)?;
    let zone = model.zone(&slot.branch);
    let day = Timestamp::from_millisecond(slot.start_ms)
        .ok()?
        .to_zoned_datetime(zone)
        .date();
    Some(SlotKey {
        company_id: model.id().to_owned(),
        event_type,
        host: host.to_owned(),
        day,
    })
}

/// Every distinct host-day among `slots` that Cal.com has a say in.
fn days_to_ask(model: &CompanyModel, service: &Service, slots: &[SlotView]) -> Vec<DayOfHost> {
    let mut seen = HashSet::new();
    let mut days = Vec::new();
    for slot in slots {
        let Some(key) = key_of(model, service, slot) else {
            continue;
        };
        if seen.insert(key.clone()) {
            days.push(DayOfHost {
                key,
                zone: model.zone(&slot.branch),
            });
        }
    }
    days
}

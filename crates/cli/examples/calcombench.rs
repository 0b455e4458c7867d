//! What Cal.com costs AskPro, measured in one process on a fresh database (a temporary
//! SQLite file, or the PostgreSQL database of `--database-url`) against the Cal.com
//! stand-in, which answers every request after `--latency-ms` (50 ms):
//!
//! 1. the voice agent's `check_availability` over HTTP against the real server, signed as
//!    Retell signs it, with Cal.com's free slots asked for every call
//!    (`calcom.slots_cache_seconds = 0`) and taken from the cache (the default 60 s, after
//!    one warm-up call). The stand-in's request log proves which run asked Cal.com.
//! 2. a force-sync that finds `--bookings` (1,000) bookings made on Cal.com's booking page
//!    that AskPro never heard of (no webhook subscription) and mirrors them, then a second
//!    one that must find nothing to do.
//!
//! `scripts/calcom-bench.sh` builds and runs it; `--json` prints the figures as JSON.
//! It exits 1 when a check fails (an error answer, a run that did not ask Cal.com as it
//! claims, a sync that did not mirror every booking or found differences the second time).

use askpro_app::{Actor, App, Clock};
use askpro_core::Tenant;
use askpro_server::{ServerConfig, ServerState};
use askpro_standins::calcom::{Fake, FakeCalcom};
use askpro_store::Db;
use askpro_store::appointments::{self, ListFilter};
use clap::Parser;
use jiff::civil::{Date, Weekday, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Monday 30 November 2026, 08:00 in Berlin, as in the tests: the bench does not depend
/// on today's date.
const NOW: &str = "2026-11-30T07:00:00Z";
const COMPANY: &str = "physio-kalender";
const PHONE: &str = "+493055500077";
const AGENT: &str = "agent_calcom_bench";
const RETELL_KEY: &str = "calcom-bench-retell-key";
const CALCOM_KEY: &str = "cal_live_calcom_bench";
const CALCOM_KEY_ENV: &str = "CALCOM_BENCH_KEY";
const ZONE: &str = "Europe/Berlin";
/// Cal.com hosts, one per therapist (the staff slug is the username).
const HOSTS: [&str; 4] = ["jana", "mehmet", "sophie", "lukas"];
/// Cal.com event types: (id, service slug, minutes).
const EVENT_TYPES: [(i64, &str, i64); 2] =
    [(101, "krankengymnastik", 30), (102, "lymphdrainage", 45)];
/// Web bookings of one host-day start this far apart, so none collide.
const WEB_STEP_MIN: i64 = 90;
const SETTING: &str = "calcom.slots_cache_seconds";

#[derive(Parser)]
struct Args {
    /// A fresh, empty database; default: an SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
    /// Measured `check_availability` calls per run (cached and uncached).
    #[arg(long, default_value_t = 200)]
    calls: usize,
    /// Bookings made on Cal.com's booking page before the force-sync.
    #[arg(long, default_value_t = 1000)]
    bookings: usize,
    /// How long the Cal.com stand-in takes for every answer.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// What the caller wishes, as the agent passes it on.
    #[arg(long, default_value = "morgen um 10 Uhr")]
    when: String,
    /// The figures as JSON instead of the table.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ASKPRO_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    match run(Args::parse()).await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(error) => {
            eprintln!("calcombench: {error}");
            std::process::exit(2);
        }
    }
}

/// The whole bench; `false` when a check failed.
async fn run(args: Args) -> Result<bool> {
    // The temporary directory lives until the end, with the SQLite file in it.
    let dir = tempfile::tempdir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("calcombench.db").display()));
    let now: Timestamp = NOW.parse()?;
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let backend = format!("{:?}", db.backend()).to_lowercase();
    let app = App::with_clock(db, Clock::frozen(now));
    let calcom = FakeCalcom::start(CALCOM_KEY).await?;
    let fake = calcom.fake.clone();
    set_up_calcom(&fake, now);
    // In memory, not in the environment: changing one's environment while threads run
    // is unsound.
    app.secrets.set(CALCOM_KEY_ENV, CALCOM_KEY);
    let tenant = Tenant::from_toml(&tenant_toml(&calcom.base_url))?;
    app.apply_tenant(&tenant, &Actor::cli(Some("calcombench".into())))
        .await?;
    let voice = Voice::start(&app).await?;
    fake.set_latency(Some(Duration::from_millis(args.latency_ms)));

    progress(
        &args,
        &format!(
            "{} check_availability calls, Cal.com asked each time",
            args.calls
        ),
    );
    let uncached = availability_run(&voice, &fake, &args, Some(0)).await?;
    progress(
        &args,
        &format!(
            "{} check_availability calls, Cal.com's answer cached",
            args.calls
        ),
    );
    let cached = availability_run(&voice, &fake, &args, None).await?;
    progress(
        &args,
        &format!("force-sync of {} bookings made on the web", args.bookings),
    );
    let sync = sync_run(&app, &fake, now, args.bookings).await?;

    let checks = checks(&uncached, &cached, &sync, args.bookings);
    if args.json {
        let figures = json!({ "backend": backend, "latency_ms": args.latency_ms,
            "when": args.when, "uncached": uncached.json(), "cached": cached.json(),
            "sync": sync.json(), "failed_checks": checks });
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        print_table(&backend, &args, &uncached, &cached, &sync);
        print_checks(&checks);
    }
    Ok(checks.is_empty())
}

/// Progress on stderr, so that `--json` keeps stdout to itself.
fn progress(args: &Args, what: &str) {
    if !args.json {
        eprintln!("… {what}");
    }
}

/// Hosts working 08:00–20:00 (the stand-in's hosts work every day) and the two event
/// types, every host on both, offering a start every 15 minutes like AskPro.
fn set_up_calcom(fake: &Fake, now: Timestamp) {
    fake.set_now(Some(now));
    for host in HOSTS {
        fake.add_host(host, ZONE, time(8, 0, 0, 0), time(20, 0, 0, 0));
    }
    for (id, slug, minutes) in EVENT_TYPES {
        fake.add_event_type(id, slug, minutes, &HOSTS);
        fake.set_slot_interval(id, 15);
    }
}

/// A physiotherapy practice open Mon–Sat 08:00–20:00 whose four therapists keep their
/// calendars in Cal.com. No public holidays, so that any working day can take bookings.
fn tenant_toml(base_url: &str) -> String {
    let mut toml = format!(
        r#"[company]
slug = "{COMPANY}"
name = "Physiotherapie am Kalender"
email = "praxis@physio-kalender.example"
retell_agent_id = "{AGENT}"
formality = "sie"

[[branches]]
slug = "praxis"
name = "Physiotherapie am Kalender"
timezone = "{ZONE}"
phone = "{PHONE}"
address = "Kastanienallee 12, 10435 Berlin"
[branches.hours]
mon = ["08:00-20:00"]
tue = ["08:00-20:00"]
wed = ["08:00-20:00"]
thu = ["08:00-20:00"]
fri = ["08:00-20:00"]
sat = ["08:00-20:00"]

[[services]]
slug = "krankengymnastik"
name = "Krankengymnastik"
duration_min = 30
aliases = ["KG", "Physiotherapie"]
calcom_event_type_id = {kg}

[[services]]
slug = "lymphdrainage"
name = "Manuelle Lymphdrainage"
duration_min = 45
aliases = ["Lymphdrainage", "MLD"]
calcom_event_type_id = {mld}
"#,
        kg = EVENT_TYPES[0].0,
        mld = EVENT_TYPES[1].0,
    );
    for host in HOSTS {
        toml.push_str(&format!(
            r#"
[[staff]]
slug = "{host}"
name = "{host}"
branches = ["praxis"]
services = ["krankengymnastik", "lymphdrainage"]
calcom_username = "{host}"
"#
        ));
    }
    toml.push_str(&format!(
        r#"
[booking]
slot_step_min = 15
min_notice_min = 60
horizon_days = 90

[calcom]
api_key_env = "{CALCOM_KEY_ENV}"
base_url = "{base_url}"
"#
    ));
    toml
}

/// The real server on a free port of 127.0.0.1, and the agent's side of it.
struct Voice {
    app: App,
    client: reqwest::Client,
    url: String,
}

impl Voice {
    async fn start(app: &App) -> Result<Voice> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let config = ServerConfig {
            retell_api_keys: vec![RETELL_KEY.into()],
            ..ServerConfig::default()
        };
        let state = ServerState::new(app.clone(), config);
        tokio::spawn(askpro_server::serve(
            listener,
            state,
            std::future::pending(),
        ));
        Ok(Voice {
            app: app.clone(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            url: format!("{base}/retell/functions/check_availability"),
        })
    }

    /// One `check_availability` as Retell sends it, in a call of its own; how long the
    /// answer took (sending to the last byte) and the answer, or why there was none.
    async fn check(
        &self,
        call_id: &str,
        when: &str,
    ) -> (Duration, std::result::Result<Value, String>) {
        // The server checks the signature's age on its own clock, which stands still.
        let now_ms = self.app.now_ms();
        let body = json!({
            "name": "check_availability",
            "args": { "service": "Krankengymnastik", "when": when },
            "call": { "call_type": "phone_call", "call_id": call_id, "agent_id": AGENT,
                "call_status": "ongoing", "direction": "inbound", "from_number": "+4915112345678",
                "to_number": PHONE, "start_timestamp": now_ms },
        })
        .to_string()
        .into_bytes();
        let signature = askpro_app::voice::signature::sign(RETELL_KEY, &body, now_ms);
        let sent = Instant::now();
        let response = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("x-retell-signature", signature)
            .body(body)
            .send()
            .await;
        let answer = match response {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                match serde_json::from_str::<Value>(&text) {
                    Ok(value) if status.is_success() => Ok(value),
                    _ => Err(format!("HTTP {status}: {text}")),
                }
            }
            Err(error) => Err(error.to_string()),
        };
        (sent.elapsed(), answer)
    }
}

/// One run of `check_availability` calls.
struct AvailabilityRun {
    /// `calcom.slots_cache_seconds` in effect.
    cache_seconds: i64,
    micros: Vec<u64>,
    /// Answers that were no 200 with `ok` and free times, and the first of them.
    failures: usize,
    first_failure: Option<String>,
    /// `GET /v2/slots` the stand-in received during the measured calls.
    slot_requests: usize,
    /// Answers given from AskPro's calendar alone because Cal.com was too slow.
    fallbacks: u64,
}

/// `cache_seconds`: stored for the company (`Some(0)`: ask every time), or `None` for the
/// default. One warm-up call first (connections, and the cache when there is one).
async fn availability_run(
    voice: &Voice,
    fake: &Fake,
    args: &Args,
    cache_seconds: Option<i64>,
) -> Result<AvailabilityRun> {
    let app = &voice.app;
    let actor = Actor::cli(Some("calcombench".into()));
    let setting = match cache_seconds {
        Some(seconds) => {
            app.set_setting(&format!("{SETTING}={seconds}"), Some(COMPANY), &actor)
                .await?
        }
        None => app.unset_setting(SETTING, Some(COMPANY), &actor).await?,
    };
    let label = if setting.value.as_i64() == 0 {
        "uncached"
    } else {
        "cached"
    };
    app.calendars.slots.clear();
    let (_, warm) = voice
        .check(&format!("bench-{label}-warm-up"), &args.when)
        .await;
    warm.map_err(|e| format!("the warm-up call failed: {e}"))?;
    let slots_before = slot_requests(fake);
    let fallbacks_before = app.calendars.fallback_count();
    let mut run = AvailabilityRun {
        cache_seconds: setting.value.as_i64(),
        micros: Vec::with_capacity(args.calls),
        failures: 0,
        first_failure: None,
        slot_requests: 0,
        fallbacks: 0,
    };
    // One call at a time, as one caller waits for the agent: latency, not throughput.
    for n in 0..args.calls {
        let (took, answer) = voice.check(&format!("bench-{label}-{n}"), &args.when).await;
        run.micros.push(took.as_micros() as u64);
        if let Err(why) = offered_times(answer) {
            run.failures += 1;
            run.first_failure.get_or_insert(why);
        }
    }
    run.slot_requests = slot_requests(fake) - slots_before;
    run.fallbacks = app.calendars.fallback_count() - fallbacks_before;
    Ok(run)
}

/// An answer that offers free times, or what is wrong with it.
fn offered_times(answer: std::result::Result<Value, String>) -> std::result::Result<(), String> {
    let answer = answer?;
    let offered = answer["slots"].as_array().is_some_and(|s| !s.is_empty());
    if answer["ok"] == true && offered {
        Ok(())
    } else {
        Err(format!("no free times offered: {answer}"))
    }
}

fn slot_requests(fake: &Fake) -> usize {
    fake.requests()
        .iter()
        .filter(|line| line.starts_with("GET /v2/slots"))
        .count()
}

impl AvailabilityRun {
    /// The `q` quantile in milliseconds (nearest rank).
    fn quantile_ms(&self, q: f64) -> f64 {
        let mut sorted = self.micros.clone();
        sorted.sort_unstable();
        let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted.get(index).copied().unwrap_or(0) as f64 / 1000.0
    }

    fn slots_per_call(&self) -> f64 {
        self.slot_requests as f64 / self.micros.len().max(1) as f64
    }

    fn json(&self) -> Value {
        json!({ "cache_seconds": self.cache_seconds, "count": self.micros.len(),
            "p50_ms": self.quantile_ms(0.5), "p95_ms": self.quantile_ms(0.95),
            "p99_ms": self.quantile_ms(0.99), "max_ms": self.quantile_ms(1.0),
            "failures": self.failures, "first_failure": self.first_failure,
            "calcom_slot_requests": self.slot_requests, "fallbacks": self.fallbacks })
    }
}

/// The force-sync's figures.
struct SyncRun {
    bookings: usize,
    first: Pass,
    second: Pass,
    /// Appointments in AskPro that stand for a Cal.com booking afterwards.
    mirrored: usize,
}

/// One `calcom_sync`.
struct Pass {
    took: Duration,
    checked_calcom: usize,
    differences: usize,
    remaining: usize,
    /// Differences by kind (`missing_here`, …).
    kinds: BTreeMap<&'static str, usize>,
    /// Requests the stand-in received during it.
    calcom_requests: usize,
}

impl Pass {
    fn json(&self) -> Value {
        json!({ "seconds": self.took.as_secs_f64(), "checked_calcom": self.checked_calcom,
            "differences": self.differences, "remaining": self.remaining,
            "kinds": self.kinds, "calcom_requests": self.calcom_requests })
    }
}

impl SyncRun {
    fn json(&self) -> Value {
        json!({ "bookings": self.bookings, "first": self.first.json(),
            "second": self.second.json(), "mirrored_appointments": self.mirrored })
    }
}

async fn sync_run(app: &App, fake: &Fake, now: Timestamp, count: usize) -> Result<SyncRun> {
    // No webhook subscription: AskPro hears of these bookings only by reconciling.
    fake.unsubscribe();
    for (n, (event_type, host, start)) in web_bookings(now, count)?.into_iter().enumerate() {
        let attendee = json!({ "name": format!("Web-Kundin {n}"),
            "email": format!("kundin{n}@web.example"), "timeZone": ZONE });
        fake.web_book(event_type, host, start, attendee)
            .map_err(|e| format!("web booking {n} ({host} at {start}): {e}"))?;
    }
    let first = sync_pass(app, fake).await?;
    let second = sync_pass(app, fake).await?;
    Ok(SyncRun {
        bookings: count,
        first,
        second,
        mirrored: mirrored_appointments(app, now).await?,
    })
}

async fn sync_pass(app: &App, fake: &Fake) -> Result<Pass> {
    let requests_before = fake.requests().len();
    let started = Instant::now();
    let report = app.calcom_sync(COMPANY, None, false).await?;
    let took = started.elapsed();
    let mut kinds = BTreeMap::new();
    for difference in &report.differences {
        *kinds.entry(difference.kind).or_default() += 1;
    }
    Ok(Pass {
        took,
        checked_calcom: report.checked_calcom,
        differences: report.differences.len(),
        remaining: report.remaining(),
        kinds,
        calcom_requests: fake.requests().len() - requests_before,
    })
}

/// `count` bookings (event type, host, start) on Mon–Sat of the next 59 days: host after
/// host, then day after day, then later in the day, each host-day's bookings 90 minutes
/// apart from 08:00 so that none overlap (the longest lasts 45). All within the sync's
/// default 60 days.
fn web_bookings(now: Timestamp, count: usize) -> Result<Vec<(i64, &'static str, Timestamp)>> {
    let zone = TimeZone::get(ZONE)?;
    let today = now.to_zoned_datetime(zone.clone()).date();
    let days: Vec<Date> = (1..60)
        .filter_map(|d| today.checked_add(d.days()).ok())
        .filter(|d| d.weekday() != Weekday::Sunday)
        .collect();
    let per_host_day = (12 * 60 - EVENT_TYPES[1].2) / WEB_STEP_MIN + 1;
    let room = days.len() * HOSTS.len() * per_host_day as usize;
    if count > room {
        return Err(format!("{count} bookings do not fit; at most {room}").into());
    }
    let mut bookings = Vec::with_capacity(count);
    for n in 0..count {
        let host = HOSTS[n % HOSTS.len()];
        let round = n / HOSTS.len();
        let day = days[round % days.len()];
        let step = (round / days.len()) as i64;
        let (event_type, _, _) = EVENT_TYPES[round % EVENT_TYPES.len()];
        let opening = day
            .at(8, 0, 0, 0)
            .to_zoned_datetime(zone.clone())?
            .timestamp();
        bookings.push((
            event_type,
            host,
            opening + SignedDuration::from_mins(step * WEB_STEP_MIN),
        ));
    }
    Ok(bookings)
}

/// Booked appointments linked to a Cal.com booking, over the next 61 days.
async fn mirrored_appointments(app: &App, now: Timestamp) -> Result<usize> {
    let company = app.company(COMPANY).await?;
    let filter = ListFilter {
        company_id: company.id().to_owned(),
        starts_from: now.as_millisecond(),
        starts_to: (now + SignedDuration::from_hours(24 * 61)).as_millisecond(),
        status: Some("booked".into()),
        staff_id: None,
        customer_phone: None,
    };
    let rows = appointments::list(&app.db, &filter).await?;
    Ok(rows.iter().filter(|r| r.calcom_uid.is_some()).count())
}

/// What must hold for the figures to mean what they say; the failures, in words.
fn checks(
    uncached: &AvailabilityRun,
    cached: &AvailabilityRun,
    sync: &SyncRun,
    count: usize,
) -> Vec<String> {
    let mut failed = Vec::new();
    for (label, run) in [("uncached", uncached), ("cached", cached)] {
        if run.failures > 0 {
            let first = run.first_failure.as_deref().unwrap_or("");
            failed.push(format!(
                "{label}: {} answers offered no free times; the first: {first}",
                run.failures
            ));
        }
        if run.fallbacks > 0 {
            failed.push(format!(
                "{label}: {} answers came from AskPro alone (Cal.com too slow)",
                run.fallbacks
            ));
        }
    }
    if uncached.slot_requests < uncached.micros.len() {
        failed.push(format!(
            "uncached: only {} GET /v2/slots for {} calls",
            uncached.slot_requests,
            uncached.micros.len()
        ));
    }
    if cached.slot_requests > 0 {
        failed.push(format!(
            "cached: {} GET /v2/slots, expected none",
            cached.slot_requests
        ));
    }
    if sync.first.kinds.get("missing_here") != Some(&count) || sync.first.remaining > 0 {
        failed.push(format!(
            "first sync: {:?}, {} left unfixed; expected {count} missing_here",
            sync.first.kinds, sync.first.remaining
        ));
    }
    if sync.second.differences > 0 {
        failed.push(format!(
            "second sync: {} differences, expected 0",
            sync.second.differences
        ));
    }
    if sync.mirrored != count {
        failed.push(format!(
            "{} appointments linked to Cal.com, expected {count}",
            sync.mirrored
        ));
    }
    failed
}

fn print_table(
    backend: &str,
    args: &Args,
    uncached: &AvailabilityRun,
    cached: &AvailabilityRun,
    sync: &SyncRun,
) {
    println!(
        "Cal.com bench on {backend}, the Cal.com stand-in answering after {} ms",
        args.latency_ms
    );
    println!();
    println!(
        "check_availability over HTTP (\"{}\", one call at a time)",
        args.when
    );
    println!(
        "  {:<22} {:>6} {:>9} {:>9} {:>9} {:>9} {:>7} {:>14}",
        "Cal.com slots", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "GET /v2/slots"
    );
    for (label, run) in [
        ("uncached (0 s)", uncached),
        ("cached (60 s default)", cached),
    ] {
        let label = if run.cache_seconds == 0 || run.cache_seconds == 60 {
            label.to_owned()
        } else {
            format!("cached ({} s)", run.cache_seconds)
        };
        println!(
            "  {:<22} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>7} {:>6} ({:.1}/call)",
            label,
            run.micros.len(),
            run.quantile_ms(0.5),
            run.quantile_ms(0.95),
            run.quantile_ms(0.99),
            run.quantile_ms(1.0),
            run.failures,
            run.slot_requests,
            run.slots_per_call()
        );
    }
    println!();
    println!(
        "force-sync, {} bookings made on the web (unknown to AskPro)",
        sync.bookings
    );
    println!(
        "  {:<22} {:>9} {:>15} {:>12} {:>16}",
        "run", "seconds", "Cal.com checked", "differences", "Cal.com requests"
    );
    for (label, pass) in [("first (mirrors)", &sync.first), ("second", &sync.second)] {
        println!(
            "  {:<22} {:>9.2} {:>15} {:>12} {:>16}",
            label,
            pass.took.as_secs_f64(),
            pass.checked_calcom,
            pass.differences,
            pass.calcom_requests
        );
    }
    let kinds: Vec<String> = sync
        .first
        .kinds
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!(
        "  first run's differences: {}; appointments linked to Cal.com afterwards: {}",
        if kinds.is_empty() {
            "none".to_owned()
        } else {
            kinds.join(", ")
        },
        sync.mirrored
    );
}

fn print_checks(failed: &[String]) {
    println!();
    if failed.is_empty() {
        println!("checks: all passed");
    }
    for failure in failed {
        println!("check failed: {failure}");
    }
}

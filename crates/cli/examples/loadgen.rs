//! A load generator for a running `askpro serve`: N connections send requests for a
//! bounded time and report throughput and latency percentiles. Used by
//! `scripts/load.sh`; traffic goes only to the given base URL (keep it on loopback).
//!
//! `loadgen --base URL --token T availability --company C [--connections 32] [--seconds 10]`
//! `loadgen --base URL --token T book --company load-test [--connections 32] [--seconds 10]`
//! `loadgen … voice-availability` / `loadgen … voice-book`: the voice agent's
//! `check_availability` and `book_appointment`, signed with `ASKPRO_RETELL_API_KEY` as
//! Retell signs them.

use clap::{Parser, Subcommand};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    #[arg(long, env = "ASKPRO_ADMIN_TOKEN")]
    token: String,
    #[arg(long, default_value_t = 32)]
    connections: usize,
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=60))]
    seconds: u64,
    /// Pause after each answer, per connection: a caller talking between function calls.
    /// 0 (the default) sends back to back, which measures throughput.
    #[arg(long, default_value_t = 0)]
    pause_ms: u64,
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand, Clone)]
enum Mode {
    /// `GET …/availability` for 7 days (the example salon's Damenhaarschnitt in Mitte).
    Availability {
        #[arg(long, default_value = "salon-sonnenschein")]
        company: String,
    },
    /// `POST …/appointments`, each request a distinct slot of the load-test company.
    Book {
        #[arg(long, default_value = "load-test")]
        company: String,
    },
    /// `check_availability` for "morgen um 10 Uhr" (Damenhaarschnitt at the salon's Mitte branch).
    VoiceAvailability,
    /// `book_appointment`, each call a distinct slot of the load-test company, starting
    /// `--days-ahead` days from now (runs that share slots would only measure refusals).
    VoiceBook {
        #[arg(long, default_value_t = 30)]
        days_ahead: i64,
    },
}

struct Outcome {
    latencies_us: Vec<u64>,
    errors: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()
        .expect("http client");
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let tomorrow = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Berlin").expect("tz"))
        .date()
        .tomorrow()
        .expect("date");
    let started = Instant::now();
    let pause = Duration::from_millis(args.pause_ms);
    let mut workers = Vec::new();
    for index in 0..args.connections {
        // Paced connections start spread over one pause: independent callers are not
        // in lock-step.
        let stagger = pause * index as u32 / args.connections.max(1) as u32;
        let (client, counter, base, token, mode) = (
            client.clone(),
            counter.clone(),
            args.base.clone(),
            args.token.clone(),
            args.mode.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut outcome = Outcome {
                latencies_us: Vec::new(),
                errors: 0,
            };
            tokio::time::sleep(stagger).await;
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let request = build(&client, &base, &token, &mode, n, tomorrow);
                let sent = Instant::now();
                let ok = match request.send().await {
                    Ok(response) => {
                        response.status().is_success() && response.bytes().await.is_ok()
                    }
                    Err(_) => false,
                };
                outcome.latencies_us.push(sent.elapsed().as_micros() as u64);
                outcome.errors += u64::from(!ok);
                if pause > Duration::ZERO {
                    tokio::time::sleep(pause).await;
                }
            }
            outcome
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let outcome = worker.await.expect("worker");
        latencies.extend(outcome.latencies_us);
        errors += outcome.errors;
    }
    report(&args, latencies, errors, started.elapsed());
}

/// A function call as Retell sends it: `{name, args, call}`, signed.
fn function_call(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    args: serde_json::Value,
    to_number: &str,
    n: u64,
) -> reqwest::RequestBuilder {
    let key = std::env::var("ASKPRO_RETELL_API_KEY").expect("ASKPRO_RETELL_API_KEY");
    let call = serde_json::json!({
        "call_id": format!("load-{}-{n}", std::process::id()), "call_type": "phone_call",
        "agent_id": "agent_load", "call_status": "ongoing", "from_number": "+4915100000000",
        "to_number": to_number, "start_timestamp": jiff::Timestamp::now().as_millisecond(),
    });
    let body = serde_json::json!({ "name": name, "args": args, "call": call }).to_string();
    let now = jiff::Timestamp::now().as_millisecond();
    client
        .post(format!("{base}/retell/functions/{name}"))
        .header("content-type", "application/json")
        .header(
            "x-retell-signature",
            askpro_app::voice::signature::sign(&key, body.as_bytes(), now),
        )
        .body(body)
}

/// Request n's own quarter hour among the load-test company's 20 staff.
fn distinct_slot(n: u64, first_day: jiff::civil::Date) -> (String, jiff::ZonedDateTime) {
    let (staff, index) = (n % 20, n / 20);
    let day = first_day
        .checked_add(jiff::ToSpan::days((index / 96) as i64))
        .expect("date");
    let minute = (index % 96) * 15;
    let start = format!("{day}T{:02}:{:02}:00", minute / 60, minute % 60);
    let start = start
        .parse::<jiff::civil::DateTime>()
        .expect("datetime")
        .in_tz("Europe/Berlin")
        .expect("tz");
    (format!("s{staff:02}"), start)
}

fn build(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    mode: &Mode,
    n: u64,
    first_day: jiff::civil::Date,
) -> reqwest::RequestBuilder {
    match mode {
        Mode::Availability { company } => {
            let url = format!(
                "{base}/api/v1/companies/{company}/availability?service=damenhaarschnitt&branch=mitte&from={first_day}&days=7"
            );
            client.get(url).bearer_auth(token)
        }
        Mode::Book { company } => {
            let (staff, start) = distinct_slot(n, first_day);
            let body = serde_json::json!({
                "service": "slot", "staff": staff,
                "start": start.timestamp().to_string(),
                "customer": {"name": format!("Last {n}")}
            });
            client
                .post(format!("{base}/api/v1/companies/{company}/appointments"))
                .bearer_auth(token)
                .json(&body)
        }
        Mode::VoiceAvailability => {
            let args =
                serde_json::json!({ "service": "Damenhaarschnitt", "when": "morgen um 10 Uhr" });
            function_call(client, base, "check_availability", args, "+493012345678", n)
        }
        Mode::VoiceBook { days_ahead } => {
            let later = first_day
                .checked_add(jiff::ToSpan::days(*days_ahead))
                .expect("date");
            let (staff, start) = distinct_slot(n, later);
            let args = serde_json::json!({ "service": "slot", "staff": staff,
                "start": start.timestamp().to_string(), "customer_name": format!("Last {n}") });
            function_call(client, base, "book_appointment", args, "+493000000001", n)
        }
    }
}

fn report(args: &Args, mut latencies: Vec<u64>, errors: u64, elapsed: Duration) {
    latencies.sort_unstable();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let mode = match &args.mode {
        Mode::Availability { .. } => "availability (7 days)",
        Mode::Book { .. } => "book (distinct slots)",
        Mode::VoiceAvailability => "voice check_availability",
        Mode::VoiceBook { .. } => "voice book_appointment (distinct slots)",
    };
    println!(
        "{mode}{}: {} requests in {:.1} s over {} connections = {:.0} req/s; errors {errors}; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        if args.pause_ms > 0 {
            format!(" (each connection pausing {} ms)", args.pause_ms)
        } else {
            String::new()
        },
        latencies.len(),
        elapsed.as_secs_f64(),
        args.connections,
        latencies.len() as f64 / elapsed.as_secs_f64(),
        pick(0.5),
        pick(0.9),
        pick(0.99),
        pick(1.0),
    );
}

//! The busy-hour benchmark's load generator (`scripts/busy-hour.sh` runs it): many
//! simulated phone calls against a running `askpro serve`, each exactly as Retell sends
//! it — `call_started`, a spoken `check_availability`, `book_appointment` on an offered
//! time (one in ten delivered twice), sometimes a cancellation or a move,
//! `transcript_updated` every two seconds while the call lasts, then `call_ended` (three in
//! ten delivered twice) and `call_analyzed`, all signed.
//!
//! Two modes: `paced` (callers pause 1–3 s between steps, calls start spread out) and
//! `stress` (back to back). Afterwards it reads the database: how long the merge backlog
//! took to drain, and whether every confirmed booking exists once, no therapist is
//! double-booked, every call was merged with its analysis and every booking got one
//! confirmation. With `--server-pid` it also reports the server's CPU and memory.
//! Traffic goes only to `--base` (keep it on loopback); several servers, comma-separated,
//! take the requests in turn, so one call's steps land on different servers.

mod after;
mod caller;
mod stats;

use clap::{Parser, ValueEnum};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser, Clone)]
struct Args {
    /// The server, or several comma-separated (behind no load balancer: taken in turn).
    #[arg(long, default_value = "http://127.0.0.1:8080", value_delimiter = ',')]
    base: Vec<String>,
    /// The Retell key the server checks signatures with.
    #[arg(long, env = "ASKPRO_RETELL_API_KEY", hide_env_values = true)]
    key: String,
    /// Simulated calls in all.
    #[arg(long, default_value_t = 1000)]
    calls: u64,
    /// Calls in progress at once.
    #[arg(long, default_value_t = 50)]
    concurrency: u64,
    #[arg(long, value_enum, default_value_t = Mode::Paced)]
    mode: Mode,
    /// The practice's number (benches/busy-hour-tenant.toml).
    #[arg(long, default_value = "+493055500001")]
    to_number: String,
    /// The server's database, for the backlog and the consistency checks.
    #[arg(long)]
    database_url: Option<String>,
    /// The servers' process ids (comma-separated), for their CPU and memory after the load.
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Callers talk: 1–3 s between steps, transcript updates every 2 s.
    Paced,
    /// Back to back: no pauses, one transcript update per step.
    Stress,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let run = format!("busy{}", std::process::id());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency as usize * 2)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("http client");
    let stats = Arc::new(stats::Stats::default());
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let bases = Arc::new(args.base.clone());
    let next_base = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut lanes = Vec::new();
    for lane in 0..args.concurrency {
        let caller = caller::Caller {
            client: client.clone(),
            bases: bases.clone(),
            next_base: next_base.clone(),
            key: args.key.clone(),
            to_number: args.to_number.clone(),
            run: run.clone(),
            mode: args.mode,
            stats: stats.clone(),
        };
        let (next, total, concurrency) = (next.clone(), args.calls, args.concurrency);
        lanes.push(tokio::spawn(async move {
            // Paced calls start spread over the first three seconds, not in lock-step.
            if caller.mode == Mode::Paced {
                tokio::time::sleep(Duration::from_millis(3000 * lane / concurrency)).await;
            }
            let mut outcomes = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= total {
                    return outcomes;
                }
                outcomes.push(caller.call(n).await);
            }
        }));
    }
    let mut outcomes = Vec::new();
    for lane in lanes {
        outcomes.extend(lane.await.expect("lane"));
    }
    let elapsed = started.elapsed();
    let mode = match args.mode {
        Mode::Paced => "paced",
        Mode::Stress => "stress",
    };
    println!(
        "busy hour ({mode}): {} calls, {} at a time, over {} server(s), in {:.1} s",
        args.calls,
        args.concurrency,
        args.base.len(),
        elapsed.as_secs_f64()
    );
    stats.print();
    let db = match &args.database_url {
        Some(url) => Some(
            askpro_store::Db::connect(url)
                .await
                .expect("connect to the server's database"),
        ),
        None => None,
    };
    // Every request of a simulated call is well-formed and signed: any failure counts.
    let mut healthy = stats.failures() == 0;
    if let Some(db) = &db {
        healthy &= after::backlog(db, elapsed).await;
    }
    for pid in &args.server_pid {
        after::server_load(*pid).await;
    }
    if let Some(db) = &db {
        healthy &= after::consistency(db, &run, &outcomes).await;
    }
    if !healthy {
        std::process::exit(1);
    }
}

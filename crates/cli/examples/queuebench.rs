//! Queue throughput: enqueue N no-op jobs, let W workers run them, report jobs/s.
//! `cargo run --release -p askpro --example queuebench -- [DATABASE_URL] [JOBS] [WORKERS]`
//! (default: a fresh SQLite file, 5000 jobs, 1 worker).

use askpro_core::Clock;
use askpro_store::jobs::{self, Job, NewJob};
use askpro_store::{Db, new_id};
use askpro_worker::{Handler, HandlerFuture, Registry, Worker, WorkerConfig};
use std::time::{Duration, Instant};

struct Noop;

impl Handler for Noop {
    fn run<'a>(&'a self, _job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::env::temp_dir().join(format!("askpro-queuebench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let count: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let workers: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(1);
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let queue = format!("bench-{}", new_id());
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let mut tx = db.begin_write().await?;
        for _ in chunk {
            let job = NewJob {
                id: new_id(),
                queue: &queue,
                kind: "noop",
                payload: serde_json::json!({}),
                max_attempts: 3,
                run_at: Clock::system().now_ms(),
                idempotency_key: None,
                company_id: None,
            };
            jobs::enqueue(&mut tx, &job, Clock::system().now_ms()).await?;
        }
        tx.commit().await?;
    }
    let started = Instant::now();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let mut handles = Vec::new();
    for _ in 0..workers {
        let config = WorkerConfig {
            queues: vec![queue.clone()],
            batch: 100,
            poll: Duration::from_millis(5),
            ..WorkerConfig::default()
        };
        handles.push(tokio::spawn(
            Worker::new(
                db.clone(),
                Clock::system(),
                Registry::default().with("noop", Noop),
                config,
            )
            .run(rx.clone()),
        ));
    }
    loop {
        let stats = jobs::stats(&db, Clock::system().now_ms()).await?;
        let left = stats
            .iter()
            .find(|s| s.queue == queue)
            .map_or(0, |s| s.pending + s.running);
        if left == 0 || started.elapsed() > Duration::from_secs(120) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    stop.send(true)?;
    let mut done = 0;
    for handle in handles {
        done += handle.await?.done;
    }
    let backend = format!("{:?}", db.backend()).to_lowercase();
    println!(
        "{backend}: {done} no-op jobs through the queue in {:.2} s with {workers} worker(s) = {:.0} jobs/s",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

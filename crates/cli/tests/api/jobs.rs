//! The durable job queue on both databases: enqueue in a transaction, claim with a
//! lease, retry with backoff, die after the last attempt, and no double work when
//! workers race or one dies mid-batch.

use crate::common::{Backend, TestDb};
use crate::common::{frozen_clock, now_ms};
use askpro_store::jobs::{self, Job, NewJob};
use askpro_store::{Db, new_id};
use askpro_worker::{Handler, HandlerFuture, JobError, Registry, Worker, WorkerConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

crate::on_both_databases!(
    a_reload_request_reaches_each_worker_once,
    a_job_enqueued_twice_under_one_key_exists_once,
    a_failing_job_is_retried_later_and_dies_after_its_last_attempt,
    a_dead_workers_jobs_are_claimed_again_after_the_lease,
    two_workers_racing_run_every_job_exactly_once,
    a_stopping_worker_gives_back_what_it_did_not_start,
);

async fn enqueue(db: &Db, kind: &str, key: Option<String>, max_attempts: i64) -> (String, bool) {
    let id = new_id();
    let job = NewJob {
        id: id.clone(),
        queue: "default",
        kind,
        payload: serde_json::json!({"n": 1}),
        max_attempts,
        run_at: now_ms(),
        idempotency_key: key,
        company_id: None,
    };
    let mut tx = db.begin_write().await.unwrap();
    let inserted = jobs::enqueue(&mut tx, &job, now_ms()).await.unwrap();
    tx.commit().await.unwrap();
    (id, inserted)
}

async fn a_job_enqueued_twice_under_one_key_exists_once(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    assert!(enqueue(&db, "mail", Some("confirm:a1".into()), 3).await.1);
    assert!(!enqueue(&db, "mail", Some("confirm:a1".into()), 3).await.1);
    // Rolled back with its transaction: nothing stays behind.
    let mut tx = db.begin_write().await.unwrap();
    let job = NewJob {
        id: new_id(),
        queue: "default",
        kind: "mail",
        payload: serde_json::json!({}),
        max_attempts: 3,
        run_at: now_ms(),
        idempotency_key: None,
        company_id: None,
    };
    jobs::enqueue(&mut tx, &job, now_ms()).await.unwrap();
    drop(tx);
    let claimed = jobs::claim(&db, "default", "w1", 10, 60_000, now_ms())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    assert!(
        jobs::complete(&db, &claimed[0].id, "w1", now_ms())
            .await
            .unwrap()
    );
    assert!(
        !jobs::complete(&db, &claimed[0].id, "w1", now_ms())
            .await
            .unwrap(),
        "done only once"
    );
    assert_eq!(
        jobs::get(&db, &claimed[0].id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "done"
    );
}

/// Fails while the shared switch says so, counting runs per job.
#[derive(Clone, Default)]
struct Flaky {
    runs: Arc<Mutex<HashMap<String, u32>>>,
    fail: Arc<Mutex<bool>>,
    permanent: bool,
}

impl Handler for Flaky {
    fn run<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            *self.runs.lock().unwrap().entry(job.id.clone()).or_default() += 1;
            match (*self.fail.lock().unwrap(), self.permanent) {
                (false, _) => Ok(()),
                (true, false) => Err(JobError::Retryable("SMTP server said 451".into())),
                (true, true) => Err(JobError::Permanent("550 no such mailbox".into())),
            }
        })
    }
}

fn quick(queues: &[&str]) -> WorkerConfig {
    WorkerConfig {
        queues: queues.iter().map(|q| q.to_string()).collect(),
        batch: 20,
        lease: Duration::from_secs(30),
        poll: Duration::from_millis(20),
        heartbeat: Duration::from_millis(50),
    }
}

/// Runs a worker until `done` says so (at most 10 s).
async fn run_worker_until(
    db: &Db,
    registry: Registry,
    done: impl Fn() -> bool,
) -> askpro_worker::WorkerSummary {
    let (stop, rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(
        Worker::new(db.clone(), frozen_clock(), registry, quick(&["default"])).run(rx),
    );
    let started = std::time::Instant::now();
    while !done() && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    worker.await.unwrap()
}

async fn a_failing_job_is_retried_later_and_dies_after_its_last_attempt(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    let flaky = Flaky::default();
    *flaky.fail.lock().unwrap() = true;
    let (id, _) = enqueue(&db, "mail", None, 2).await;
    let runs = flaky.runs.clone();
    let summary = run_worker_until(&db, Registry::default().with("mail", flaky.clone()), || {
        runs.lock().unwrap().len() == 1
    })
    .await;
    assert_eq!(summary.retried, 1);
    let job = jobs::get(&db, &id).await.unwrap().unwrap();
    assert_eq!((job.status.as_str(), job.attempts), ("pending", 1));
    assert!(
        job.run_at >= now_ms() + 5_000,
        "backoff puts the retry seconds ahead"
    );
    assert_eq!(job.last_error.as_deref(), Some("SMTP server said 451"));
    // Its time comes: the second and last attempt fails too, and the job is dead.
    let claimed = jobs::claim(&db, "default", "w2", 10, 60_000, job.run_at)
        .await
        .unwrap();
    assert_eq!(claimed[0].attempts, 2);
    assert!(
        jobs::fail(&db, &id, "w2", "451 again", None, now_ms())
            .await
            .unwrap()
    );
    assert_eq!(jobs::get(&db, &id).await.unwrap().unwrap().status, "dead");
    assert!(
        jobs::claim(&db, "default", "w3", 10, 60_000, i64::MAX / 2)
            .await
            .unwrap()
            .is_empty(),
        "dead jobs are never claimed"
    );
    // A permanent failure dies at once, and so does a job nobody can run.
    // The orphan is due first, so it has run when the worker stops after the other.
    let (orphan, _) = enqueue(&db, "fax", None, 5).await;
    let (permanent, _) = enqueue(&db, "mail", None, 5).await;
    let hard = Flaky {
        permanent: true,
        ..Flaky::default()
    };
    *hard.fail.lock().unwrap() = true;
    let runs = hard.runs.clone();
    run_worker_until(&db, Registry::default().with("mail", hard), || {
        runs.lock().unwrap().contains_key(&permanent)
    })
    .await;
    assert_eq!(
        jobs::get(&db, &permanent).await.unwrap().unwrap().status,
        "dead"
    );
    let orphan = jobs::get(&db, &orphan).await.unwrap().unwrap();
    assert_eq!(
        (orphan.status.as_str(), orphan.last_error.as_deref()),
        ("dead", Some("no handler for job kind `fax`"))
    );
}

async fn a_dead_workers_jobs_are_claimed_again_after_the_lease(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    for _ in 0..3 {
        enqueue(&db, "mail", None, 3).await;
    }
    let now = now_ms();
    let held = jobs::claim(&db, "default", "crashed", 10, 1_000, now)
        .await
        .unwrap();
    assert_eq!(held.len(), 3);
    assert!(
        jobs::claim(&db, "default", "other", 10, 1_000, now + 500)
            .await
            .unwrap()
            .is_empty(),
        "leased jobs are not shared"
    );
    let taken_over = jobs::claim(&db, "default", "other", 10, 60_000, now + 1_001)
        .await
        .unwrap();
    assert_eq!(
        taken_over.len(),
        3,
        "after the lease another worker takes them"
    );
    assert!(
        !jobs::complete(&db, &held[0].id, "crashed", now + 1_002)
            .await
            .unwrap(),
        "the old worker can no longer record them"
    );
    assert!(
        jobs::complete(&db, &held[0].id, "other", now + 1_002)
            .await
            .unwrap()
    );
}

async fn two_workers_racing_run_every_job_exactly_once(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    let mut ids = Vec::new();
    for _ in 0..200 {
        ids.push(enqueue(&db, "mail", None, 3).await.0);
    }
    let handler = Flaky::default();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let a = tokio::spawn(
        Worker::new(
            db.clone(),
            frozen_clock(),
            Registry::default().with("mail", handler.clone()),
            quick(&["default"]),
        )
        .run(rx.clone()),
    );
    let b = tokio::spawn(
        Worker::new(
            db.clone(),
            frozen_clock(),
            Registry::default().with("mail", handler.clone()),
            quick(&["default"]),
        )
        .run(rx),
    );
    let started = std::time::Instant::now();
    while handler.runs.lock().unwrap().len() < ids.len()
        && started.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert_eq!(a.done + b.done, 200);
    let runs = handler.runs.lock().unwrap().clone();
    assert!(
        ids.iter().all(|id| runs.get(id) == Some(&1)),
        "every job ran exactly once"
    );
    for id in &ids {
        assert_eq!(jobs::get(&db, id).await.unwrap().unwrap().status, "done");
    }
}

async fn a_stopping_worker_gives_back_what_it_did_not_start(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    for _ in 0..4 {
        enqueue(&db, "mail", None, 3).await;
    }
    let claimed = jobs::claim(&db, "default", "stopping", 10, 60_000, now_ms())
        .await
        .unwrap();
    assert_eq!(claimed.len(), 4);
    assert_eq!(jobs::release(&db, "stopping", now_ms()).await.unwrap(), 4);
    let again = jobs::claim(&db, "default", "next", 10, 60_000, now_ms())
        .await
        .unwrap();
    assert_eq!(again.len(), 4);
    assert!(
        again.iter().all(|j| j.attempts == 1),
        "a released claim is not an attempt"
    );
}

async fn a_reload_request_reaches_each_worker_once(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    let reloads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = reloads.clone();
    let config = WorkerConfig {
        poll: Duration::from_millis(10),
        heartbeat: Duration::from_millis(20),
        ..Default::default()
    };
    let worker = Worker::new(db.clone(), frozen_clock(), Registry::default(), config).with_reload(
        Arc::new(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }),
    );
    let id = worker.id.clone();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(rx));
    let reloaded_at = async |db: &Db| {
        let live = askpro_store::workers::live(db, 0).await.unwrap();
        live.iter().find(|w| w.id == id).and_then(|w| w.reloaded_at)
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Started after no request: nothing to reload.
    assert_eq!(reloads.load(std::sync::atomic::Ordering::SeqCst), 0);
    assert_eq!(reloaded_at(&db).await, None);
    for round in 1..=2 {
        let requested = now_ms() + round;
        askpro_store::workers::request_reload(&db, requested)
            .await
            .unwrap();
        let started = std::time::Instant::now();
        while reloaded_at(&db).await.is_none_or(|at| at < requested)
            && started.elapsed() < Duration::from_secs(5)
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            reloads.load(std::sync::atomic::Ordering::SeqCst),
            round as usize
        );
    }
    stop.send(true).unwrap();
    running.await.unwrap();
}

//! The background loops live through database trouble: they report it while it lasts
//! (`/healthz`, `worker status`) and go on once the database answers again.

use crate::common::{Backend, TestApp, booking, now_ms};
use askpro_store::{PoolOptions, emails};
use serde_json::json;
use std::time::{Duration, Instant};

crate::on_both_databases!(a_loop_that_cannot_reach_the_database_shows_in_healthz);

/// Waits until `done` holds, at most ten seconds.
async fn eventually(what: &str, done: impl AsyncFn() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < Duration::from_secs(10), "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_loop_that_cannot_reach_the_database_shows_in_healthz(backend: Backend) {
    let Some(t) =
        TestApp::spawn_with_pools(backend, PoolOptions::REQUESTS, PoolOptions::BACKGROUND).await
    else {
        return;
    };
    let (status, health) = t.send(t.client.get(t.url("/healthz"))).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    // The background pool is gone; the merger meets that at its next round.
    t.app.background().db.close().await;
    let delivery = json!({ "event": "call_started", "call": { "call_id": "c-trouble",
        "to_number": "+493012345678", "start_timestamp": now_ms() } });
    let (status, _) = crate::retell::post_signed(
        &t,
        "/webhooks/retell",
        &delivery.to_string(),
        crate::common::RETELL_KEY,
        now_ms(),
    )
    .await;
    assert_eq!(status, 204, "storing needs only the requests' pool");
    eventually("healthz reports the merger", async || {
        let (_, health) = t.send(t.client.get(t.url("/healthz"))).await;
        health["status"] == "degraded" && health["problems"][0]["component"] == "merger"
    })
    .await;
    let (status, health) = t.send(t.client.get(t.url("/healthz"))).await;
    assert_eq!(status, 200, "the server itself still answers");
    assert!(health["problems"][0]["failing_for_s"].is_u64(), "{health}");
    // Which loop and since when; the error text stays in the log.
    assert!(!health.to_string().contains("pool"), "{health}");
}

/// PostgreSQL ends every connection of the test database (as a restart would).
async fn kill_connections(t: &TestApp) {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(&t.db.url).await.unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut admin)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_merger_and_the_worker_go_on_after_postgresql_ends_their_connections() {
    let Some(t) = TestApp::spawn_with_pools(
        Backend::Postgres,
        PoolOptions::REQUESTS,
        PoolOptions::BACKGROUND,
    )
    .await
    else {
        return;
    };
    let background = t.app.background();
    let config = askpro_worker::WorkerConfig {
        queues: vec!["emails".into()],
        poll: Duration::from_millis(20),
        heartbeat: Duration::from_millis(100),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let registry = askpro_app::notify::registry(&background);
    let worker = askpro_worker::Worker::new(
        background.db.clone(),
        background.clock.clone(),
        registry,
        config,
    );
    let worker = tokio::spawn(worker.run(stopped));
    let mails = async || {
        emails::recent(&t.app.db, None, 10)
            .await
            .map_or(0, |m| m.len())
    };
    assert_eq!(t.book("anna", "2026-12-01T09:00:00+01:00").await.0, 201);
    eventually("the first confirmation", async || mails().await == 1).await;
    // Its job recorded done too, so that the cut lands between jobs.
    eventually("the first job done", async || {
        let stats = askpro_store::jobs::stats(&t.app.db, now_ms())
            .await
            .unwrap();
        stats
            .iter()
            .any(|q| q.queue == "emails" && q.done_last_hour == 1 && q.running == 0)
    })
    .await;

    kill_connections(&t).await;
    // Requests, the merger and the worker all get fresh connections and go on.
    let mut second = booking("jonas", "2026-12-01T10:00:00+01:00");
    second["customer"]["email"] = json!("ida@example.org");
    let mut status = 0;
    for _ in 0..20 {
        status = t.post("/appointments", second.clone()).await.0;
        if status != 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 201);
    eventually("the second confirmation after the restart", async || {
        mails().await == 2
    })
    .await;
    let delivery = json!({ "event": "call_started", "call": { "call_id": "c-after-restart",
        "to_number": "+493012345678", "start_timestamp": now_ms() } });
    let (status, _) = crate::retell::post_signed(
        &t,
        "/webhooks/retell",
        &delivery.to_string(),
        crate::common::RETELL_KEY,
        now_ms(),
    )
    .await;
    assert_eq!(status, 204);
    eventually("the delivery merged after the restart", async || {
        let (_, call) = t.get("/calls/c-after-restart").await;
        call["call_id"] == "c-after-restart"
    })
    .await;
    stop.send(true).unwrap();
    let summary = worker.await.unwrap();
    assert_eq!(summary.done, 2, "the worker lived through it");
}

crate::on_both_databases!(a_worker_in_trouble_says_so_in_its_heartbeat_and_recovers);

async fn rename_jobs_table(t: &TestApp, from: &str, to: &str) {
    let sql = format!("ALTER TABLE {from} RENAME TO {to}");
    askpro_store::on_pool!(&t.app.db, |pool| sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
}

async fn trouble_of(t: &TestApp, id: &str) -> Option<String> {
    let live = askpro_store::workers::live(&t.app.db, 0).await.unwrap();
    live.into_iter()
        .find(|w| w.id == id)
        .and_then(|w| w.trouble)
}

async fn a_worker_in_trouble_says_so_in_its_heartbeat_and_recovers(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let config = askpro_worker::WorkerConfig {
        queues: vec!["emails".into()],
        poll: Duration::from_millis(20),
        heartbeat: Duration::from_millis(50),
        ..Default::default()
    };
    let registry = askpro_app::notify::registry(&t.app);
    let worker =
        askpro_worker::Worker::new(t.app.db.clone(), t.app.clock.clone(), registry, config);
    let id = worker.id.clone();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    eventually("the worker registers", async || {
        let live = askpro_store::workers::live(&t.app.db, 0).await.unwrap();
        live.iter().any(|w| w.id == id)
    })
    .await;
    // The queue's table is away (as if the database lost it for a while): every round fails.
    rename_jobs_table(&t, "jobs", "jobs_away").await;
    eventually("the heartbeat reports the trouble", async || {
        trouble_of(&t, &id).await.is_some()
    })
    .await;
    let trouble = trouble_of(&t, &id).await.unwrap();
    assert!(trouble.contains("failure"), "{trouble}");
    rename_jobs_table(&t, "jobs_away", "jobs").await;
    eventually("the trouble clears once rounds succeed", async || {
        trouble_of(&t, &id).await.is_none()
    })
    .await;
    // And it works again: a booking's confirmation is sent.
    let mut body = booking("anna", "2026-12-01T09:00:00+01:00");
    body["customer"]["email"] = json!("eva@example.org");
    assert_eq!(t.post("/appointments", body).await.0, 201);
    eventually("the confirmation after the trouble", async || {
        emails::recent(&t.app.db, None, 5)
            .await
            .map_or(0, |m| m.len())
            == 1
    })
    .await;
    stop.send(true).unwrap();
    running.await.unwrap();
}

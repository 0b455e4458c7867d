//! Operator alerts: a job that dies raises an alert job, which posts to a local server
//! that answers like a Slack incoming webhook.

use crate::common::now_ms;
use crate::common::{Backend, TestDb};
use askpro_app::App;
use askpro_connectors::slack::{Slack, SlackError};
use askpro_store::jobs::{self, NewJob};
use askpro_store::new_id;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use std::sync::{Arc, Mutex};
use std::time::Duration;

crate::on_both_databases!(
    a_dead_job_is_reported_to_slack_once,
    a_throttled_alert_waits_as_long_as_slack_asks
);

type Received = Arc<Mutex<Vec<serde_json::Value>>>;

async fn webhook(
    State(received): State<Received>,
    Json(body): Json<serde_json::Value>,
) -> (StatusCode, &'static str) {
    if body["text"].as_str().is_none_or(str::is_empty) {
        return (StatusCode::BAD_REQUEST, "invalid_payload");
    }
    received.lock().unwrap().push(body);
    (StatusCode::OK, "ok")
}

type Running = tokio::task::JoinHandle<askpro_worker::WorkerSummary>;

/// A quick-polling worker on `queues`, stopped by sending `true`.
fn start_worker(app: &App, queues: &[&str]) -> (tokio::sync::watch::Sender<bool>, Running) {
    let config = askpro_worker::WorkerConfig {
        queues: queues.iter().map(|q| (*q).to_owned()).collect(),
        poll: Duration::from_millis(20),
        ..Default::default()
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let worker = askpro_worker::Worker::new(
        app.db.clone(),
        app.clock.clone(),
        askpro_app::notify::registry(app),
        config,
    );
    (stop, tokio::spawn(worker.run(rx)))
}

async fn fake_slack() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/services/T000/B000/XXXX", post(webhook))
        .route(
            "/services/busy",
            post(|| async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("retry-after", "600")],
                    "rate_limited",
                )
            }),
        )
        .route(
            "/services/gone",
            post(|| async { (StatusCode::NOT_FOUND, "no_service") }),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, received)
}

#[tokio::test]
async fn the_webhook_client_classifies_answers_and_hides_its_url() {
    let (base, received) = fake_slack().await;
    Slack::new(&format!("{base}/services/T000/B000/XXXX"))
        .unwrap()
        .post("Test")
        .await
        .unwrap();
    assert_eq!(received.lock().unwrap()[0]["text"], "Test");
    let gone = Slack::new(&format!("{base}/services/gone"))
        .unwrap()
        .post("Test")
        .await
        .unwrap_err();
    assert_eq!(
        gone,
        SlackError::Permanent("Slack 404 Not Found: no_service".into())
    );
    let slack = Slack::new("https://hooks.slack.example/services/SECRET").unwrap();
    assert!(!format!("{slack:?}").contains("SECRET"));
}

async fn a_dead_job_is_reported_to_slack_once(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    let (base, received) = fake_slack().await;
    let app = App::with_clock(db.clone(), crate::common::frozen_clock()).with_slack(Some(
        Slack::new(&format!("{base}/services/T000/B000/XXXX")).unwrap(),
    ));
    let job = NewJob {
        id: new_id(),
        queue: "default",
        kind: "fax.send",
        payload: serde_json::json!({}),
        max_attempts: 3,
        run_at: now_ms(),
        idempotency_key: None,
        company_id: None,
    };
    let mut tx = db.begin_write().await.unwrap();
    jobs::enqueue(&mut tx, &job, now_ms()).await.unwrap();
    tx.commit().await.unwrap();
    let (stop, worker) = start_worker(&app, &["default", "slack"]);
    let started = std::time::Instant::now();
    while received.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).unwrap();
    worker.await.unwrap();
    let posts = received.lock().unwrap().clone();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let text = posts[0]["text"].as_str().unwrap();
    assert!(text.contains("Job `fax.send` (Queue `default`) ist nach einem Versuch endgültig fehlgeschlagen: no handler for job kind `fax.send`"), "{text}");
}

async fn a_throttled_alert_waits_as_long_as_slack_asks(backend: Backend) {
    let Some(test) = TestDb::new(backend).await else {
        return;
    };
    let db = test.connect().await;
    let (base, _) = fake_slack().await;
    let busy = Slack::new(&format!("{base}/services/busy")).unwrap();
    assert_eq!(
        busy.post("Test").await.unwrap_err(),
        SlackError::Retryable {
            message: "Slack 429 Too Many Requests: rate_limited".into(),
            retry_after: Some(Duration::from_secs(600)),
        }
    );
    let app = App::with_clock(db.clone(), crate::common::frozen_clock()).with_slack(Some(busy));
    askpro_app::notify::enqueue_alert(&app, "Achtung", "test")
        .await
        .unwrap();
    // The same alert raised again is not queued twice.
    askpro_app::notify::enqueue_alert(&app, "Achtung", "test")
        .await
        .unwrap();
    let (stop, worker) = start_worker(&app, &["slack"]);
    let started = std::time::Instant::now();
    let stats = loop {
        let stats = jobs::stats(&db, now_ms()).await.unwrap();
        let slack = stats.into_iter().find(|s| s.queue == "slack").unwrap();
        if slack.failed_attempts_last_hour > 0 || started.elapsed() > Duration::from_secs(10) {
            break slack;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    stop.send(true).unwrap();
    let summary = worker.await.unwrap();
    assert_eq!((summary.retried, summary.dead), (1, 0));
    assert_eq!(stats.pending, 1, "{stats:?}");
    // Ten minutes as Slack asked, not the ten seconds of the first backoff.
    let job = jobs::find_by_key(&db, "slack.alert:test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.status.as_str(), job.attempts), ("pending", 1));
    assert!(
        job.run_at - now_ms() > 590_000,
        "retry in {} ms",
        job.run_at - now_ms()
    );
}

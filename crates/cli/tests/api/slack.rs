//! Operator alerts: a job that dies raises an alert job, which posts to a local server
//! that answers like a Slack incoming webhook.

use crate::common::{Backend, TestDb};
use askpro_app::App;
use askpro_connectors::slack::{Slack, SlackError};
use askpro_store::jobs::{self, NewJob};
use askpro_store::{new_id, now_ms};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use std::sync::{Arc, Mutex};
use std::time::Duration;

crate::on_both_databases!(a_dead_job_is_reported_to_slack_once);

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

async fn fake_slack() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/services/T000/B000/XXXX", post(webhook))
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
    let app = App::new(db.clone()).with_slack(Some(
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
    let config = askpro_worker::WorkerConfig {
        queues: vec!["default".into(), "slack".into()],
        poll: Duration::from_millis(20),
        ..Default::default()
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(
        askpro_worker::Worker::new(db.clone(), askpro_app::notify::registry(&app), config).run(rx),
    );
    let started = std::time::Instant::now();
    while received.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(true).unwrap();
    worker.await.unwrap().unwrap();
    let posts = received.lock().unwrap().clone();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let text = posts[0]["text"].as_str().unwrap();
    assert!(text.contains("Job `fax.send` (Queue `default`) ist nach einem Versuch endgültig fehlgeschlagen: no handler for job kind `fax.send`"), "{text}");
}

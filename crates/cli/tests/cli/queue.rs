//! `askpro queue restart` and `askpro queue monitor --notify-slack` as an operator runs them.

use crate::common::{Backend, TestDb};
use crate::{askpro, example_path, stdout};
use axum::Router;
use axum::routing::post;
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn a_restart_without_live_workers_says_so_and_fails() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let output = askpro(&db.url, &["queue", "restart", "--timeout", "0"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("no live worker"),
        "{}",
        stdout(&output)
    );
}

/// A local server answering like a Slack incoming webhook; returns its URL and the texts.
async fn fake_slack() -> (String, Arc<Mutex<Vec<String>>>) {
    let texts = Arc::new(Mutex::new(Vec::new()));
    let seen = texts.clone();
    let app = Router::new().route(
        "/services/T1/B1/secret",
        post(
            move |axum::Json(body): axum::Json<serde_json::Value>| async move {
                seen.lock()
                    .unwrap()
                    .push(body["text"].as_str().unwrap_or("").to_owned());
                "ok"
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/services/T1/B1/secret",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, texts)
}

#[tokio::test]
async fn the_health_summary_goes_to_slack_with_each_companys_delivery_rate() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let app = db.connect().await;
    let company = askpro_store::tenants::find_company(&app, "salon-sonnenschein")
        .await
        .unwrap()
        .unwrap()
        .0;
    // Three mails delivered and one dead in the last day: 75 %.
    for n in 0..3 {
        let mail = askpro_store::emails::Email {
            id: format!("mail-{n}"),
            job_id: format!("job-{n}"),
            company_id: company.clone(),
            kind: "email.appointment_booked".into(),
            to_address: "kunde@example.de".into(),
            reply_to: None,
            subject: "Termin".into(),
            body_text: "Text".into(),
            message_id: format!("<job-{n}@askpro>"),
            transport: "outbox".into(),
            created_at: crate::common::now_ms(),
        };
        askpro_store::emails::store(&app, &mail).await.unwrap();
    }
    let job = askpro_store::jobs::NewJob {
        id: "dead-mail".into(),
        queue: "emails",
        kind: "email.appointment_booked",
        payload: serde_json::json!({}),
        max_attempts: 1,
        run_at: 0,
        idempotency_key: None,
        company_id: Some(&company),
    };
    let mut tx = app.begin_write().await.unwrap();
    askpro_store::jobs::enqueue(&mut tx, &job, 0).await.unwrap();
    tx.commit().await.unwrap();
    let claimed =
        askpro_store::jobs::claim(&app, "emails", "w", 1, 60_000, crate::common::now_ms())
            .await
            .unwrap();
    askpro_store::jobs::fail(
        &app,
        &claimed[0].id,
        "w",
        "550 no such user",
        None,
        crate::common::now_ms(),
    )
    .await
    .unwrap();

    let (webhook, texts) = fake_slack().await;
    // Off the test's runtime thread, which must keep serving the fake Slack meanwhile.
    let url = db.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        crate::askpro_command()
            .args(["--database-url", &url, "queue", "monitor", "--notify-slack"])
            .env("ASKPRO_SLACK_WEBHOOK_URL", &webhook)
            .env_remove("ASKPRO_CONFIG")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    // A dead job makes the queues unhealthy: exit 1, and Slack hears it.
    assert_eq!(output.status.code(), Some(1), "{}", crate::stderr(&output));
    let texts = texts.lock().unwrap().clone();
    assert_eq!(texts.len(), 1);
    let text = &texts[0];
    assert!(
        text.contains(":red_circle: AskPro-Warteschlangen: Handlungsbedarf"),
        "{text}"
    );
    assert!(
        text.contains(
            "E-Mail-Zustellung salon-sonnenschein (24 h): 75,0 % (3 zugestellt, 1 fehlgeschlagen)"
        ),
        "{text}"
    );
    assert!(!stdout(&output).contains("secret") && !crate::stderr(&output).contains("secret"));
}

//! Fault drill (issue 16, part 2): SMTP, Twilio, Slack and Retell that accept a connection
//! and never answer. Every deadline fires, each job goes back to the queue with the
//! reason, an alert is raised, and the worker stops on request instead of hanging; the
//! call import ends with an error that says Retell timed out. (Cal.com's drill is in
//! calcom.rs, beside its stand-in.)

use crate::common::{Backend, TestDb, frozen_clock};
use askpro_app::booking::{BookRequest, Customer};
use askpro_app::{Actor, App};
use askpro_store::Db;
use std::time::{Duration, Instant};

crate::on_both_databases!(
    services_that_never_answer_cannot_stall_the_worker,
    a_retell_that_never_answers_ends_the_import_on_its_deadline,
);

/// A TCP server that accepts every connection, keeps it open and says nothing.
async fn black_hole() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    addr
}

async fn jobs(db: &Db) -> Vec<(String, String, i64, Option<String>)> {
    let sql = "SELECT kind, status, attempts, last_error FROM jobs ORDER BY created_at";
    askpro_store::on_pool!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await).expect("jobs")
}

async fn services_that_never_answer_cannot_stall_the_worker(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let hole = black_hole().await;
    let mailer = askpro_connectors::smtp::Mailer::from_urls(
        Some(&format!("smtp://{hole}")),
        None,
        Duration::from_secs(2),
    )
    .expect("url")
    .expect("mailer");
    let twilio = askpro_connectors::twilio::Twilio::new(
        &format!("http://{hole}"),
        "AC123",
        "secret",
        "+4930111",
    )
    .expect("twilio");
    let slack = askpro_connectors::slack::Slack::new(&format!("http://{hole}/services/T0/B0/X"))
        .expect("slack");
    let app = App::with_clock(db.connect().await, frozen_clock())
        .with_mailer(Some(mailer), "askpro@example.org")
        .with_sms(Some(twilio))
        .with_slack(Some(slack));
    crate::common::apply(&app, crate::common::EXAMPLE).await;
    let actor = Actor::cli(Some("drill".into()));
    app.set_setting(
        "notifications.sms.enabled=true",
        Some("salon-sonnenschein"),
        &actor,
    )
    .await
    .unwrap();
    let request = BookRequest {
        branch: Some("mitte".into()),
        service: "damenhaarschnitt".into(),
        staff: Some("anna".into()),
        start: "2026-12-01T10:00:00+01:00".parse().unwrap(),
        customer: Customer {
            name: "Eva Schmidt".into(),
            phone: Some("+4915112345678".into()),
            email: Some("eva@example.org".into()),
        },
    };
    app.book("salon-sonnenschein", &request, &actor, None)
        .await
        .expect("booked");

    let config = askpro_worker::WorkerConfig {
        queues: vec!["emails".into(), "sms".into(), "slack".into()],
        poll: Duration::from_millis(20),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(
        askpro_worker::Worker::new(
            app.db.clone(),
            app.clock.clone(),
            askpro_app::notify::registry(&app),
            config,
        )
        .run(stopped),
    );
    // The mail and the text each fail on their deadline and wait for their retry;
    // the alert about the mail server fails on Slack's.
    let started = Instant::now();
    let settled = |jobs: &[(String, String, i64, Option<String>)]| {
        let tried = |kind: &str| {
            jobs.iter().any(|(k, status, attempts, _)| {
                k.starts_with(kind) && status == "pending" && *attempts >= 1
            })
        };
        tried("email.appointment_booked") && tried("sms.appointment_booked") && tried("slack.alert")
    };
    let mut seen = jobs(&app.db).await;
    while !settled(&seen) && started.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        seen = jobs(&app.db).await;
    }
    assert!(settled(&seen), "after {:?}: {seen:#?}", started.elapsed());
    for (kind, _, _, error) in seen.iter().filter(|(_, _, attempts, _)| *attempts > 0) {
        let error = error.as_deref().unwrap_or_default().to_lowercase();
        assert!(
            ["timed out", "timeout", "deadline"]
                .iter()
                .any(|w| error.contains(w)),
            "{kind} failed for another reason: {error}"
        );
    }
    // The worker is not stuck in any of them: it stops within its bounded shutdown.
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(20), worker)
        .await
        .expect("the worker stopped")
        .unwrap();
}

/// The call import (run every ten minutes, and by `askpro retell import-calls`) against a
/// Retell that never answers: each request gives up on its deadline, the retries are
/// bounded, and the error says what happened.
async fn a_retell_that_never_answers_ends_the_import_on_its_deadline(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let hole = black_hole().await;
    let retell = askpro_connectors::retell::Retell::new(&format!("http://{hole}"), "key_drill")
        .expect("client")
        .with_retries(1, Duration::from_millis(50))
        .with_timeout(Duration::from_secs(1))
        .expect("timeout");
    let app = App::with_clock(db.connect().await, frozen_clock());
    crate::common::apply(&app, crate::common::EXAMPLE).await;
    let started = Instant::now();
    let since = app.now_ms() - 3_600_000;
    let outcome = app
        .import_calls(&retell, since, Vec::new(), |_, _| {})
        .await;
    let took = started.elapsed();
    let error = outcome
        .expect_err("nothing to import from a silent Retell")
        .to_string();
    assert!(
        took < Duration::from_secs(6),
        "two attempts of one second each, not a hang: {took:?}"
    );
    assert!(
        ["timed out", "timeout", "did not answer"]
            .iter()
            .any(|w| error.to_lowercase().contains(w)),
        "the error says why: {error}"
    );
    assert!(!error.contains("key_drill"), "no key in the error: {error}");
}

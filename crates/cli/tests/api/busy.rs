//! A busy hour in miniature: hundreds of calls at once, each with its webhooks (some
//! delivered twice) and function calls, against a server with small pools. Nothing may
//! be answered with a 5xx, the merge must drain with every call complete, and the
//! calendar must hold exactly what callers were told. And when no connection is free in
//! time, a request gets 503 with Retry-After at once, never a hang.

use crate::common::{Backend, RETELL_KEY, TestApp, now_ms};
use crate::retell::post_signed;
use askpro_store::{PoolOptions, calls, on_pool};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

crate::on_both_databases!(
    hundreds_of_calls_at_once_get_no_server_error_and_merge_completely,
    a_request_without_a_free_connection_gets_503_with_retry_after,
);

const CALLS: usize = 300;

fn call_object(n: usize, extra: Value) -> Value {
    let mut call = json!({
        "call_type": "phone_call", "call_id": format!("busy-test-{n}"), "agent_id": "agent_5f2c",
        "call_status": "ongoing", "direction": "inbound", "from_number": format!("+49151{n:08}"),
        "to_number": "+493012345678", "start_timestamp": now_ms(),
        "transcript": format!("User: Termin {n}\n"),
    });
    if let (Some(call), Some(extra)) = (call.as_object_mut(), extra.as_object()) {
        call.extend(extra.clone());
    }
    call
}

/// Posts a signed Retell request; its status, and the answer as JSON.
async fn post(t: &TestApp, path: &str, body: Value) -> Result<Value, String> {
    let (status, text) = post_signed(t, path, &body.to_string(), RETELL_KEY, now_ms()).await;
    if status >= 500 {
        return Err(format!("{path} answered {status}: {text}"));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn webhook(t: &TestApp, n: usize, event: &str, extra: Value) -> Result<(), String> {
    let body = json!({ "event": event, "call": call_object(n, extra) });
    post(t, "/webhooks/retell", body).await.map(drop)
}

async fn function(t: &TestApp, n: usize, name: &str, args: Value) -> Result<Value, String> {
    let body = json!({ "name": name, "args": args, "call": call_object(n, json!({})) });
    post(t, &format!("/retell/functions/{name}"), body).await
}

/// One whole call; the appointment the caller was told is booked, if any.
async fn one_call(t: Arc<TestApp>, n: usize) -> Result<Option<String>, String> {
    webhook(&t, n, "call_started", json!({})).await?;
    let wish = format!("übermorgen um {} Uhr", 9 + n % 8);
    let args = json!({ "service": "Herrenhaarschnitt", "when": wish });
    let offered = function(&t, n, "check_availability", args).await?;
    webhook(&t, n, "transcript_updated", json!({})).await?;
    let mut booked = None;
    if let Some(slot) = offered["slots"].get(0) {
        let args = json!({ "service": "Herrenhaarschnitt", "start": slot["start"], "staff": slot["staff"],
            "customer_name": format!("Anrufer {n}") });
        let answer = if n.is_multiple_of(10) {
            // Retell delivers it again while the first is still being answered.
            let (first, second) = tokio::join!(
                function(&t, n, "book_appointment", args.clone()),
                function(&t, n, "book_appointment", args)
            );
            let (first, second) = (first?, second?);
            if first != second {
                return Err(format!(
                    "call {n}: two answers to one booking: {first} / {second}"
                ));
            }
            first
        } else {
            function(&t, n, "book_appointment", args).await?
        };
        booked = answer["appointment"]["id"].as_str().map(str::to_owned);
    }
    webhook(
        &t,
        n,
        "transcript_updated",
        json!({ "transcript": "User: Danke\n" }),
    )
    .await?;
    let ended = json!({ "call_status": "ended", "end_timestamp": now_ms() + 60_000,
        "disconnection_reason": "user_hangup" });
    webhook(&t, n, "call_ended", ended.clone()).await?;
    if n.is_multiple_of(3) {
        webhook(&t, n, "call_ended", ended.clone()).await?;
    }
    let mut analyzed = ended;
    analyzed["call_analysis"] =
        json!({ "call_summary": "Termin", "call_successful": booked.is_some() });
    webhook(&t, n, "call_analyzed", analyzed).await?;
    Ok(booked)
}

async fn count(t: &TestApp, sql: &'static str) -> i64 {
    on_pool!(&t.app.db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await)
    .unwrap()
}

async fn hundreds_of_calls_at_once_get_no_server_error_and_merge_completely(backend: Backend) {
    // Few connections; a deadline generous enough for a loaded two-core CI machine, where
    // 300 calls at once queue for them (the point is that none is refused or fails).
    let small = PoolOptions {
        max_connections: 5,
        acquire_timeout: Duration::from_secs(15),
    };
    let background = PoolOptions {
        max_connections: 2,
        acquire_timeout: Duration::from_secs(10),
    };
    let Some(t) = TestApp::spawn_with_pools(backend, small, background).await else {
        return;
    };
    let t = Arc::new(t);
    let calls: Vec<_> = (0..CALLS)
        .map(|n| tokio::spawn(one_call(t.clone(), n)))
        .collect();
    let mut booked = Vec::new();
    for call in calls {
        match call.await.unwrap() {
            Ok(appointment) => booked.extend(appointment),
            Err(error) => panic!("{error}"),
        }
    }
    // The merger drains what waits, well within ten seconds.
    let started = Instant::now();
    while calls::merge_backlog(&t.app.db).await.unwrap().0 > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the merge did not drain"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let analyzed = count(
        &t,
        "SELECT COUNT(*) FROM calls WHERE call_id LIKE 'busy-test-%' AND last_event = 'call_analyzed' \
         AND call_status = 'ended'",
    )
    .await;
    assert_eq!(
        analyzed, CALLS as i64,
        "every call merged with its analysis"
    );
    assert!(!booked.is_empty(), "callers booked");
    let stored = count(
        &t,
        "SELECT COUNT(*) FROM appointments WHERE source_ref LIKE 'busy-test-%' AND status = 'booked'",
    )
    .await;
    assert_eq!(
        stored,
        booked.len() as i64,
        "exactly the bookings callers were told of"
    );
    let overlaps = count(&t, crate::common::OVERLAPS).await;
    assert_eq!(overlaps, 0);
}

async fn a_request_without_a_free_connection_gets_503_with_retry_after(backend: Backend) {
    let one = PoolOptions {
        max_connections: 1,
        acquire_timeout: Duration::from_millis(200),
    };
    let Some(t) = TestApp::spawn_with_pools(backend, one, PoolOptions::BACKGROUND).await else {
        return;
    };
    let path = "/availability?service=damenhaarschnitt&from=2026-12-01&days=1";
    assert_eq!(t.get(path).await.0, 200);
    // Something holds the only connection (and on SQLite the write turn).
    let held = t.app.db.begin_write().await.unwrap();
    let started = Instant::now();
    let response = t
        .client
        .post(t.company_url("/appointments"))
        .bearer_auth(crate::common::OPERATOR_TOKEN)
        .json(&crate::common::booking("anna", "2026-12-01T09:00:00+01:00"))
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no hang: answered at the deadline"
    );
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    drop(held);
    // Nothing was half written; the same request now books.
    assert_eq!(t.book("anna", "2026-12-01T09:00:00+01:00").await.0, 201);
}

/// A fresh database must not run slower until autovacuum notices it filled: migrations
/// give every table statistics, and statements are planned as the tables are now, not
/// as they were when a pooled connection first prepared them (empty).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_postgresql_database_is_analysed_and_plans_each_statement_afresh() {
    let Some(t) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let never_analysed = count(
        &t,
        "SELECT COUNT(*) FROM pg_stat_user_tables WHERE last_analyze IS NULL AND last_autoanalyze IS NULL",
    )
    .await;
    assert_eq!(never_analysed, 0);
    let mode: String = on_pool!(&t.app.db, |pool| sqlx::query_scalar("SHOW plan_cache_mode")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(mode, "force_custom_plan");
}

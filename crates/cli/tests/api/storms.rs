//! Storms (issue 16): a thousand requests at once for one slot, and a thousand
//! deliveries of one webhook, on both databases. Exactly one booking; the delivery
//! stored and merged once; no request ever fails with a server error (a 503 "try again"
//! is allowed when the database cannot take everyone in time, and counted).

use crate::common::{Backend, OPERATOR_TOKEN, RETELL_KEY, TestApp, booking, now_ms};
use crate::retell::{CALLER, MITTE, call, merged, now_call_ms};
use askpro_store::calls;
use serde_json::json;
use std::collections::BTreeMap;

crate::on_both_databases!(
    a_thousand_requests_for_one_slot_book_it_once,
    a_thousand_deliveries_of_one_webhook_are_stored_and_merged_once,
);

const STORM: usize = 1000;

/// Status codes and how often each came back.
fn tally(statuses: &[u16]) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for status in statuses {
        *counts.entry(*status).or_default() += 1;
    }
    counts
}

async fn a_thousand_requests_for_one_slot_book_it_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let mut tasks = Vec::with_capacity(STORM);
    for _ in 0..STORM {
        let request = t
            .client
            .post(t.company_url("/appointments"))
            .bearer_auth(OPERATOR_TOKEN)
            .json(&booking("anna", "2026-12-01T09:00:00+01:00"));
        tasks.push(tokio::spawn(async move {
            request
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut statuses = Vec::with_capacity(STORM);
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    let counts = tally(&statuses);
    assert_eq!(counts.get(&201), Some(&1), "{counts:?}");
    assert!(
        counts.keys().all(|s| [201, 409, 503].contains(s)),
        "only one booking, refusals and 'try again': {counts:?}"
    );
    eprintln!("{backend:?}: {STORM} requests for one slot answered {counts:?}");
    let (_, list) = t
        .get("/appointments?from=2026-12-01&to=2026-12-01&staff=anna")
        .await;
    assert_eq!(list["appointments"].as_array().unwrap().len(), 1);
}

async fn a_thousand_deliveries_of_one_webhook_are_stored_and_merged_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let mut ended = call("call-storm", MITTE, now_call_ms());
    ended["call_status"] = "ended".into();
    ended["end_timestamp"] = (now_call_ms() + 60_000).into();
    let body = json!({ "event": "call_ended", "call": ended }).to_string();
    let mut tasks = Vec::with_capacity(STORM);
    for _ in 0..STORM {
        let (t2, body) = (t.client.clone(), body.clone());
        let url = t.url("/webhooks/retell");
        let signature = askpro_app::voice::signature::sign(RETELL_KEY, body.as_bytes(), now_ms());
        tasks.push(tokio::spawn(async move {
            t2.post(url)
                .header("content-type", "application/json")
                .header("x-retell-signature", signature)
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut statuses = Vec::with_capacity(STORM);
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    let counts = tally(&statuses);
    assert!(
        counts.keys().all(|s| [200, 204, 503].contains(s)),
        "acknowledged, or 'try again' when the database cannot take everyone: {counts:?}"
    );
    // Retell retries what it was told to: those deliveries come again until taken.
    let mut retried = 0;
    for _ in 0..statuses.iter().filter(|s| **s == 503).count() {
        let mut status = 503;
        for _ in 0..20 {
            let signature =
                askpro_app::voice::signature::sign(RETELL_KEY, body.as_bytes(), now_ms());
            status = t
                .client
                .post(t.url("/webhooks/retell"))
                .header("content-type", "application/json")
                .header("x-retell-signature", signature)
                .body(body.clone())
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            if status != 503 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(
            [200, 204].contains(&status),
            "a retried delivery answered {status}"
        );
        retried += 1;
    }
    eprintln!("{backend:?}: {STORM} deliveries answered {counts:?}, {retried} retried");
    merged(&t).await;
    let stored = calls::find_call(
        &t.app.db,
        t.app
            .company_id("salon-sonnenschein")
            .await
            .unwrap()
            .as_str(),
        "call-storm",
    )
    .await
    .unwrap()
    .expect("the call exists once");
    assert_eq!(stored.last_event, "call_ended");
    assert_eq!(stored.from_number.as_deref(), Some(CALLER));
    let sql = "SELECT COUNT(*), COALESCE(MAX(duplicates), 0) FROM retell_events WHERE call_id = $1";
    let (stored_events, repeats): (i64, i64) = askpro_store::on_pool!(&t.app.db, |pool| {
        sqlx::query_as(sql).bind("call-storm").fetch_one(pool).await
    })
    .expect("count");
    assert_eq!(stored_events, 1, "one delivery stored");
    assert_eq!(repeats, (STORM - 1) as i64, "the repeats are counted on it");
}

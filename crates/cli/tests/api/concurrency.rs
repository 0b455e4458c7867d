//! The no-double-booking guarantee under load: many simultaneous requests for one
//! staff member's overlapping times, one winner, whatever the database.

use crate::common::{Backend, OPERATOR_TOKEN, TestApp, booking};
use std::collections::HashSet;

crate::on_both_databases!(
    hundred_overlapping_requests_book_exactly_once,
    a_retried_request_racing_itself_books_once
);

async fn hundred_overlapping_requests_book_exactly_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // Ten different starts from 09:00 to 09:36, ten requests each: every pair of their
    // 60-minute blocked spans overlaps, so exactly one request may win.
    let starts: Vec<String> = (0..100)
        .map(|i| format!("2026-12-01T09:{:02}:00+01:00", (i % 10) * 4))
        .collect();
    let mut tasks = Vec::new();
    for start in starts {
        let request = t
            .client
            .post(t.company_url("/appointments"))
            .bearer_auth(OPERATOR_TOKEN)
            .json(&booking("anna", &start));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.expect("reaches the server");
            (
                response.status().as_u16(),
                response.text().await.unwrap_or_default(),
            )
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("task"));
    }
    let created = statuses.iter().filter(|(s, _)| *s == 201).count();
    let refused = statuses
        .iter()
        .filter(|(s, body)| *s == 409 && body.contains("slot_unavailable"))
        .count();
    assert_eq!((created, refused), (1, 99), "{statuses:?}");
    let (_, list) = t
        .get("/appointments?from=2026-12-01&to=2026-12-01&staff=anna&status=booked")
        .await;
    assert_eq!(list["appointments"].as_array().unwrap().len(), 1);
}

async fn a_retried_request_racing_itself_books_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let body = serde_json::json!({"branch": "mitte", "service": "damenhaarschnitt", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": "Eva"}});
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let request = t
            .client
            .post(t.company_url("/appointments"))
            .bearer_auth(OPERATOR_TOKEN)
            .header("Idempotency-Key", "retry-7")
            .json(&body);
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.expect("reaches the server");
            let status = response.status().as_u16();
            (
                status,
                response
                    .json::<serde_json::Value>()
                    .await
                    .unwrap_or_default(),
            )
        }));
    }
    let mut ids = HashSet::new();
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(
            status, 201,
            "every retry answers with the first result: {body}"
        );
        ids.insert(body["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(ids.len(), 1);
    let (_, list) = t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    assert_eq!(
        list["appointments"].as_array().unwrap().len(),
        1,
        "anna and jonas were both free, yet only one booking exists"
    );
}

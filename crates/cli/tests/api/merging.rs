//! The merger marks exactly the deliveries it merged. On PostgreSQL a delivery's number
//! is handed out when its insert starts, not when it commits: one that commits while a
//! merge runs can have a lower number than what the merge read, and must wait for the next
//! merge instead of being marked merged unseen.

use crate::common::{Backend, TestDb, now_ms};
use askpro_store::calls::{self, NewEvent};
use sqlx::Connection;

fn delivery<'a>(id: &'a str, event: &'a str, body: &'a str) -> NewEvent<'a> {
    NewEvent {
        id,
        dedup_key: None,
        event,
        call_id: "c-race",
        body,
        received_at: now_ms(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_committed_during_a_merge_waits_for_the_next_one() {
    let Some(test) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let db = test.connect().await;
    // B takes its number first but commits last.
    let mut late = sqlx::PgConnection::connect(&test.url).await.unwrap();
    let mut late_tx = late.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO retell_events (id, dedup_key, event, call_id, body, received_at, duplicates) \
         VALUES ('b', NULL, 'call_ended', 'c-race', '{\"call\":{\"call_id\":\"c-race\"}}', $1, 0)",
    )
    .bind(now_ms())
    .execute(&mut *late_tx)
    .await
    .unwrap();
    let body = r#"{"call":{"call_id":"c-race"}}"#;
    calls::insert_event(&db, &delivery("a", "call_started", body))
        .await
        .unwrap();
    // The merge reads what is committed: only A.
    let mut tx = db.begin_write().await.unwrap();
    assert!(calls::lock_call(&mut tx, "c-race", false).await.unwrap());
    let read = calls::waiting_events_of_call(&mut tx, "c-race", 100)
        .await
        .unwrap();
    assert_eq!(
        read.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    late_tx.commit().await.unwrap();
    let seqs: Vec<i64> = read.iter().map(|e| e.seq).collect();
    let marked = calls::mark_merged(&mut tx, "c-race", &seqs, now_ms(), None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(marked, 1, "only what was read");
    let waiting = calls::pending_events(&db, 10).await.unwrap();
    assert_eq!(
        waiting.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["b"],
        "B waits for the next merge"
    );
}

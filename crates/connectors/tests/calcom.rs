//! The Cal.com client against the stand-in: versions, envelopes, conflicts, new uids on
//! reschedule, rate limits, outages and deadlines — as the real API answers them.

use askpro_connectors::calcom::{
    CalCom, CalcomError, CalcomMetrics, ListBookings, NewBooking, SlotsQuery,
};
use askpro_standins::calcom::{Fake, FakeCalcom, Fault};
use jiff::Timestamp;
use jiff::civil::time;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const KEY: &str = "cal_test_0123456789";
const NOW: &str = "2026-11-30T07:00:00Z";

async fn calcom() -> (CalCom, Fake, Arc<CalcomMetrics>) {
    let server = FakeCalcom::start(KEY).await.unwrap();
    let fake = server.fake;
    fake.set_now(Some(NOW.parse().unwrap()));
    fake.add_host("anna", "Europe/Berlin", time(9, 0, 0, 0), time(17, 0, 0, 0));
    fake.add_event_type(7, "haarschnitt", 45, &["anna"]);
    let metrics = Arc::new(CalcomMetrics::default());
    let http = CalCom::http_client().unwrap();
    (
        CalCom::new(http, &server.base_url, KEY, metrics.clone()),
        fake,
        metrics,
    )
}

fn booking<'a>(start: Timestamp, askpro_id: &'a str) -> NewBooking<'a> {
    NewBooking {
        event_type_id: 7,
        host: "anna",
        start,
        attendee_name: "Eva Schulz",
        attendee_email: Some("eva@example.org"),
        attendee_phone: Some("+4915112345678"),
        time_zone: "Europe/Berlin",
        askpro_id,
        call_id: Some("call_1"),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn slots_come_in_the_pinned_shape_and_shrink_when_booked() {
    let (client, _fake, _) = calcom().await;
    let query = SlotsQuery {
        event_type_id: 7,
        username: "anna",
        start: at("2026-12-01T00:00:00Z"),
        end: at("2026-12-01T23:00:00Z"),
        time_zone: "Europe/Berlin",
    };
    let before = client.slots(&query, SECOND).await.unwrap();
    // 09:00 Berlin is 08:00 UTC in winter; the working day holds ten 45-minute slots.
    assert_eq!(before.first(), Some(&at("2026-12-01T08:00:00Z")));
    assert_eq!(before.len(), 10, "{before:?}");
    client
        .create_booking(&booking(at("2026-12-01T08:00:00Z"), "a1"), SECOND)
        .await
        .unwrap();
    let after = client.slots(&query, SECOND).await.unwrap();
    assert!(!after.contains(&at("2026-12-01T08:00:00Z")));
    assert_eq!(after.len(), 9);
}

#[tokio::test]
async fn a_taken_slot_is_a_conflict_and_the_booking_keeps_askpros_id() {
    let (client, fake, _) = calcom().await;
    let start = at("2026-12-01T10:00:00Z");
    let made = client
        .create_booking(&booking(start, "a1"), SECOND)
        .await
        .unwrap();
    assert_eq!(
        (made.askpro_id(), made.host.as_deref()),
        (Some("a1"), Some("anna"))
    );
    assert_eq!(
        fake.booking(&made.uid).unwrap().metadata["askpro_call_id"],
        json!("call_1")
    );
    let again = client.create_booking(&booking(start, "a2"), SECOND).await;
    assert!(matches!(again, Err(CalcomError::Conflict(_))), "{again:?}");
    let found = client.booking(&made.uid).await.unwrap();
    assert_eq!(found.start, start);
}

#[tokio::test]
async fn a_reschedule_answers_a_new_uid_that_names_the_old_one() {
    let (client, fake, _) = calcom().await;
    let made = client
        .create_booking(&booking(at("2026-12-01T10:00:00Z"), "a1"), SECOND)
        .await
        .unwrap();
    let moved = client
        .reschedule_booking(&made.uid, at("2026-12-01T12:00:00Z"), "Anruf")
        .await
        .unwrap();
    assert_ne!(moved.uid, made.uid);
    assert_eq!(moved.rescheduled_from.as_deref(), Some(made.uid.as_str()));
    assert_eq!(
        moved.askpro_id(),
        Some("a1"),
        "metadata travels with the move"
    );
    assert_eq!(fake.booking(&made.uid).unwrap().status, "cancelled");
    client
        .cancel_booking(&moved.uid, "Anrufer sagt ab")
        .await
        .unwrap();
    assert_eq!(fake.booking(&moved.uid).unwrap().status, "cancelled");
    let gone = client.cancel_booking("no-such-uid", "x").await;
    assert!(matches!(gone, Err(CalcomError::NotFound(_))), "{gone:?}");
}

#[tokio::test]
async fn listing_walks_every_page() {
    let (client, _fake, _) = calcom().await;
    for day in 1..=3 {
        for hour in [8, 9, 10, 11, 12, 13, 14, 15] {
            let start = at(&format!("2026-12-0{day}T{hour:02}:00:00Z"));
            let id = format!("a{day}{hour}");
            client
                .create_booking(&booking(start, &id), SECOND)
                .await
                .unwrap();
        }
    }
    let all = client
        .bookings(&ListBookings {
            event_type_ids: vec![7],
            ..ListBookings::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 24);
    let window = ListBookings {
        event_type_ids: vec![7],
        after_start: Some(at("2026-12-02T00:00:00Z")),
        before_end: Some(at("2026-12-03T00:00:00Z")),
        statuses: vec!["upcoming"],
        ..ListBookings::default()
    };
    assert_eq!(client.bookings(&window).await.unwrap().len(), 8);
}

#[tokio::test]
async fn outages_rate_limits_and_silence_are_retryable_and_counted() {
    let (client, fake, metrics) = calcom().await;
    fake.fail_next(Fault::RateLimited { reset_s: 17 }, 1);
    let limited = client.me().await.unwrap_err();
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(17)));
    fake.fail_next(Fault::Status(503), 1);
    assert!(matches!(
        client.me().await,
        Err(CalcomError::Unavailable(_))
    ));
    fake.fail_next(Fault::Hang, 1);
    let started = std::time::Instant::now();
    let silent = client
        .create_booking(
            &booking(at("2026-12-01T10:00:00Z"), "a1"),
            Duration::from_millis(200),
        )
        .await;
    assert_eq!(silent.unwrap_err(), CalcomError::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the deadline holds"
    );
    assert!(client.me().await.is_ok(), "healed");
    use std::sync::atomic::Ordering::Relaxed;
    assert_eq!(metrics.calls.load(Relaxed), 4);
    assert_eq!(
        (metrics.errors.load(Relaxed), metrics.timeouts.load(Relaxed)),
        (3, 1)
    );
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_never_shown() {
    let (_, fake, metrics) = calcom().await;
    let base = {
        // The same stand-in, reached with a key it does not accept.
        let server = FakeCalcom::start(KEY).await.unwrap();
        server.fake.set_key("cal_other");
        drop(fake);
        server.base_url
    };
    let client = CalCom::new(CalCom::http_client().unwrap(), &base, KEY, metrics);
    let refused = client.me().await.unwrap_err();
    assert!(
        matches!(refused, CalcomError::Unauthorized(_)),
        "{refused:?}"
    );
    assert!(!refused.to_string().contains(KEY));
    assert!(!format!("{client:?}").contains(KEY));
}

//! Booking, idempotency, cancelling, rescheduling, listing and the audit trail.

use crate::common::{Backend, TestApp, booking};
use askpro_store::audit;
use serde_json::json;

crate::on_both_databases!(
    a_booking_answers_201_and_takes_the_slot,
    without_staff_any_free_qualified_member_is_booked,
    unavailable_times_are_refused_with_their_reason,
    an_idempotency_key_replays_the_first_result,
    cancelling_frees_the_slot_and_is_repeatable,
    a_move_onto_a_taken_time_keeps_the_old_time,
    lists_filter_by_local_dates_status_and_staff,
    every_change_leaves_an_audit_entry,
    any_offered_slot_can_be_booked,
);

async fn a_booking_answers_201_and_takes_the_slot(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, body) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "booked");
    assert_eq!(body["staff"], "anna");
    assert_eq!(body["start"], "2026-12-01T09:00:00+01:00");
    assert_eq!(body["end"], "2026-12-01T09:45:00+01:00");
    assert_eq!(body["source"], "api");
    assert_eq!(body["customer"]["phone"], "+4915112345678");
    let id = body["id"].as_str().unwrap();
    let (status, shown) = t.get(&format!("/appointments/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(shown, body);
    // Anna is now blocked 09:00-10:00 (with the buffer); 10:00 is free again.
    let (_, slots) = t
        .get(
            "/availability?service=damenhaarschnitt&branch=mitte&staff=anna&from=2026-12-01&days=1",
        )
        .await;
    let anna: Vec<&str> = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert!(!anna.iter().any(|s| s.contains("T09:")), "{anna:?}");
    assert_eq!(anna[0], "2026-12-01T10:00:00+01:00");
}

async fn without_staff_any_free_qualified_member_is_booked(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let body = |name: &str| json!({"service": "damenhaarschnitt", "branch": "mitte", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": name}});
    let (s1, first) = t.post("/appointments", body("Eva")).await;
    let (s2, second) = t.post("/appointments", body("Ida")).await;
    let (s3, third) = t.post("/appointments", body("Ute")).await;
    assert_eq!((s1, s2, s3), (201, 201, 409), "{third}");
    assert_eq!(
        (first["staff"].as_str(), second["staff"].as_str()),
        (Some("anna"), Some("jonas"))
    );
    assert_eq!(third["error"]["reason"], "taken");
}

async fn unavailable_times_are_refused_with_their_reason(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    assert_eq!(t.book("anna", "2026-12-01T09:00:00+01:00").await.0, 201);
    let cases = [
        ("2026-12-01T09:30:00+01:00", "taken"),
        ("2026-12-24T10:00:00+01:00", "closed"),
        ("2026-12-01T17:30:00+01:00", "outside_hours"),
        ("2026-12-01T07:00:00+01:00", "outside_hours"),
        ("2027-04-06T10:00:00+02:00", "too_far_ahead"),
    ];
    for (start, reason) in cases {
        let (status, body) = t.book("anna", start).await;
        assert_eq!(status, 409, "{start}: {body}");
        assert_eq!(body["error"]["code"], "slot_unavailable");
        assert_eq!(body["error"]["reason"], reason, "{start}");
    }
    // Back-to-back is fine: 10:00 starts exactly where the first one's buffer ends.
    assert_eq!(t.book("anna", "2026-12-01T10:00:00+01:00").await.0, 201);
    // Vienna opens at 08:00, and it is 08:00 there now: 08:30 is within the hour of notice.
    crate::common::apply(&t.app, &crate::common::fixture("other-company.toml")).await;
    let early = json!({"service": "massage", "start": "2026-11-30T08:30:00+01:00", "customer": {"name": "Max"}});
    let url = t.url("/api/v1/companies/praxis-berg/appointments");
    let (status, body) = t
        .send(
            t.client
                .post(&url)
                .bearer_auth(crate::common::OPERATOR_TOKEN)
                .json(&early),
        )
        .await;
    assert_eq!(
        (status, body["error"]["reason"].as_str()),
        (409, Some("too_soon")),
        "{body}"
    );
}

async fn an_idempotency_key_replays_the_first_result(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let request = |body: serde_json::Value| {
        t.client
            .post(t.company_url("/appointments"))
            .bearer_auth(crate::common::OPERATOR_TOKEN)
            .header("Idempotency-Key", "call-42")
            .json(&body)
    };
    let (s1, first) = t
        .send(request(booking("anna", "2026-12-01T09:00:00+01:00")))
        .await;
    let (s2, again) = t
        .send(request(booking("anna", "2026-12-01T09:00:00+01:00")))
        .await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first["id"], again["id"]);
    let (s3, other) = t
        .send(request(booking("anna", "2026-12-01T11:00:00+01:00")))
        .await;
    assert_eq!(s3, 422);
    assert_eq!(other["error"]["code"], "idempotency_key_reused");
    let (_, list) = t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    assert_eq!(list["appointments"].as_array().unwrap().len(), 1);
    // A refusal is a first result too: the retry hears it again even after the slot frees up.
    let keyed = |key: &str| {
        t.client
            .post(t.company_url("/appointments"))
            .bearer_auth(crate::common::OPERATOR_TOKEN)
            .header("Idempotency-Key", key.to_owned())
            .json(&booking("anna", "2026-12-01T09:15:00+01:00"))
    };
    let (s4, refused) = t.send(keyed("call-43")).await;
    assert_eq!(
        (s4, refused["error"]["reason"].as_str()),
        (409, Some("taken"))
    );
    t.post(
        &format!("/appointments/{}/cancel", first["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    let (s5, again) = t.send(keyed("call-43")).await;
    assert_eq!(
        (s5, again["error"]["reason"].as_str()),
        (409, Some("taken")),
        "{again}"
    );
    assert_eq!(
        t.send(keyed("call-44")).await.0,
        201,
        "a new key books the freed slot"
    );
}

async fn cancelling_frees_the_slot_and_is_repeatable(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    let id = booked["id"].as_str().unwrap();
    let (status, cancelled) = t
        .post(
            &format!("/appointments/{id}/cancel"),
            json!({"reason": "Kundin ist krank"}),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "Kundin ist krank");
    let (status, again) = t
        .send(
            t.client
                .post(t.company_url(&format!("/appointments/{id}/cancel")))
                .bearer_auth(crate::common::OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["status"], "cancelled");
    assert_eq!(
        t.book("anna", "2026-12-01T09:00:00+01:00").await.0,
        201,
        "the slot is free again"
    );
    let (status, _) = t.post("/appointments/no-such-id/cancel", json!({})).await;
    assert_eq!(status, 404);
}

async fn a_move_onto_a_taken_time_keeps_the_old_time(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, a) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    let (_, _b) = t.book("anna", "2026-12-01T11:00:00+01:00").await;
    let id = a["id"].as_str().unwrap();
    let (status, body) = t
        .post(
            &format!("/appointments/{id}/reschedule"),
            json!({"start": "2026-12-01T11:15:00+01:00"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "slot_unavailable");
    let (_, unchanged) = t.get(&format!("/appointments/{id}")).await;
    assert_eq!(unchanged["start"], "2026-12-01T09:00:00+01:00");
    // Moving half an hour later overlaps only its own old time: allowed.
    let (status, moved) = t
        .post(
            &format!("/appointments/{id}/reschedule"),
            json!({"start": "2026-12-01T09:30:00+01:00"}),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["start"], "2026-12-01T09:30:00+01:00");
    assert_eq!(moved["id"], a["id"]);
    let (status, to_jonas) = t
        .post(
            &format!("/appointments/{id}/reschedule"),
            json!({"start": "2026-12-01T11:00:00+01:00", "staff": "jonas"}),
        )
        .await;
    assert_eq!(status, 200, "{to_jonas}");
    assert_eq!(to_jonas["staff"], "jonas");
    // Anna's 09:30 is free again.
    assert_eq!(t.book("anna", "2026-12-01T09:30:00+01:00").await.0, 201);
}

async fn lists_filter_by_local_dates_status_and_staff(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, a) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    t.book("jonas", "2026-12-01T09:00:00+01:00").await;
    t.book("jonas", "2026-12-02T09:00:00+01:00").await;
    t.post(
        &format!("/appointments/{}/cancel", a["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    let count = |body: &serde_json::Value| body["appointments"].as_array().map_or(0, Vec::len);
    assert_eq!(
        count(&t.get("/appointments?from=2026-12-01&to=2026-12-01").await.1),
        2
    );
    assert_eq!(
        count(&t.get("/appointments?from=2026-12-01&to=2026-12-02").await.1),
        3
    );
    assert_eq!(
        count(
            &t.get("/appointments?from=2026-12-01&to=2026-12-02&status=booked")
                .await
                .1
        ),
        2
    );
    assert_eq!(
        count(
            &t.get("/appointments?from=2026-12-01&to=2026-12-02&status=cancelled")
                .await
                .1
        ),
        1
    );
    assert_eq!(
        count(
            &t.get("/appointments?from=2026-12-01&to=2026-12-02&staff=jonas")
                .await
                .1
        ),
        2
    );
    assert_eq!(
        count(
            &t.get("/appointments?from=2026-12-01T08:30:00Z&to=2026-12-02T07:59:00Z")
                .await
                .1
        ),
        0
    );
    assert_eq!(
        count(
            &t.get("/appointments?from=2026-12-01T08:00:00Z&to=2026-12-02T08:00:00Z")
                .await
                .1
        ),
        3
    );
    let (status, body) = t
        .get("/appointments?from=2026-12-01&to=2026-12-02&status=gone")
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = t.get("/appointments?to=2026-12-02").await;
    assert_eq!(status, 422);
}

async fn every_change_leaves_an_audit_entry(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    let id = booked["id"].as_str().unwrap();
    t.post(
        &format!("/appointments/{id}/reschedule"),
        json!({"start": "2026-12-01T10:00:00+01:00"}),
    )
    .await;
    t.post(&format!("/appointments/{id}/cancel"), json!({}))
        .await;
    let history = audit::history(&t.app.db, "appointment", id).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["book", "reschedule", "cancel"]);
    assert!(
        history
            .iter()
            .all(|h| h.actor == "api" && h.origin.as_deref() == Some("operator"))
    );
    assert!(history[0].before.is_none());
    let moved_from: serde_json::Value =
        serde_json::from_str(history[1].before.as_deref().unwrap()).unwrap();
    let moved_to: serde_json::Value =
        serde_json::from_str(history[1].after.as_deref().unwrap()).unwrap();
    assert_eq!(
        (moved_from["start"].as_str(), moved_to["start"].as_str()),
        (
            Some("2026-12-01T09:00:00+01:00"),
            Some("2026-12-01T10:00:00+01:00")
        )
    );
}

/// Property: whichever offered slot a caller picks, booking it succeeds, and it is not
/// offered again. A fixed-seed generator picks 25 slots across three days.
async fn any_offered_slot_can_be_booked(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let mut seed: u64 = 0x5eed;
    for round in 0..25 {
        let (_, body) = t
            .get("/availability?service=damenhaarschnitt&branch=mitte&from=2026-12-01&days=3")
            .await;
        let slots = body["slots"].as_array().unwrap().clone();
        assert!(!slots.is_empty(), "round {round}: no slots left");
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let slot = &slots[(seed >> 33) as usize % slots.len()];
        let (status, booked) = t
            .book(
                slot["staff"].as_str().unwrap(),
                slot["start"].as_str().unwrap(),
            )
            .await;
        assert_eq!(
            status, 201,
            "round {round}: offered {slot} but booking said {booked}"
        );
        let (_, after) = t
            .get("/availability?service=damenhaarschnitt&branch=mitte&from=2026-12-01&days=3")
            .await;
        assert!(
            !after["slots"].as_array().unwrap().contains(slot),
            "round {round}: {slot} still offered"
        );
    }
}

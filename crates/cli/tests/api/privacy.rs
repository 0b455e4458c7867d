//! Callers' data under the DSGVO, end to end on both databases: what a caller left
//! through a real (signed) call is exported whole, erased everywhere while the slot and
//! the audit trail's shape stay, and transcripts and calls go when their retention ends.

use crate::common::{
    Backend, OPERATOR_TOKEN, RETELL_KEY, TestApp, apply, fixture, now_ms, work_emails,
};
use crate::retell::{CALLER, MITTE, call, function, merged, now_call_ms, post_signed};
use askpro_app::Actor;
use serde_json::{Value, json};
use std::time::Duration;

crate::on_both_databases!(
    a_callers_data_is_exported_whole_and_erased_everywhere,
    operators_and_companies_ask_over_the_api_within_their_reach,
    transcripts_and_calls_go_when_their_retention_ends,
);

const COMPANY: &str = "salon-sonnenschein";
const OTHER: &str = "+4917699990000";

async fn deliver(t: &TestApp, event: &str, call: &Value) {
    let body = json!({ "event": event, "call": call }).to_string();
    let (status, text) = post_signed(t, "/webhooks/retell", &body, RETELL_KEY, now_ms()).await;
    assert!(status < 300, "{status} {text}");
    merged(t).await;
}

fn ended(call_id: &str, from: &str, start_ms: i64) -> Value {
    let mut object = call(call_id, MITTE, start_ms);
    object["from_number"] = from.into();
    object["call_status"] = "ended".into();
    object["end_timestamp"] = (start_ms + 90_000).into();
    object["transcript"] = "User: Hier ist Eva Schmidt, ich möchte einen Termin.".into();
    object
}

async fn a_callers_data_is_exported_whole_and_erased_everywhere(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = call("call-privacy", MITTE, now_call_ms());
    let args = json!({ "service": "Damenschnitt", "start": "2026-12-01T10:00:00+01:00", "staff": "Anna",
                       "customer_name": "Eva Schmidt", "customer_email": "eva@example.org" });
    let booked = function(&t, "book_appointment", args, &c).await;
    assert_eq!(booked["ok"], true, "{booked}");
    let message = json!({ "name": "Eva Schmidt", "concern": "Bitte Rückruf wegen Farbe" });
    assert_eq!(function(&t, "take_message", message, &c).await["ok"], true);
    deliver(
        &t,
        "call_ended",
        &ended("call-privacy", CALLER, now_call_ms()),
    )
    .await;
    let (status, _) = t
        .post(
            "/waitlist",
            json!({ "service": "damenhaarschnitt", "branch": "mitte",
            "from": "2026-12-02T09:00:00+01:00", "until": "2026-12-02T12:00:00+01:00",
            "customer": { "name": "Eva Schmidt", "phone": CALLER, "email": "eva@example.org" } }),
        )
        .await;
    assert_eq!(status, 201);
    let other = t
        .post("/appointments", json!({ "branch": "mitte", "service": "damenhaarschnitt", "staff": "anna",
            "start": "2026-12-01T14:00:00+01:00", "customer": { "name": "Olga Ott", "phone": OTHER } }))
        .await;
    assert_eq!(other.0, 201, "{}", other.1);
    let db = t.app.db.clone();
    let mailed = async || {
        askpro_store::emails::recent(&db, None, 10)
            .await
            .unwrap()
            .iter()
            .any(|m| m.to_address == "eva@example.org")
    };
    work_emails(&t.app, Duration::from_secs(10), mailed).await;

    let export = t
        .app
        .privacy_export("+49 151 12345678", None)
        .await
        .expect("export");
    let record = &export["companies"][0];
    assert_eq!(record["company"], COMPANY);
    for (kind, at_least) in [
        ("appointments", 1),
        ("calls", 1),
        ("function_calls", 2),
        ("messages", 1),
        ("waitlist", 1),
        ("emails", 1),
    ] {
        let found = record[kind].as_array().map_or(0, Vec::len);
        assert!(found >= at_least, "{kind}: {found} in {record}");
    }
    assert!(
        record["calls"][0]["data"]
            .as_str()
            .unwrap()
            .contains("Hier ist Eva Schmidt")
    );
    assert!(
        !export.to_string().contains("Olga Ott"),
        "another caller's data in the export"
    );

    let appointment_id = booked["appointment_id"]
        .as_str()
        .or(booked["appointment"]["id"].as_str())
        .map(str::to_owned);
    let erased = t
        .app
        .privacy_erase(CALLER, Some(COMPANY), &Actor::cli(Some("test".into())))
        .await
        .expect("erase");
    let counts = &erased["companies"][0]["erased"];
    assert!(
        counts["appointments"].as_u64() >= Some(1)
            && counts["calls"] == 1
            && counts["messages"] == 1,
        "{erased}"
    );
    // Retell's copy of the call is named for the operator to delete there.
    assert_eq!(
        erased["companies"][0]["elsewhere"]["retell_calls"],
        json!(["call-privacy"]),
        "{erased}"
    );

    // Nothing about the number is left to export, and nothing names her any more.
    let again = t.app.privacy_export(CALLER, None).await.expect("export");
    assert_eq!(again["companies"], json!([]), "{again}");
    let stored = t
        .app
        .call(COMPANY, "call-privacy")
        .await
        .expect("call")
        .to_string();
    assert!(
        !stored.contains("Eva") && !stored.contains(CALLER),
        "{stored}"
    );
    let list = t
        .app
        .appointments(
            COMPANY,
            &askpro_app::booking::AppointmentQuery {
                from: askpro_app::booking::Bound::Date("2026-12-01".parse().unwrap()),
                to: askpro_app::booking::Bound::Date("2026-12-01".parse().unwrap()),
                status: None,
                staff: None,
            },
        )
        .await
        .expect("list");
    let names: Vec<&str> = list.iter().map(|a| a.customer.name.as_str()).collect();
    assert!(
        names.contains(&"(gelöscht)") && names.contains(&"Olga Ott"),
        "{names:?}"
    );
    let slot = list
        .iter()
        .find(|a| a.customer.name == "(gelöscht)")
        .unwrap();
    assert_eq!(
        (slot.status.as_str(), slot.start.as_str()),
        ("booked", "2026-12-01T10:00:00+01:00")
    );
    assert!(slot.customer.phone.is_none() && slot.customer.email.is_none());
    let history = t
        .app
        .appointment_history(COMPANY, &slot.id)
        .await
        .expect("history");
    assert!(!history.is_empty());
    let trail = serde_json::to_string(&history).unwrap();
    assert!(
        !trail.contains("Eva Schmidt")
            && !trail.contains(CALLER)
            && !trail.contains("eva@example.org"),
        "{trail}"
    );
    if let Some(id) = appointment_id {
        assert_eq!(id, slot.id);
    }
    let outbox = askpro_store::emails::recent(&t.app.db, None, 20)
        .await
        .unwrap();
    assert!(
        outbox
            .iter()
            .all(|m| m.to_address != "eva@example.org" && !m.body_text.contains("Eva Schmidt"))
    );
    let messages = t.app.messages(COMPANY, None).await.unwrap();
    assert!(
        messages
            .iter()
            .all(|m| m["name"] == "(gelöscht)" && m["phone"].is_null()),
        "{messages:?}"
    );
}

async fn transcripts_and_calls_go_when_their_retention_ends(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let day = 86_400_000;
    deliver(
        &t,
        "call_ended",
        &ended("call-old", OTHER, now_call_ms() - 100 * day),
    )
    .await;
    deliver(
        &t,
        "call_ended",
        &ended("call-recent", OTHER, now_call_ms() - 10 * day),
    )
    .await;

    let report = t.app.purge_retention().await.expect("purge");
    assert_eq!((report.transcripts_removed, report.calls_deleted), (1, 0));
    let old = t
        .app
        .call(COMPANY, "call-old")
        .await
        .expect("old call kept");
    assert!(
        old["transcript"].is_null() && !old.to_string().contains("Eva Schmidt"),
        "{old}"
    );
    let recent = t
        .app
        .call(COMPANY, "call-recent")
        .await
        .expect("recent call");
    assert!(
        recent["transcript"]
            .as_str()
            .unwrap()
            .contains("Eva Schmidt")
    );
    // A second round finds nothing more to do.
    assert_eq!(
        t.app.purge_retention().await.unwrap().transcripts_removed,
        0
    );

    t.app
        .set_setting(
            "privacy.call_retention_days=30",
            Some(COMPANY),
            &Actor::cli(None),
        )
        .await
        .unwrap();
    let report = t.app.purge_retention().await.expect("purge");
    assert_eq!(report.calls_deleted, 1);
    assert!(t.app.call(COMPANY, "call-old").await.is_err());
    assert!(t.app.call(COMPANY, "call-recent").await.is_ok());
}

async fn operators_and_companies_ask_over_the_api_within_their_reach(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    apply(&t.app, &fixture("other-company.toml")).await;
    let (status, _) = t
        .post("/appointments", json!({ "branch": "mitte", "service": "damenhaarschnitt", "staff": "anna",
            "start": "2026-12-01T14:00:00+01:00", "customer": { "name": "Olga Ott", "phone": OTHER } }))
        .await;
    assert_eq!(status, 201);
    let export = |token: &str, query: &str| {
        t.client
            .get(t.url(&format!("/api/v1/privacy/export?{query}")))
            .bearer_auth(token.to_owned())
    };
    let phone = "phone=%2B4917699990000";
    let (status, body) = t.send(export(OPERATOR_TOKEN, phone)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["companies"][0]["appointments"][0]["customer_name"],
        "Olga Ott"
    );
    // A company token reaches only its own company, and says nothing of others.
    let other = t
        .app
        .create_company_token("praxis-berg", "test")
        .await
        .expect("token");
    let (status, body) = t.send(export(&other, phone)).await;
    assert_eq!((status, body["companies"].clone()), (200, json!([])));
    let (status, _) = t
        .send(export(&other, &format!("{phone}&company={COMPANY}")))
        .await;
    assert_eq!(status, 404);
    let (status, body) = t.send(export(OPERATOR_TOKEN, "phone=0176")).await;
    assert_eq!(status, 422, "{body}");

    let erase = |body: Value| {
        t.client
            .post(t.url("/api/v1/privacy/erase"))
            .bearer_auth(OPERATOR_TOKEN)
            .json(&body)
    };
    let (status, body) = t.send(erase(json!({ "phone": OTHER }))).await;
    assert_eq!(status, 422);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be undone")
    );
    let (status, body) = t
        .send(erase(json!({ "phone": OTHER, "confirm": true })))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["companies"][0]["erased"]["appointments"], 1);
}

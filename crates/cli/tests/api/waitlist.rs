//! The waiting list end to end: joining (API and phone), a cancellation that becomes a
//! held slot, the SMS through a local Twilio, the answer "JA" through Twilio's signed
//! inbound webhook, a hold that runs out and passes to the next customer, and the
//! database keeping a hold and a concurrent booking apart.

use crate::common::{Backend, OPERATOR_TOKEN, TestApp};
use crate::retell::{CALLER, MITTE, call, function, now_call_ms};
use crate::sms::{FakeTwilio, start_fake};
use askpro_app::Actor;
use askpro_connectors::twilio::webhook_signature;
use askpro_store::{audit, sms};
use jiff::SignedDuration;
use serde_json::{Value, json};
use std::time::Duration;

crate::on_both_databases!(
    a_freed_slot_is_held_passed_on_and_taken_by_sms,
    a_hold_and_concurrent_bookings_never_overlap,
    the_agent_offers_the_waiting_list_and_then_the_held_slot,
    bad_waiting_list_requests_are_refused_with_reasons,
    the_agent_asks_for_what_join_waitlist_lacks,
);

const COMPANY: &str = "salon-sonnenschein";
const ANNA_FIRST: &str = "2026-12-01T09:00:00+01:00";
const A_PHONE: &str = "+4915100000001";
const B_PHONE: &str = "+4915100000002";

/// Anna on Tuesday 9:00–9:30: with her 9:00 booked (Damenhaarschnitt blocks an hour),
/// nothing in it is free.
fn wait_for_anna(name: &str, phone: &str) -> Value {
    json!({
        "service": "damenhaarschnitt", "branch": "mitte", "staff": "anna",
        "from": ANNA_FIRST, "until": "2026-12-01T09:30:00+01:00",
        "customer": { "name": name, "phone": phone }
    })
}

async fn spawn(backend: Backend) -> Option<(TestApp, FakeTwilio)> {
    let (base, fake) = start_fake().await;
    let t = TestApp::spawn_with_sms(backend, &base).await?;
    t.app
        .set_setting(
            "notifications.sms.enabled=true",
            Some(COMPANY),
            &Actor::cli(None),
        )
        .await
        .unwrap();
    Some((t, fake))
}

async fn entries(t: &TestApp, status: &str) -> Vec<Value> {
    let (code, body) = t.get(&format!("/waitlist?status={status}")).await;
    assert_eq!(code, 200, "{body}");
    body["entries"].as_array().unwrap().clone()
}

/// Posts a text from `from` as Twilio does: form fields, signed over the URL.
async fn text_from(t: &TestApp, from: &str, body: &str, sid: &str, token: &str) -> (u16, String) {
    let fields = vec![
        ("AccountSid".to_owned(), "AC123".to_owned()),
        ("Body".to_owned(), body.to_owned()),
        ("From".to_owned(), from.to_owned()),
        ("MessageSid".to_owned(), sid.to_owned()),
        ("NumMedia".to_owned(), "0".to_owned()),
        ("To".to_owned(), "+4930111".to_owned()),
    ];
    let url = t.url("/webhooks/twilio/sms");
    let signature = webhook_signature(token, &url, &fields);
    let response = t
        .client
        .post(&url)
        .header("x-twilio-signature", signature)
        .form(&fields)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn texts_sent(t: &TestApp, count: usize) -> Vec<sms::Sms> {
    crate::common::work_texts(&t.app, count).await
}

async fn a_freed_slot_is_held_passed_on_and_taken_by_sms(backend: Backend) {
    let Some((t, fake)) = spawn(backend).await else {
        return;
    };
    let (code, eva) = t.book("anna", ANNA_FIRST).await;
    assert_eq!(code, 201, "{eva}");
    let (code, a) = t
        .post("/waitlist", wait_for_anna("Alma Adler", A_PHONE))
        .await;
    assert_eq!(code, 201, "{a}");
    assert_eq!(a["status"], "waiting");
    let (code, b) = t
        .post("/waitlist", wait_for_anna("Bert Brandt", B_PHONE))
        .await;
    assert_eq!(code, 201, "{b}");
    // Joining again is the same entry.
    let (code, again) = t
        .post("/waitlist", wait_for_anna("Alma Adler", A_PHONE))
        .await;
    assert_eq!((code, &again["id"]), (200, &a["id"]));
    // Nothing is free yet: the sweep holds nothing.
    t.app.sweep_waitlists().await.unwrap();
    assert_eq!(entries(&t, "waiting").await.len(), 2);

    // Eva cancels: the first waiting customer gets the slot held, the second waits on.
    let id = eva["id"].as_str().unwrap();
    let (code, _) = t
        .post(&format!("/appointments/{id}/cancel"), json!({}))
        .await;
    assert_eq!(code, 200);
    t.app.sweep_waitlists().await.unwrap();
    let held = entries(&t, "held").await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["id"], a["id"]);
    assert_eq!(held[0]["held_until"], "2026-11-30T08:30:00+01:00");
    assert_eq!(entries(&t, "waiting").await[0]["id"], b["id"]);
    let slot_id = held[0]["held_appointment_id"].as_str().unwrap().to_owned();
    let (_, slot) = t.get(&format!("/appointments/{slot_id}")).await;
    assert_eq!(
        (
            slot["status"].as_str(),
            slot["start"].as_str(),
            slot["customer"]["name"].as_str()
        ),
        (
            Some("held"),
            Some("2026-12-01T09:00:00+01:00"),
            Some("Alma Adler")
        )
    );
    // A held slot is let go through the waiting list, not cancelled like a booking.
    let (code, refused) = t
        .post(&format!("/appointments/{slot_id}/cancel"), json!({}))
        .await;
    assert_eq!(code, 409, "{refused}");
    assert!(
        refused.to_string().contains("waiting-list entry"),
        "{refused}"
    );
    let (_, listed) = t
        .get("/appointments?from=2026-12-01&to=2026-12-01&status=held")
        .await;
    assert_eq!(
        listed["appointments"][0]["id"],
        slot_id.as_str(),
        "{listed}"
    );
    // Held is taken: nobody else books it, and it is not offered.
    let (code, refused) = t.book("anna", ANNA_FIRST).await;
    assert_eq!(code, 409, "{refused}");
    let (_, free) = t
        .get(
            "/availability?service=damenhaarschnitt&branch=mitte&staff=anna&from=2026-12-01&days=1",
        )
        .await;
    assert!(
        !free.to_string().contains("2026-12-01T09:00:00+01:00"),
        "{free}"
    );

    // Alma is told by SMS.
    let sent = texts_sent(&t, 1).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to_number, A_PHONE);
    assert_eq!(
        sent[0].body,
        "Guten Tag Alma Adler, bei Salon Sonnenschein ist ein Termin frei geworden: Damenhaarschnitt am Dienstag, 1. Dezember 2026, um 9 Uhr bei Anna Müller. Wir halten ihn bis 8:30 Uhr für Sie. Antworten Sie mit JA, um ihn zu buchen, oder mit NEIN, wenn Sie ihn nicht brauchen. Sie können uns auch anrufen."
    );

    // She does not answer in time: the hold passes, in place, to Bert.
    t.app.clock.advance(SignedDuration::from_mins(31));
    t.app.sweep_waitlists().await.unwrap();
    assert_eq!(entries(&t, "expired").await[0]["id"], a["id"]);
    let held = entries(&t, "held").await;
    assert_eq!(held[0]["id"], b["id"]);
    assert_eq!(
        held[0]["held_appointment_id"],
        slot_id.as_str(),
        "the same slot, never free in between"
    );
    let sent = texts_sent(&t, 2).await;
    assert_eq!(sent[1].to_number, B_PHONE);
    assert!(sent[1].body.contains("bis 9:01 Uhr"), "{}", sent[1].body);

    // A forged answer changes nothing.
    let (code, _) = text_from(&t, B_PHONE, "JA", "SM-forged", "wrong-token").await;
    assert_eq!(code, 401);
    assert_eq!(entries(&t, "held").await.len(), 1);
    // Alma answers late: told so, nothing booked for her.
    let (code, late) = text_from(&t, A_PHONE, "Ja", "SM-alma", "secret").await;
    assert_eq!(code, 200);
    assert!(
        late.contains("<Response><Message>Für Ihre Nummer ist gerade kein Termin reserviert"),
        "{late}"
    );
    // Bert says yes while someone books the same slot by API: Bert wins.
    let (reply, booking) = tokio::join!(
        text_from(&t, B_PHONE, "JA bitte", "SM-bert", "secret"),
        t.book("anna", ANNA_FIRST)
    );
    assert_eq!(reply.0, 200, "{}", reply.1);
    assert!(reply.1.contains("Danke! Ihr Termin ist gebucht: Damenhaarschnitt am Dienstag, 1. Dezember 2026, um 9 Uhr bei Anna Müller."), "{}", reply.1);
    assert_eq!(booking.0, 409, "{}", booking.1);
    let (_, slot) = t.get(&format!("/appointments/{slot_id}")).await;
    assert_eq!(
        (slot["status"].as_str(), slot["customer"]["phone"].as_str()),
        (Some("booked"), Some(B_PHONE))
    );
    assert_eq!(entries(&t, "booked").await[0]["id"], b["id"]);
    assert!(entries(&t, "active").await.is_empty());
    // Bert gets the usual confirmation text; Alma got nothing more.
    let sent = texts_sent(&t, 3).await;
    let confirmation = sent
        .iter()
        .find(|s| s.kind == "sms.appointment_booked")
        .expect("a confirmation");
    assert_eq!(confirmation.to_number, B_PHONE);
    assert!(
        confirmation.body.contains("ist bestätigt"),
        "{}",
        confirmation.body
    );
    assert_eq!(fake.received.lock().unwrap().len(), 3);

    // Every step is in the audit log.
    let history = audit::history(&t.app.db, "waitlist_entry", a["id"].as_str().unwrap())
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["join", "hold", "hold_expired"]);
    let history = audit::history(&t.app.db, "waitlist_entry", b["id"].as_str().unwrap())
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = history
        .iter()
        .map(|h| (h.action.as_str(), h.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("join", "api"), ("hold", "system"), ("take", "sms")]
    );
}

async fn a_hold_and_concurrent_bookings_never_overlap(backend: Backend) {
    let Some((t, _fake)) = spawn(backend).await else {
        return;
    };
    let (_, eva) = t.book("anna", ANNA_FIRST).await;
    let (_, a) = t
        .post("/waitlist", wait_for_anna("Alma Adler", A_PHONE))
        .await;
    let id = eva["id"].as_str().unwrap();
    // The cancellation, the sweep and eight callers wanting the freed slot, all at once.
    let cancel = format!("/appointments/{id}/cancel");
    let (cancelled, swept, booked) = tokio::join!(
        t.post(&cancel, json!({})),
        async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            t.app.sweep_waitlists().await
        },
        book_many(&t, 8)
    );
    assert_eq!(cancelled.0, 200);
    swept.unwrap();
    t.app.sweep_waitlists().await.unwrap();
    let winners = booked.iter().filter(|code| **code == 201).count();
    let held = entries(&t, "held").await;
    assert!(
        booked.iter().all(|code| *code == 201 || *code == 409),
        "{booked:?}"
    );
    // Exactly one has the slot: a caller's booking or Alma's hold.
    assert_eq!(winners + held.len(), 1, "winners {winners}, held {held:?}");
    assert_eq!(taken_at_nine(&t).await, 1);
    if held.is_empty() {
        assert_eq!(
            entries(&t, "waiting").await[0]["id"],
            a["id"],
            "Alma waits on"
        );
    }
    // When a hold runs out with nobody left waiting, the slot is free for everyone again;
    // of eight callers at once, one gets it.
    if !held.is_empty() {
        t.app.clock.advance(SignedDuration::from_mins(31));
        let (swept, late) = tokio::join!(t.app.sweep_waitlists(), book_many(&t, 8));
        swept.unwrap();
        assert!(late.iter().filter(|c| **c == 201).count() <= 1, "{late:?}");
        let again = book_many(&t, 4).await;
        let total = late
            .iter()
            .chain(again.iter())
            .filter(|c| **c == 201)
            .count();
        assert_eq!(total, 1, "{late:?} {again:?}");
        assert_eq!(entries(&t, "expired").await.len(), 1);
    }
    assert_eq!(taken_at_nine(&t).await, 1, "never two on one slot");
}

/// `n` bookings of Anna's Tuesday 9:00 at once; their status codes.
async fn book_many(t: &TestApp, n: usize) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (client, url) = (t.client.clone(), t.company_url("/appointments"));
        set.spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(OPERATOR_TOKEN)
                .json(&crate::common::booking("anna", ANNA_FIRST))
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        });
    }
    set.join_all().await
}

/// Booked or held appointments of Anna's starting Tuesday 9:00.
async fn taken_at_nine(t: &TestApp) -> usize {
    let all = t
        .get("/appointments?from=2026-12-01T00:00:00%2B01:00&to=2026-12-02T00:00:00%2B01:00")
        .await
        .1;
    let mut count = all["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["start"] == ANNA_FIRST && a["status"] == "booked")
        .count();
    count += entries(t, "held").await.len();
    count
}

async fn the_agent_offers_the_waiting_list_and_then_the_held_slot(backend: Backend) {
    let Some((t, _fake)) = spawn(backend).await else {
        return;
    };
    let (_, eva) = t.book("anna", ANNA_FIRST).await;
    let c = call("c-wait", MITTE, now_call_ms());
    // Something is free next week: offered instead of the list.
    let args = json!({ "service": "Damenhaarschnitt", "when": "nächste Woche vormittags", "name": "Carla Conrad" });
    let offered = function(&t, "join_waitlist", args, &c).await;
    assert_eq!(offered["ok"], false, "{offered}");
    assert!(
        offered["result"]
            .as_str()
            .unwrap()
            .starts_with("Da ist sogar noch etwas frei: am Montag, den 7. Dezember um 9 Uhr."),
        "{offered}"
    );
    // Anna's Tuesday morning is fully booked: the caller joins the list.
    for at in ["10:00", "11:00"] {
        let (code, body) = t.book("anna", &format!("2026-12-01T{at}:00+01:00")).await;
        assert_eq!(code, 201, "{body}");
    }
    let args = json!({ "service": "Damenhaarschnitt", "staff": "Anna", "when": "Dienstag vormittags", "name": "Carla Conrad" });
    let joined = function(&t, "join_waitlist", args.clone(), &c).await;
    assert_eq!(joined["ok"], true, "{joined}");
    assert_eq!(
        joined["result"],
        "Ich habe Sie für Damenhaarschnitt Dienstag vormittags auf die Warteliste gesetzt. Sobald etwas frei wird, halten wir Ihnen den Termin 30 Minuten lang frei und schicken Ihnen eine SMS – mit JA ist er gebucht."
    );
    let entry = &joined["waitlist_entry"];
    assert_eq!(
        (
            entry["customer"]["phone"].as_str(),
            entry["daily_from"].as_str(),
            entry["daily_until"].as_str()
        ),
        (Some(CALLER), Some("08:00"), Some("12:00"))
    );
    // Retell delivers it again: the same answer, one entry.
    let twice = function(&t, "join_waitlist", args, &c).await;
    assert_eq!(twice, joined);
    assert_eq!(entries(&t, "active").await.len(), 1);

    // Eva cancels; Carla's slot is held. She calls back: the agent finds it first and books it.
    let id = eva["id"].as_str().unwrap();
    t.post(&format!("/appointments/{id}/cancel"), json!({}))
        .await;
    t.app.sweep_waitlists().await.unwrap();
    let back = call("c-back", MITTE, now_call_ms() + 60_000);
    let found = function(&t, "find_appointments", json!({}), &back).await;
    assert_eq!(found["ok"], true, "{found}");
    assert!(
        found["result"].as_str().unwrap().starts_with(
            "Von der Warteliste ist für Sie ein frei gewordener Termin reserviert: Damenhaarschnitt morgen um 9 Uhr bei Anna Müller – noch bis 8:30 Uhr. Möchten Sie ihn buchen?"
        ),
        "{found}"
    );
    assert_eq!(found["held"][0]["status"], "held");
    let booked = function(
        &t,
        "book_appointment",
        json!({ "service": "Damenhaarschnitt", "start": ANNA_FIRST, "customer_name": "Carla Conrad" }),
        &back,
    )
    .await;
    assert_eq!(booked["ok"], true, "{booked}");
    assert_eq!(
        booked["appointment"]["id"], found["held"][0]["id"],
        "the held slot itself"
    );
    assert_eq!(booked["appointment"]["status"], "booked");
    assert_eq!(entries(&t, "booked").await.len(), 1);
}

async fn bad_waiting_list_requests_are_refused_with_reasons(backend: Backend) {
    let Some((t, _fake)) = spawn(backend).await else {
        return;
    };
    let cases = [
        (
            json!({ "service": "damenhaarschnitt", "branch": "mitte", "when": "Blumenkohl", "customer": { "name": "X", "phone": A_PHONE } }),
            "`when`",
        ),
        (
            json!({ "service": "damenhaarschnitt", "branch": "mitte", "from": "2026-11-01T09:00:00+01:00", "until": "2026-11-02T09:00:00+01:00", "customer": { "name": "X", "phone": A_PHONE } }),
            "over",
        ),
        (
            json!({ "service": "damenhaarschnitt", "branch": "mitte", "when": "nächste Woche", "customer": { "name": "X" } }),
            "customer.phone",
        ),
        (
            json!({ "service": "massage", "branch": "mitte", "when": "nächste Woche", "customer": { "name": "X", "phone": A_PHONE } }),
            "massage",
        ),
        (
            json!({ "service": "damenhaarschnitt", "branch": "mitte", "when": "nächste Woche", "daily_from": "12:00", "daily_until": "08:00", "customer": { "name": "X", "phone": A_PHONE } }),
            "daily_from",
        ),
        (
            json!({ "service": "damenhaarschnitt", "branch": "mitte", "customer": { "name": "X", "phone": A_PHONE } }),
            "`when`",
        ),
    ];
    for (body, names) in cases {
        let (code, answer) = t.post("/waitlist", body.clone()).await;
        assert!(code == 422 || code == 404, "{body} → {code} {answer}");
        assert!(answer.to_string().contains(names), "{body} → {answer}");
    }
    assert!(entries(&t, "all").await.is_empty(), "nothing half written");
    let (code, answer) = t.get("/waitlist?status=soon").await;
    assert_eq!(code, 422, "{answer}");
    let missing = t
        .send(
            t.client
                .delete(t.company_url("/waitlist/nope"))
                .bearer_auth(OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(missing.0, 404, "{:?}", missing.1);
    // Twilio's webhook: not form data, or no From.
    let url = t.url("/webhooks/twilio/sms");
    let response = t
        .client
        .post(&url)
        .body("{\"json\":true}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let fields = vec![
        ("Body".to_owned(), "JA".to_owned()),
        ("MessageSid".to_owned(), "SM1".to_owned()),
    ];
    let signature = webhook_signature("secret", &url, &fields);
    let response = t
        .client
        .post(&url)
        .header("x-twilio-signature", signature)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().await.unwrap().contains("`From`"));
}

async fn the_agent_asks_for_what_join_waitlist_lacks(backend: Backend) {
    let Some((t, _fake)) = spawn(backend).await else {
        return;
    };
    let c = call("c-wait-bad", MITTE, now_call_ms());
    let cases = [
        (
            json!({ "when": "nächste Woche", "name": "Carla Conrad" }),
            "Welche Leistung möchten Sie buchen?",
        ),
        (
            json!({ "service": "Damenhaarschnitt", "name": "Carla Conrad" }),
            "Für wann suchen Sie den Termin",
        ),
        (
            json!({ "service": "Damenhaarschnitt", "when": "Blumenkohl", "name": "Carla Conrad" }),
            "Den Zeitraum habe ich leider nicht verstanden.",
        ),
        (
            json!({ "service": "Damenhaarschnitt", "when": "letzte Woche", "name": "Carla Conrad" }),
            "Den Zeitraum habe ich leider nicht verstanden.",
        ),
        (
            json!({ "service": "Damenhaarschnitt", "when": "nächste Woche" }),
            "Auf welchen Namen darf ich Sie auf die Warteliste setzen?",
        ),
        (
            json!({ "service": "Damenhaarschnitt", "staff": "Niemand Bekanntes", "when": "nächste Woche", "name": "Carla Conrad" }),
            "",
        ),
    ];
    for (args, question) in cases {
        let answer = function(&t, "join_waitlist", args.clone(), &c).await;
        assert_eq!(answer["ok"], false, "{args} → {answer}");
        assert!(
            answer["result"].as_str().unwrap().starts_with(question),
            "{args} → {answer}"
        );
    }
    // Without the caller's number, the agent asks for one to text.
    let mut hidden = call("c-wait-hidden", MITTE, now_call_ms());
    hidden["from_number"] = json!("anonymous");
    let asked = function(
        &t,
        "join_waitlist",
        json!({ "service": "Damenhaarschnitt", "when": "nächste Woche", "name": "Carla Conrad" }),
        &hidden,
    )
    .await;
    assert!(
        asked["result"]
            .as_str()
            .unwrap()
            .starts_with("Unter welcher Handynummer"),
        "{asked}"
    );
    assert!(entries(&t, "all").await.is_empty(), "nothing stored");
}

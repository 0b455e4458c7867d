//! The voice agent's backend end to end: signed webhooks and function calls as Retell
//! sends them (payloads from `shared/reference/retell-api.md`), against the real server.

use crate::common::now_ms;
use crate::common::{Backend, NOW, RETELL_KEY, TestApp, apply, fixture};
use askpro_app::Actor;
use askpro_app::voice::signature;
use askpro_store::calls;
use serde_json::{Value, json};
use std::time::Duration;

crate::on_both_databases!(
    unsigned_wrong_and_stale_deliveries_are_refused_and_nothing_is_stored,
    a_delivery_retried_three_times_is_stored_once,
    analysis_before_the_end_makes_one_complete_call,
    a_booking_retried_three_times_books_once,
    spoken_times_land_on_the_right_local_time_across_the_clock_change,
    callers_find_cancel_and_move_their_appointments_by_phone,
    cancellation_switched_off_is_answered_politely,
    free_times_for_a_part_of_a_day_are_spread_over_it,
    a_call_to_an_unknown_number_is_refused_by_name,
    a_company_key_signs_its_calls_and_is_never_shown,
    only_the_latest_transcript_update_is_kept,
    odd_arguments_get_answers_never_server_errors,
    a_company_key_does_not_speak_for_another_company,
    concurrent_deliveries_of_a_move_act_once,
    opening_hours_name_holidays_closed_days_and_right_now,
    a_message_for_the_team_is_stored_once_mailed_and_marked_done,
    a_transfer_is_offered_only_while_open_and_with_a_number,
);

pub(crate) const MITTE: &str = "+493012345678";
pub(crate) const CALLER: &str = "+4915112345678";

pub(crate) fn now_call_ms() -> i64 {
    NOW.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// The call object as Retell sends it with function calls and webhooks.
pub(crate) fn call(call_id: &str, to: &str, start_ms: i64) -> Value {
    json!({
        "call_type": "phone_call", "call_id": call_id, "agent_id": "agent_unknown",
        "agent_version": 1, "call_status": "ongoing", "direction": "inbound",
        "from_number": CALLER, "to_number": to, "start_timestamp": start_ms,
        "transcript": "Agent: Salon Sonnenschein, guten Tag.\nUser: Ich hätte gern einen Termin.\n"
    })
}

/// POSTs `body` signed with `key` at `at_ms`; returns status and body text.
pub(crate) async fn post_signed(
    t: &TestApp,
    path: &str,
    body: &str,
    key: &str,
    at_ms: i64,
) -> (u16, String) {
    let response = t
        .client
        .post(t.url(path))
        .header("content-type", "application/json")
        .header(
            "x-retell-signature",
            signature::sign(key, body.as_bytes(), at_ms),
        )
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn deliver(t: &TestApp, event: &Value) -> u16 {
    post_signed(
        t,
        "/webhooks/retell",
        &event.to_string(),
        RETELL_KEY,
        now_ms(),
    )
    .await
    .0
}

/// Calls function `name` as Retell does; returns the answer.
pub(crate) async fn function(t: &TestApp, name: &str, args: Value, call: &Value) -> Value {
    let body = json!({ "name": name, "args": args, "call": call }).to_string();
    let (status, text) = post_signed(
        t,
        &format!("/retell/functions/{name}"),
        &body,
        RETELL_KEY,
        now_ms(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Waits until the background merge has nothing left to do.
pub(crate) async fn merged(t: &TestApp) {
    for _ in 0..200 {
        if calls::pending_events(&t.app.db, 1)
            .await
            .unwrap()
            .is_empty()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("events were not merged");
}

async fn unsigned_wrong_and_stale_deliveries_are_refused_and_nothing_is_stored(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let event =
        json!({ "event": "call_started", "call": call("c-sig", MITTE, now_call_ms()) }).to_string();
    let unsigned = t
        .client
        .post(t.url("/webhooks/retell"))
        .body(event.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    assert!(
        unsigned
            .text()
            .await
            .unwrap()
            .contains("x-retell-signature header is missing")
    );
    let (status, text) = post_signed(
        &t,
        "/webhooks/retell",
        &event,
        "someone-elses-key",
        now_ms(),
    )
    .await;
    assert_eq!(
        (status, text.contains("does not match")),
        (401, true),
        "{text}"
    );
    let stale = now_ms() - 6 * 60_000;
    let (status, text) = post_signed(&t, "/webhooks/retell", &event, RETELL_KEY, stale).await;
    assert_eq!(
        (status, text.contains("five minutes")),
        (401, true),
        "{text}"
    );
    // A function call is checked the same way, before anything happens.
    let body = json!({ "name": "book_appointment", "args": {}, "call": call("c-sig", MITTE, now_call_ms()) }).to_string();
    let (status, _) = post_signed(&t, "/retell/functions", &body, "wrong", now_ms()).await;
    assert_eq!(status, 401);
    assert!(
        calls::pending_events(&t.app.db, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        calls::webhook_timings(&t.app.db, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        calls::function_timings(&t.app.db, 0)
            .await
            .unwrap()
            .is_empty()
    );
    // Signed correctly, the same body is taken.
    assert_eq!(
        deliver(&t, &serde_json::from_str(&event).unwrap()).await,
        204
    );
}

async fn a_delivery_retried_three_times_is_stored_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let mut ended = call("c-dup", MITTE, now_call_ms());
    ended["call_status"] = json!("ended");
    ended["end_timestamp"] = json!(now_call_ms() + 95_000);
    ended["disconnection_reason"] = json!("user_hangup");
    let event = json!({ "event": "call_ended", "call": ended });
    for _ in 0..3 {
        assert_eq!(deliver(&t, &event).await, 204);
    }
    merged(&t).await;
    let duplicates = calls::duplicate_events(&t.app.db, 0).await.unwrap();
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].duplicates, 2);
    let (status, list) = t.get("/calls").await;
    assert_eq!(status, 200);
    let all = list["calls"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{list}");
    assert_eq!(all[0]["duration_ms"], 95_000);
    assert_eq!(all[0]["start"], "2026-11-30T08:00:00+01:00");
    assert_eq!(all[0]["branch"], "mitte");
}

async fn analysis_before_the_end_makes_one_complete_call(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let start = now_call_ms();
    let mut analyzed = call("c-order", MITTE, start);
    analyzed["call_status"] = json!("ended");
    analyzed["call_analysis"] = json!({ "call_summary": "Termin gebucht.", "user_sentiment": "Positive", "call_successful": true });
    let mut ended = call("c-order", MITTE, start);
    ended["call_status"] = json!("ended");
    ended["end_timestamp"] = json!(start + 60_000);
    ended["disconnection_reason"] = json!("agent_hangup");
    ended["transcript_with_tool_calls"] = json!([{ "role": "tool_call_invocation", "tool_call_id": "t1", "name": "book_appointment", "arguments": "{}" }]);
    // No call_started at all, and the analysis first.
    assert_eq!(
        deliver(&t, &json!({ "event": "call_analyzed", "call": analyzed })).await,
        204
    );
    merged(&t).await;
    assert_eq!(
        deliver(&t, &json!({ "event": "call_ended", "call": ended })).await,
        204
    );
    merged(&t).await;
    let (status, one) = t.get("/calls/c-order").await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["status"], "ended");
    assert_eq!(one["last_event"], "call_analyzed");
    assert_eq!(one["disconnection_reason"], "agent_hangup");
    assert_eq!(one["call_successful"], true);
    assert_eq!(one["summary"], "Termin gebucht.");
    assert_eq!(one["duration_ms"], 60_000);
    assert!(
        one["transcript"]
            .as_str()
            .unwrap()
            .contains("Ich hätte gern einen Termin")
    );
    assert_eq!(
        one["transcript_with_tool_calls"][0]["name"],
        "book_appointment"
    );
    let (status, _) = t.get("/calls/unknown").await;
    assert_eq!(status, 404);
}

fn booking_args(start: &str) -> Value {
    json!({ "service": "Damenschnitt", "start": start, "staff": "Anna",
            "customer_name": "Eva Schmidt", "customer_email": "eva@example.org" })
}

async fn a_booking_retried_three_times_books_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = call("c-retry", MITTE, now_call_ms());
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(function(&t, "book_appointment", booking_args("morgen um 10 Uhr"), &c).await);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[1], answers[2]);
    let answer = &answers[0];
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(
        answer["result"],
        "Ich bestätige Ihren Termin morgen, Dienstag, den 1. Dezember, um 10 Uhr bei Anna Müller für Damenhaarschnitt am Standort Salon Sonnenschein Mitte. Sie erhalten gleich eine Bestätigung per E-Mail an eva@example.org."
    );
    assert_eq!(answer["appointment"]["start"], "2026-12-01T10:00:00+01:00");
    assert_eq!(answer["appointment"]["customer"]["phone"], CALLER);
    assert_eq!(answer["appointment"]["source"], "phone");
    assert_eq!(answer["appointment"]["source_ref"], "c-retry");
    let (_, list) = t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    assert_eq!(list["appointments"].as_array().unwrap().len(), 1, "{list}");
    // The same slot asked for in another call is taken: alternatives, nothing booked.
    let other = function(
        &t,
        "book_appointment",
        booking_args("2026-12-01T10:00:00+01:00"),
        &call("c-other", MITTE, now_call_ms()),
    )
    .await;
    assert_eq!(other["ok"], false, "{other}");
    let text = other["result"].as_str().unwrap();
    assert!(
        text.starts_with("Um 10 Uhr ist leider schon belegt. Ich kann Ihnen "),
        "{text}"
    );
    assert!(!other["slots"].as_array().unwrap().is_empty());
}

async fn spoken_times_land_on_the_right_local_time_across_the_clock_change(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    apply(&t.app, &fixture("dst-studio.toml")).await;
    let studio = "+493099999999";
    // Saturday 27 March 2027, 08:00 CET; the clocks go forward that night.
    let saturday: i64 = "2027-03-27T07:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    let c = call("c-dst", studio, saturday);
    let args = |start: &str| json!({ "service": "Beratung", "start": start, "customer_name": "Max Sommer" });
    let before = function(&t, "book_appointment", args("heute um 11 Uhr"), &c).await;
    assert_eq!(
        before["appointment"]["start"], "2027-03-27T11:00:00+01:00",
        "{before}"
    );
    let after = function(&t, "book_appointment", args("morgen um 10 Uhr"), &c).await;
    assert_eq!(
        after["appointment"]["start"], "2027-03-28T10:00:00+02:00",
        "{after}"
    );
    assert!(
        after["result"]
            .as_str()
            .unwrap()
            .contains("morgen, Sonntag, den 28. März, um 10 Uhr"),
        "{after}"
    );
    // Autumn: Saturday 30 October 2027, the clocks go back that night.
    let october: i64 = "2027-10-30T07:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond();
    let autumn = call("c-dst2", studio, october);
    let nine = function(
        &t,
        "book_appointment",
        args("morgen um Viertel nach neun"),
        &autumn,
    )
    .await;
    assert_eq!(
        nine["appointment"]["start"], "2027-10-31T09:15:00+01:00",
        "{nine}"
    );
    let eleven = function(&t, "book_appointment", args("Sonntag um 11"), &autumn).await;
    assert_eq!(
        eleven["appointment"]["start"], "2027-10-31T11:00:00+01:00",
        "{eleven}"
    );
}

async fn book_for_caller(t: &TestApp, call_id: &str, start: &str) -> Value {
    let answer = function(
        t,
        "book_appointment",
        booking_args(start),
        &call(call_id, MITTE, now_call_ms()),
    )
    .await;
    assert_eq!(answer["ok"], true, "{answer}");
    answer
}

async fn callers_find_cancel_and_move_their_appointments_by_phone(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    book_for_caller(&t, "c-a", "morgen um 10 Uhr").await;
    book_for_caller(&t, "c-b", "Freitag um 14 Uhr").await;
    let c = call("c-manage", MITTE, now_call_ms());
    let found = function(&t, "find_appointments", json!({}), &c).await;
    assert_eq!(
        found["appointments"].as_array().unwrap().len(),
        2,
        "{found}"
    );
    assert!(found["result"].as_str().unwrap().starts_with("Ich habe 2 Termine für Sie gefunden: morgen, Dienstag, den 1. Dezember, um 10 Uhr bei Anna Müller für Damenhaarschnitt und am Freitag, den 4. Dezember, um 14 Uhr"), "{found}");
    // Which one? Without a time the caller is asked.
    let unclear = function(&t, "cancel_appointment", json!({}), &c).await;
    assert_eq!(unclear["ok"], false);
    assert!(
        unclear["result"]
            .as_str()
            .unwrap()
            .ends_with("Um welchen geht es?")
    );
    let moved = function(
        &t,
        "reschedule_appointment",
        json!({ "when_old": "Freitag", "new_start": "Freitag um halb vier" }),
        &c,
    )
    .await;
    assert_eq!(moved["ok"], true, "{moved}");
    assert_eq!(moved["appointment"]["start"], "2026-12-04T15:30:00+01:00");
    assert!(
        moved["result"]
            .as_str()
            .unwrap()
            .contains("von 14 Uhr auf 15:30 Uhr verschoben"),
        "{moved}"
    );
    let cancelled = function(
        &t,
        "cancel_appointment",
        json!({ "when": "morgen", "reason": "krank" }),
        &c,
    )
    .await;
    assert_eq!(cancelled["ok"], true, "{cancelled}");
    assert_eq!(cancelled["appointment"]["status"], "cancelled");
    assert!(
        cancelled["result"]
            .as_str()
            .unwrap()
            .starts_with("Ich habe Ihren Termin morgen, Dienstag, den 1. Dezember, um 10 Uhr"),
        "{cancelled}"
    );
    // Delivered again, the cancellation answers the same and changes nothing more.
    let again = function(
        &t,
        "cancel_appointment",
        json!({ "when": "morgen", "reason": "krank" }),
        &c,
    )
    .await;
    assert_eq!(again, cancelled);
    let left = function(&t, "find_appointments", json!({}), &c).await;
    assert_eq!(left["appointments"].as_array().unwrap().len(), 1, "{left}");
}

async fn cancellation_switched_off_is_answered_politely(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    book_for_caller(&t, "c-x", "morgen um 10 Uhr").await;
    t.app
        .set_setting(
            "retell.enable_cancellation=false",
            Some("salon-sonnenschein"),
            &Actor::cli(None),
        )
        .await
        .unwrap();
    t.app.settings.invalidate();
    let c = call("c-off", MITTE, now_call_ms());
    let answer = function(&t, "cancel_appointment", json!({ "when": "morgen" }), &c).await;
    assert_eq!(answer["ok"], false);
    assert!(
        answer["result"]
            .as_str()
            .unwrap()
            .starts_with("Absagen oder verschieben kann ich Termine am Telefon leider nicht."),
        "{answer}"
    );
    let answer = function(
        &t,
        "reschedule_appointment",
        json!({ "when_old": "morgen", "new_start": "morgen um 11" }),
        &c,
    )
    .await;
    assert_eq!(answer["ok"], false);
    let (_, list) = t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    assert_eq!(list["appointments"][0]["status"], "booked");
    assert_eq!(
        list["appointments"][0]["start"],
        "2026-12-01T10:00:00+01:00"
    );
}

async fn free_times_for_a_part_of_a_day_are_spread_over_it(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = call("c-free", MITTE, now_call_ms());
    let answer = function(
        &t,
        "check_availability",
        json!({ "service": "Haare schneiden", "when": "morgen vormittags" }),
        &c,
    )
    .await;
    assert_eq!(answer["ok"], true, "{answer}");
    let slots = answer["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 3, "{answer}");
    let starts: Vec<&str> = slots.iter().map(|s| s["start"].as_str().unwrap()).collect();
    assert_eq!(starts[0], "2026-12-01T09:00:00+01:00");
    assert!(
        starts
            .iter()
            .all(|s| s.starts_with("2026-12-01T") && s[11..13].parse::<u32>().unwrap() < 12),
        "{starts:?}"
    );
    assert!(starts[2] > starts[1] && starts[1] > starts[0]);
    assert!(
        answer["result"]
            .as_str()
            .unwrap()
            .starts_with("Ich hätte morgen um 9 Uhr"),
        "{answer}"
    );
    let sunday = function(
        &t,
        "check_availability",
        json!({ "service": "Damenhaarschnitt", "when": "Sonntag um 10 Uhr" }),
        &c,
    )
    .await;
    let text = sunday["result"].as_str().unwrap();
    assert!(
        text.starts_with("Am Sonntag, den 6. Dezember, haben wir leider geschlossen. Ich hätte "),
        "{text}"
    );
    let vague = function(
        &t,
        "check_availability",
        json!({ "service": "Damenhaarschnitt", "when": "irgendwann mal" }),
        &c,
    )
    .await;
    assert_eq!(vague["ok"], false);
    assert!(
        vague["result"]
            .as_str()
            .unwrap()
            .contains("nicht verstanden")
    );
    let services = function(&t, "list_services", json!({}), &c).await;
    assert!(
        services["result"]
            .as_str()
            .unwrap()
            .starts_with("Wir bieten Damenhaarschnitt (45 Minuten)"),
        "{services}"
    );
}

async fn a_call_to_an_unknown_number_is_refused_by_name(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let body = json!({ "name": "list_services", "args": {}, "call": call("c-nobody", "+4900000000", now_call_ms()) }).to_string();
    let (status, text) = post_signed(&t, "/retell/functions", &body, RETELL_KEY, now_ms()).await;
    assert_eq!(status, 404);
    assert!(text.contains("unknown_tenant"), "{text}");
    // By agent id the company is found even without a known number.
    let mut by_agent = call("c-agent", "+4900000000", now_call_ms());
    by_agent["agent_id"] = json!("agent_5f2c");
    let answer = function(&t, "check_availability", json!({ "service": "Herrenhaarschnitt", "branch": "Schwabing", "when": "morgen um 10 Uhr" }), &by_agent).await;
    assert_eq!(answer["slots"][0]["branch"], "schwabing", "{answer}");
    let (status, text) = post_signed(
        &t,
        "/retell/functions/fax_senden",
        &json!({"args": {}, "call": by_agent}).to_string(),
        RETELL_KEY,
        now_ms(),
    )
    .await;
    assert_eq!(
        (status, text.contains("unknown_function")),
        (404, true),
        "{text}"
    );
}

async fn a_company_key_signs_its_calls_and_is_never_shown(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let body =
        json!({ "name": "list_services", "args": {}, "call": call("c-own", MITTE, now_call_ms()) })
            .to_string();
    let own_key = "salon-eigener-schluessel-42";
    let (status, _) = post_signed(
        &t,
        "/retell/functions/list_services",
        &body,
        own_key,
        now_ms(),
    )
    .await;
    assert_eq!(status, 401, "not yet known");
    let refused = t
        .app
        .set_setting(
            "retell.api_key=short",
            Some("salon-sonnenschein"),
            &Actor::cli(None),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("`***` is not valid for `retell.api_key`") && !refused.contains("short"),
        "{refused}"
    );
    let set = t
        .app
        .set_setting(
            &format!("retell.api_key={own_key}"),
            Some("salon-sonnenschein"),
            &Actor::cli(None),
        )
        .await
        .unwrap();
    assert_eq!(set.value.as_str(), "***");
    t.app.settings.invalidate();
    let (status, text) = post_signed(
        &t,
        "/retell/functions/list_services",
        &body,
        own_key,
        now_ms(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        t.app
            .retell_key_of("salon-sonnenschein")
            .await
            .unwrap()
            .as_deref(),
        Some(own_key)
    );
    let overview = serde_json::to_string(
        &t.app
            .settings_overview(Some("salon-sonnenschein"))
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(!overview.contains(own_key), "{overview}");
    let audit = askpro_store::audit::history(&t.app.db, "setting", "retell.api_key")
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(!format!("{audit:?}").contains(own_key));
}

async fn only_the_latest_transcript_update_is_kept(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let mut c = call("c-live", MITTE, now_call_ms());
    for turn in 1..=3 {
        c["transcript"] = json!(format!("Agent: Guten Tag.\nUser: Satz {turn}.\n"));
        let event = json!({ "event": "transcript_updated", "call": c });
        assert_eq!(deliver(&t, &event).await, 204);
        merged(&t).await;
    }
    let counts = calls::event_counts(&t.app.db, "c-live").await.unwrap();
    assert_eq!(counts, vec![("transcript_updated".to_owned(), 1)]);
    let (_, one) = t.get("/calls/c-live").await;
    assert_eq!(one["transcript"], "Agent: Guten Tag.\nUser: Satz 3.\n");
    assert_eq!(one["status"], "ongoing");
}

/// Arguments as a confused agent might send them: wrong types, empty, huge, odd text.
async fn odd_arguments_get_answers_never_server_errors(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // Long, but the whole body stays under the test server's 64 KiB limit.
    let huge = "Viertel ".repeat(500);
    let odd_values = [
        json!(null),
        json!(42),
        json!(""),
        json!("   "),
        json!(["Dienstag"]),
        json!({ "start": "morgen" }),
        json!("9999-12-31T23:59:59Z"),
        json!("-009999-01-01T00:00:00Z"),
        json!("morgen um 25 Uhr"),
        json!("🙂 Ü ß \u{0} Dienstag"),
        json!(huge),
    ];
    let keys = [
        "service",
        "when",
        "start",
        "new_start",
        "when_old",
        "staff",
        "branch",
        "customer_name",
        "customer_email",
        "customer_phone",
        "appointment_id",
        "reason",
    ];
    let c = call("c-odd", MITTE, now_call_ms());
    for name in askpro_app::voice::FUNCTIONS {
        for value in &odd_values {
            let mut args = serde_json::Map::new();
            for key in keys {
                args.insert(key.to_owned(), value.clone());
            }
            let body = json!({ "name": name, "args": args, "call": c }).to_string();
            let (status, text) = post_signed(
                &t,
                &format!("/retell/functions/{name}"),
                &body,
                RETELL_KEY,
                now_ms(),
            )
            .await;
            assert!(
                status == 200 || (400..500).contains(&status),
                "{name} {value}: {status} {text}"
            );
            if status == 200 {
                let answer: Value = serde_json::from_str(&text).unwrap();
                assert!(
                    answer["result"].as_str().is_some_and(|r| !r.is_empty()),
                    "{name} {value}: {text}"
                );
            }
        }
    }
    // Malformed bodies and calls, signed correctly.
    for body in [
        "{",
        "[]",
        "{\"name\": 5}",
        "{\"name\": \"list_services\", \"args\": 7, \"call\": {}}",
        "{\"name\": \"list_services\", \"args\": {}, \"call\": \"x\"}",
    ] {
        let (status, text) = post_signed(&t, "/retell/functions", body, RETELL_KEY, now_ms()).await;
        assert!((400..500).contains(&status), "{body}: {status} {text}");
    }
    for body in [
        "{",
        "{\"event\": \"call_ended\"}",
        "{\"event\": \"call_ended\", \"call\": {\"call_id\": 5}}",
        "[1,2]",
    ] {
        let (status, text) = post_signed(&t, "/webhooks/retell", body, RETELL_KEY, now_ms()).await;
        assert!((400..500).contains(&status), "{body}: {status} {text}");
    }
    assert!(
        calls::pending_events(&t.app.db, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_company_key_does_not_speak_for_another_company(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    apply(&t.app, &fixture("other-company.toml")).await;
    let praxis_key = "praxis-berg-schluessel-1";
    t.app
        .set_setting(
            &format!("retell.api_key={praxis_key}"),
            Some("praxis-berg"),
            &Actor::cli(None),
        )
        .await
        .unwrap();
    t.app.settings.invalidate();
    // Signed with the practice's key, a function call to the salon's number is refused.
    let body = json!({ "name": "find_appointments", "args": {}, "call": call("c-foreign", MITTE, now_call_ms()) }).to_string();
    let (status, text) = post_signed(
        &t,
        "/retell/functions/find_appointments",
        &body,
        praxis_key,
        now_ms(),
    )
    .await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("another company's Retell key"), "{text}");
    let event = json!({ "event": "call_started", "call": call("c-foreign", MITTE, now_call_ms()) })
        .to_string();
    let (status, _) = post_signed(&t, "/webhooks/retell", &event, praxis_key, now_ms()).await;
    assert_eq!(status, 401);
    assert!(
        calls::pending_events(&t.app.db, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // For its own number the practice's key is good.
    let own = json!({ "name": "list_services", "args": {}, "call": call("c-praxis", "+43151234567", now_call_ms()) }).to_string();
    let (status, text) = post_signed(
        &t,
        "/retell/functions/list_services",
        &own,
        praxis_key,
        now_ms(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
}

async fn concurrent_deliveries_of_a_move_act_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    book_for_caller(&t, "c-first", "morgen um 10 Uhr").await;
    let c = call("c-move", MITTE, now_call_ms());
    let args = json!({ "when_old": "morgen", "new_start": "morgen um 15 Uhr" });
    let deliveries = (0..3).map(|_| function(&t, "reschedule_appointment", args.clone(), &c));
    let answers = futures_join_all(deliveries).await;
    assert_eq!(answers[0]["ok"], true, "{answers:?}");
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    let (_, list) = t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    let id = list["appointments"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        list["appointments"][0]["start"],
        "2026-12-01T15:00:00+01:00"
    );
    let moves = askpro_store::audit::history(&t.app.db, "appointment", &id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "reschedule")
        .count();
    assert_eq!(moves, 1);
}

/// Runs the futures concurrently on this task and collects their outputs in order.
async fn futures_join_all<F: std::future::Future<Output = Value>>(
    futures: impl Iterator<Item = F>,
) -> Vec<Value> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut outputs = vec![Value::Null; set.len()];
    let mut pending: Vec<usize> = (0..set.len()).collect();
    std::future::poll_fn(|cx| {
        pending.retain(|&i| match set[i].as_mut().poll(cx) {
            std::task::Poll::Ready(v) => {
                outputs[i] = v;
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs
}

async fn opening_hours_name_holidays_closed_days_and_right_now(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // Monday 30 November 2026, 08:00 in Berlin: Mitte opens at nine.
    let c = call("c-hours", MITTE, now_call_ms());
    let week = function(&t, "get_opening_hours", json!({}), &c).await;
    assert_eq!(week["ok"], true, "{week}");
    assert_eq!(week["open_now"], false);
    let said = week["result"].as_str().unwrap();
    assert!(
        said.starts_with("Gerade haben wir geschlossen. Heute ab 9 Uhr sind wir wieder da. Unsere Öffnungszeiten: "),
        "{said}"
    );
    assert_eq!(week["days"].as_array().unwrap().len(), 7);
    assert_eq!(week["days"][6]["closed"], "no_hours", "Sunday: {week}");
    let easter = function(
        &t,
        "get_opening_hours",
        json!({ "when": "Ostermontag" }),
        &c,
    )
    .await;
    assert_eq!(
        easter["result"],
        "Am Montag, den 29. März, ist Ostermontag – da haben wir geschlossen. Am Dienstag sind wir ab 9 Uhr wieder da."
    );
    assert_eq!(easter["days"][0]["closed"], "Ostermontag");
    // Asked the same again (Retell retries): the same answer.
    let again = function(
        &t,
        "get_opening_hours",
        json!({ "when": "Ostermontag" }),
        &c,
    )
    .await;
    assert_eq!(again, easter);
    let blumenkohl = function(
        &t,
        "get_opening_hours",
        json!({ "when": "am Blumenkohl" }),
        &c,
    )
    .await;
    assert_eq!(blumenkohl["ok"], false);
    assert!(
        blumenkohl["result"]
            .as_str()
            .unwrap()
            .contains("nicht verstanden"),
        "{blumenkohl}"
    );
    // Called on the agent's number rather than a branch's: which branch?
    let mut general = c.clone();
    general["to_number"] = json!("+4930999999");
    general["agent_id"] = json!("agent_5f2c");
    let asked = function(&t, "get_opening_hours", json!({}), &general).await;
    assert_eq!(asked["ok"], false, "{asked}");
    assert!(
        asked["result"]
            .as_str()
            .unwrap()
            .starts_with("Für welchen Standort"),
        "{asked}"
    );
    let named = function(
        &t,
        "get_opening_hours",
        json!({ "branch": "Schwabing", "when": "Sonntag" }),
        &general,
    )
    .await;
    assert!(
        named["result"]
            .as_str()
            .unwrap()
            .starts_with("Am Sonntag, den 6. Dezember, haben wir geschlossen."),
        "{named}"
    );
}

async fn a_message_for_the_team_is_stored_once_mailed_and_marked_done(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = call("c-message", MITTE, now_call_ms());
    // Without a concern the agent asks for it; nothing is stored.
    let asked = function(&t, "take_message", json!({ "name": "Eva Schmidt" }), &c).await;
    assert_eq!(asked["ok"], false, "{asked}");
    assert!(
        asked["result"]
            .as_str()
            .unwrap()
            .starts_with("Worum geht es"),
        "{asked}"
    );
    let args = json!({ "name": "Eva Schmidt", "concern": "Frage zur Farbe vom letzten Mal",
                       "callback_when": "morgen ab 10 Uhr", "urgent": true });
    let first = function(&t, "take_message", args.clone(), &c).await;
    assert_eq!(first["ok"], true, "{first}");
    assert_eq!(
        first["result"],
        "Vielen Dank, ich habe Ihre Nachricht notiert und gebe sie an das Team weiter. Sie werden morgen ab 10 Uhr zurückgerufen. Ich habe es als dringend markiert."
    );
    assert_eq!(
        first["message"]["phone"], CALLER,
        "the caller's number by default"
    );
    // Retell delivers it again: the same answer, one message.
    let again = function(&t, "take_message", args, &c).await;
    assert_eq!(again, first);
    let (status, open) = t.get("/messages").await;
    assert_eq!(status, 200, "{open}");
    let list = open["messages"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{open}");
    assert_eq!(list[0]["callback_from"], "2026-12-01T09:00:00Z");
    assert_eq!(list[0]["urgent"], true);
    // The team gets a mail at once.
    let model = t.app.company("salon-sonnenschein").await.unwrap();
    let job = askpro_store::jobs::find_by_key(
        &t.app.db,
        &format!(
            "{}:{}",
            askpro_app::voice::TEAM_MESSAGE,
            list[0]["id"].as_str().unwrap()
        ),
    )
    .await
    .unwrap()
    .expect("a mail for the team");
    let payload: Value = serde_json::from_str(&job.payload).unwrap();
    assert_eq!(payload["to"], model.tenant().company.email);
    assert_eq!(payload["subject"], "DRINGEND: Rückrufbitte von Eva Schmidt");
    assert!(
        payload["text"]
            .as_str()
            .unwrap()
            .contains("Anliegen: Frage zur Farbe vom letzten Mal")
    );
    // The team marks it done; it leaves the open list.
    let id = list[0]["id"].as_str().unwrap();
    let (status, done) = t.post(&format!("/messages/{id}/done"), json!({})).await;
    assert_eq!(
        (status, done["status"].as_str()),
        (200, Some("done")),
        "{done}"
    );
    let (_, open) = t.get("/messages").await;
    assert!(open["messages"].as_array().unwrap().is_empty());
    let (_, all) = t.get("/messages?status=all").await;
    assert_eq!(all["messages"].as_array().unwrap().len(), 1);
    let (status, bad) = t.get("/messages?status=later").await;
    assert_eq!(status, 422, "{bad}");
    let (status, _) = t.post("/messages/no-such-id/done", json!({})).await;
    assert_eq!(status, 404);
}

async fn a_transfer_is_offered_only_while_open_and_with_a_number(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // Mitte opens at seven on Mondays here and can put callers through; Schwabing cannot.
    let tenant = crate::common::EXAMPLE
        .replacen(
            "phone = \"+493012345678\"",
            "phone = \"+493012345678\"\ntransfer_number = \"+493012345600\"\nemail = \"mitte@salon-sonnenschein.example\"",
            1,
        )
        .replacen("mon = [\"09:00-18:00\"]", "mon = [\"07:00-18:00\"]", 1);
    apply(&t.app, &tenant).await;
    let c = call("c-transfer", MITTE, now_call_ms());
    let open = function(&t, "can_transfer", json!({ "reason": "Frage an Anna" }), &c).await;
    assert_eq!(open["ok"], true, "{open}");
    assert_eq!(open["transfer_number"], "+493012345600");
    assert_eq!(open["result"], "Einen Moment, ich verbinde Sie.");
    let schwabing = function(&t, "can_transfer", json!({ "branch": "Schwabing" }), &c).await;
    assert_eq!(schwabing["ok"], false, "{schwabing}");
    assert_eq!(
        schwabing["reason"], "closed",
        "Schwabing has a number but is closed on Mondays"
    );
    assert!(
        schwabing["result"].as_str().unwrap().contains("Nachricht"),
        "{schwabing}"
    );
    // A message at Mitte goes to the company and to the branch's own address.
    let taken = function(
        &t,
        "take_message",
        json!({ "name": "Eva Schmidt", "concern": "Rückruf wegen Farbe" }),
        &c,
    )
    .await;
    let id = taken["message"]["id"].as_str().unwrap();
    for suffix in ["", ":branch"] {
        let key = format!("{}:{id}{suffix}", askpro_app::voice::TEAM_MESSAGE);
        let job = askpro_store::jobs::find_by_key(&t.app.db, &key)
            .await
            .unwrap();
        assert!(job.is_some(), "no mail job {key}");
    }
    let key = format!("{}:{id}:branch", askpro_app::voice::TEAM_MESSAGE);
    let job = askpro_store::jobs::find_by_key(&t.app.db, &key)
        .await
        .unwrap()
        .unwrap();
    let payload: Value = serde_json::from_str(&job.payload).unwrap();
    assert_eq!(payload["to"], "mitte@salon-sonnenschein.example");
    // With Mitte opening at nine as in the example, 08:00 is closed: no transfer.
    apply(&t.app, crate::common::EXAMPLE).await;
    let closed = function(&t, "can_transfer", json!({}), &c).await;
    assert_eq!(closed["ok"], false, "{closed}");
    assert_eq!(closed["reason"], "no_transfer_number");
    apply(
        &t.app,
        &crate::common::EXAMPLE.replacen(
            "phone = \"+493012345678\"",
            "phone = \"+493012345678\"\ntransfer_number = \"+493012345600\"",
            1,
        ),
    )
    .await;
    let before_nine = function(&t, "can_transfer", json!({}), &c).await;
    assert_eq!(before_nine["reason"], "closed", "{before_nine}");
    assert!(
        before_nine["result"]
            .as_str()
            .unwrap()
            .starts_with("Gerade ist leider niemand erreichbar")
    );
}

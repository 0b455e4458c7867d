//! Cal.com as the calendar of record, against the stand-in that speaks its API v2 and
//! signs its webhooks: availability as both agree, pushes with their conflicts and
//! outages, webhooks with duplicates and out-of-order arrivals, the race between a caller
//! and a web booking, and a reconciliation that fixes planted drift.

use crate::common::{Backend, EXAMPLE, TestApp, apply, now};
use askpro_standins::calcom::{Fake, FakeCalcom, Fault};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use std::time::Duration;

crate::on_both_databases!(
    availability_is_what_both_calendars_offer_and_is_cached,
    a_booking_reaches_calcom_once_with_askpros_id,
    a_caller_who_lost_the_slot_on_the_web_hears_taken_and_gets_no_mail,
    a_caller_and_a_web_booking_racing_end_with_one_booking,
    bookings_survive_two_minutes_of_calcom_errors_and_arrive_once,
    moves_and_cancels_follow_into_calcom,
    webhooks_are_signed_deduplicated_and_order_proof,
    a_web_booking_on_a_taken_time_is_kept_as_a_conflict,
    force_sync_fixes_planted_drift_and_then_finds_nothing,
    a_key_that_stops_working_is_alerted_and_callers_still_served,
    a_cache_signal_empties_a_running_servers_slot_cache,
    a_move_to_another_host_survives_the_old_bookings_cancellation,
    a_move_out_of_calcom_frees_the_old_booking,
    webhook_and_sync_mirroring_one_booking_at_once_see_no_double_booking,
    a_caller_who_lost_to_the_web_hears_alternatives_on_the_phone,
    the_job_and_a_reconciliation_pushing_at_once_book_once,
    an_attendee_marked_absent_in_calcom_becomes_a_no_show,
    a_calcom_that_never_answers_holds_up_no_caller_and_no_worker,
);

const KEY: &str = "cal_test_key_0123456789";
const SECRET: &str = "whsec_test_secret";
const EVENT_TYPE: i64 = 7;
const COMPANY: &str = "salon-sonnenschein";

/// AskPro with the example salon whose Anna's Damenhaarschnitt lives in the stand-in.
struct Calendar {
    t: TestApp,
    fake: Fake,
    base_url: String,
}

/// The example tenant with `[calcom]` pointing at `base_url`.
fn tenant_with_calcom(base_url: &str) -> String {
    EXAMPLE
        .replacen("price_eur = 49.0", "price_eur = 49.0\ncalcom_event_type_id = 7", 1)
        .replacen(
            "services = [\"damenhaarschnitt\", \"faerben\", \"foehnen\"]",
            "services = [\"damenhaarschnitt\", \"faerben\", \"foehnen\"]\ncalcom_username = \"anna\"",
            1,
        )
        + &format!(
            "\n[calcom]\napi_key_env = \"SALON_CALCOM_KEY\"\nwebhook_secret_env = \"SALON_CALCOM_WHSEC\"\nbase_url = \"{base_url}\"\n"
        )
}

impl Calendar {
    async fn start(backend: Backend) -> Option<Calendar> {
        let t = TestApp::spawn(backend).await?;
        let server = FakeCalcom::start(KEY).await.expect("stand-in starts");
        let fake = server.fake;
        fake.set_now(Some(now()));
        fake.add_host(
            "anna",
            "Europe/Berlin",
            jiff::civil::time(9, 0, 0, 0),
            jiff::civil::time(18, 0, 0, 0),
        );
        fake.add_host(
            "jonas",
            "Europe/Berlin",
            jiff::civil::time(9, 0, 0, 0),
            jiff::civil::time(18, 0, 0, 0),
        );
        fake.add_event_type(EVENT_TYPE, "damenhaarschnitt", 45, &["anna", "jonas"]);
        fake.set_slot_interval(EVENT_TYPE, 15);
        t.app.secrets.set("SALON_CALCOM_KEY", KEY);
        t.app.secrets.set("SALON_CALCOM_WHSEC", SECRET);
        apply(&t.app, &tenant_with_calcom(&server.base_url)).await;
        fake.subscribe(&t.url(&format!("/webhooks/calcom/{COMPANY}")), SECRET);
        Some(Calendar {
            t,
            fake,
            base_url: server.base_url,
        })
    }

    /// Jonas's Damenhaarschnitt in Cal.com too.
    async fn map_jonas(&self) {
        let tenant = tenant_with_calcom(&self.base_url).replacen(
            "slug = \"jonas\"",
            "slug = \"jonas\"\ncalcom_username = \"jonas\"",
            1,
        );
        apply(&self.t.app, &tenant).await;
    }

    async fn appointment(&self, id: &str) -> Value {
        let (status, body) = self.t.get(&format!("/appointments/{id}")).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Anna's free starts on Tuesday 1 December as AskPro offers them.
    async fn tuesday_slots(&self) -> Vec<String> {
        let (status, body) = self
            .t
            .get("/availability?service=damenhaarschnitt&from=2026-12-01&days=1&staff=anna")
            .await;
        assert_eq!(status, 200, "{body}");
        body["slots"]
            .as_array()
            .expect("slots")
            .iter()
            .map(|s| s["start"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    fn active_at(&self, start: Timestamp) -> Vec<askpro_standins::calcom::Booking> {
        self.fake
            .bookings()
            .into_iter()
            .filter(|b| b.status == "accepted" && b.start == start)
            .collect()
    }

    /// Runs a worker on the `calcom` queue for `run`.
    async fn work_calcom(&self, run: Duration) {
        let config = askpro_worker::WorkerConfig {
            queues: vec!["calcom".into()],
            poll: Duration::from_millis(20),
            ..Default::default()
        };
        let (stop, rx) = tokio::sync::watch::channel(false);
        let registry = askpro_app::notify::registry(&self.t.app);
        let worker = tokio::spawn(
            askpro_worker::Worker::new(
                self.t.app.db.clone(),
                self.t.app.clock.clone(),
                registry,
                config,
            )
            .run(rx),
        );
        tokio::time::sleep(run).await;
        stop.send(true).unwrap();
        worker.await.unwrap();
    }

    async fn local_rows(&self) -> Vec<askpro_store::appointments::AppointmentRow> {
        let model = self.t.app.company(COMPANY).await.unwrap();
        let filter = askpro_store::appointments::ListFilter {
            company_id: model.id().to_owned(),
            starts_from: 0,
            starts_to: i64::MAX,
            status: None,
            staff_id: None,
            customer_phone: None,
        };
        askpro_store::appointments::list(&self.t.app.db, &filter)
            .await
            .unwrap()
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn web_attendee(name: &str) -> Value {
    json!({ "name": name, "email": format!("{}@web.example", name.to_lowercase().replace(' ', ".")), "timeZone": "Europe/Berlin" })
}

/// Waits until `check` holds, at most five seconds (webhooks arrive asynchronously).
async fn eventually(what: &str, check: impl AsyncFn() -> bool) {
    let started = std::time::Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn availability_is_what_both_calendars_offer_and_is_cached(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let before = c.tuesday_slots().await;
    assert!(
        before.contains(&"2026-12-01T10:00:00+01:00".to_owned()),
        "{before:?}"
    );
    // Booked on the web behind AskPro's back (no webhook): the cached answer still offers
    // it until the cache is dropped, then Cal.com's word counts.
    c.fake.unsubscribe();
    c.fake
        .web_book(
            EVENT_TYPE,
            "anna",
            at("2026-12-01T09:00:00Z"),
            web_attendee("Web Kundin"),
        )
        .unwrap();
    let asked = c
        .fake
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET /v2/slots"))
        .count();
    assert_eq!(c.tuesday_slots().await, before, "answered from the cache");
    assert_eq!(
        c.fake
            .requests()
            .iter()
            .filter(|r| r.starts_with("GET /v2/slots"))
            .count(),
        asked,
        "no second request"
    );
    c.t.app.apply_cache_signal("availability:*").await;
    let after = c.tuesday_slots().await;
    for taken in [
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T09:30:00+01:00",
        "2026-12-01T10:30:00+01:00",
    ] {
        assert!(
            !after.contains(&taken.to_owned()),
            "{taken} overlaps the web booking: {after:?}"
        );
    }
    assert!(
        after.contains(&"2026-12-01T11:00:00+01:00".to_owned()),
        "{after:?}"
    );
    // Cal.com silent: AskPro's own answer within the timeout, and the outage counted.
    c.fake.fail_all(Fault::Hang);
    c.t.app.apply_cache_signal("availability:*").await;
    let started = std::time::Instant::now();
    let fallback = c.tuesday_slots().await;
    assert!(
        started.elapsed() < Duration::from_millis(3000),
        "the caller waits at most calcom.timeout_ms"
    );
    assert!(
        fallback.contains(&"2026-12-01T10:00:00+01:00".to_owned()),
        "local answer: {fallback:?}"
    );
    assert!(c.t.app.calendars.fallback_count() >= 1);
    let metrics = c.t.metrics_text().await;
    assert!(
        metrics.contains("askpro_calcom_availability_fallbacks_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("askpro_calcom_timeouts_total"),
        "{metrics}"
    );
}

async fn a_booking_reaches_calcom_once_with_askpros_id(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let (status, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["sync"], "synced", "{booked}");
    let uid = booked["calcom_uid"]
        .as_str()
        .expect("uid stored")
        .to_owned();
    let remote = c.fake.booking(&uid).expect("in Cal.com");
    assert_eq!(remote.metadata["askpro_id"], booked["id"]);
    assert_eq!(remote.start, at("2026-12-01T09:00:00Z"), "sent in UTC");
    // Cal.com's own BOOKING_CREATED about it comes back: linked, never mirrored twice.
    eventually("the webhook about our own booking is handled", async || {
        c.fake.delivered().len() == 1 && c.local_rows().await.len() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(c.local_rows().await.len(), 1, "no mirrored twin");
    assert_eq!(c.active_at(at("2026-12-01T09:00:00Z")).len(), 1);
}

async fn a_caller_who_lost_the_slot_on_the_web_hears_taken_and_gets_no_mail(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    c.fake.unsubscribe();
    c.fake
        .web_book(
            EVENT_TYPE,
            "anna",
            at("2026-12-01T09:00:00Z"),
            web_attendee("Web Kundin"),
        )
        .unwrap();
    let request =
        c.t.client
            .post(c.t.company_url("/appointments"))
            .bearer_auth(crate::common::OPERATOR_TOKEN)
            .header("Idempotency-Key", "caller-1")
            .json(&crate::common::booking("anna", "2026-12-01T10:00:00+01:00"));
    let (status, body) = c.t.send(request.try_clone().unwrap()).await;
    assert_eq!(
        (status, body["error"]["reason"].as_str()),
        (409, Some("taken")),
        "{body}"
    );
    let (again, _) = c.t.send(request).await;
    assert_eq!(again, 409, "a retry with the key hears the same");
    let rows = c.local_rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "cancelled");
    assert_eq!(
        rows[0].cancel_reason.as_deref(),
        Some(askpro_app::calendar::TAKEN_IN_CALCOM)
    );
    // The confirmation waited for Cal.com and is withheld.
    c.t.app.clock.advance(SignedDuration::from_secs(5));
    let db = c.t.app.db.clone();
    crate::common::work_emails(&c.t.app, Duration::from_millis(500), async || false).await;
    let mails = askpro_store::emails::recent(&db, None, 10).await.unwrap();
    assert!(mails.is_empty(), "no mail for a refused booking: {mails:?}");
    assert_eq!(
        c.active_at(at("2026-12-01T09:00:00Z")).len(),
        1,
        "only the web booking"
    );
}

async fn a_caller_and_a_web_booking_racing_end_with_one_booking(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    for hour in 9..15 {
        let start = at(&format!("2026-12-01T{:02}:00:00Z", hour - 1));
        let local = format!("2026-12-01T{hour:02}:00:00+01:00");
        let fake = c.fake.clone();
        // The web customer starts first, at once, or a little later: either may win.
        let web_delay = Duration::from_millis([0, 3, 25][hour % 3]);
        let web = tokio::spawn(async move {
            tokio::time::sleep(web_delay).await;
            fake.web_book(EVENT_TYPE, "anna", start, web_attendee("Web Kunde"))
        });
        let (status, phone) = c.t.book("anna", &local).await;
        let web = web.await.unwrap();
        let winners = c.active_at(start);
        assert_eq!(
            winners.len(),
            1,
            "exactly one booking in Cal.com at {local}"
        );
        if status == 201 {
            assert_eq!(
                winners[0].metadata.get("askpro_id"),
                Some(&phone["id"]),
                "told `gebucht` and holds it"
            );
            assert!(web.is_err(), "the web customer was refused");
        } else {
            assert_eq!(
                (status, phone["error"]["reason"].as_str()),
                (409, Some("taken")),
                "{phone}"
            );
            assert!(web.is_ok(), "the web customer has it");
        }
    }
    // Whatever won, AskPro ends with exactly Cal.com's bookings as appointments: by
    // webhook as a rule, and by the reconciliation that backs webhooks up.
    c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    let booked: Vec<i64> = c
        .local_rows()
        .await
        .iter()
        .filter(|r| r.status == "booked")
        .map(|r| r.starts_at)
        .collect();
    assert_eq!(
        booked.len(),
        6,
        "one appointment per Cal.com booking: {booked:?}"
    );
    let check = c.t.app.calcom_sync(COMPANY, None, true).await.unwrap();
    assert!(check.differences.is_empty(), "{:#?}", check.differences);
}

async fn bookings_survive_two_minutes_of_calcom_errors_and_arrive_once(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    c.fake.fail_all(Fault::Status(500));
    let (status, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    assert_eq!(
        status, 201,
        "the caller is served from AskPro's calendar: {booked}"
    );
    assert_eq!(booked["sync"], "pending");
    let id = booked["id"].as_str().unwrap().to_owned();
    for _ in 0..12 {
        c.t.app.clock.advance(SignedDuration::from_secs(10));
        c.work_calcom(Duration::from_millis(150)).await;
    }
    assert_eq!(
        c.appointment(&id).await["sync"],
        "pending",
        "still waiting after two minutes"
    );
    let attempts = c
        .fake
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST /v2/bookings") || r.starts_with("GET /v2/bookings"))
        .count();
    assert!(attempts >= 3, "the job kept trying: {attempts}");
    c.fake.heal();
    c.t.app.clock.advance(SignedDuration::from_mins(10));
    c.work_calcom(Duration::from_millis(400)).await;
    let synced = c.appointment(&id).await;
    assert_eq!(synced["sync"], "synced", "{synced}");
    let ours: Vec<_> = c
        .fake
        .bookings()
        .into_iter()
        .filter(|b| b.metadata.get("askpro_id") == Some(&json!(id)))
        .collect();
    assert_eq!(ours.len(), 1, "exactly once");
    assert_eq!(Some(ours[0].uid.as_str()), synced["calcom_uid"].as_str());
}

async fn moves_and_cancels_follow_into_calcom(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let (_, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let first_uid = booked["calcom_uid"].as_str().unwrap().to_owned();
    let (status, moved) =
        c.t.post(
            &format!("/appointments/{id}/reschedule"),
            json!({ "start": "2026-12-01T14:00:00+01:00" }),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    let new_uid = moved["calcom_uid"].as_str().unwrap().to_owned();
    assert_ne!(
        new_uid, first_uid,
        "Cal.com answers a move with a new uid, kept on the same appointment"
    );
    assert_eq!(
        c.fake.booking(&new_uid).unwrap().start,
        at("2026-12-01T13:00:00Z")
    );
    assert_eq!(c.fake.booking(&first_uid).unwrap().status, "cancelled");
    // A move onto a time taken on the web goes back, and the caller hears it.
    c.fake.unsubscribe();
    c.fake
        .web_book(
            EVENT_TYPE,
            "anna",
            at("2026-12-01T15:00:00Z"),
            web_attendee("Web Kunde"),
        )
        .unwrap();
    let (status, refused) =
        c.t.post(
            &format!("/appointments/{id}/reschedule"),
            json!({ "start": "2026-12-01T16:00:00+01:00" }),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["reason"].as_str()),
        (409, Some("taken")),
        "{refused}"
    );
    let kept = c.appointment(&id).await;
    assert_eq!(
        (kept["start"].as_str(), kept["sync"].as_str()),
        (Some("2026-12-01T14:00:00+01:00"), Some("synced"))
    );
    let (status, cancelled) =
        c.t.post(&format!("/appointments/{id}/cancel"), json!({}))
            .await;
    assert_eq!(
        (status, cancelled["sync"].as_str()),
        (200, Some("synced")),
        "{cancelled}"
    );
    assert_eq!(c.fake.booking(&new_uid).unwrap().status, "cancelled");
}

fn delivery(trigger: &str, payload: Value, created_at: &str) -> Value {
    json!({ "triggerEvent": trigger, "createdAt": created_at, "payload": payload })
}

fn web_payload(uid: &str, start: &str, end: &str) -> Value {
    json!({ "uid": uid, "status": "ACCEPTED", "startTime": start, "endTime": end, "eventTypeId": EVENT_TYPE,
        "organizer": { "username": "anna", "timeZone": "Europe/Berlin" },
        "attendees": [{ "name": "Mia Web", "email": "mia@web.example" }], "metadata": {} })
}

async fn post_hook(c: &Calendar, body: &Value, signature: Option<String>) -> (u16, Value) {
    let text = body.to_string();
    let mut request =
        c.t.client
            .post(c.t.url(&format!("/webhooks/calcom/{COMPANY}")))
            .body(text.clone());
    if let Some(sig) = signature {
        request = request.header("x-cal-signature-256", sig);
    }
    c.t.send(request.header("content-type", "application/json"))
        .await
}

async fn signed_hook(c: &Calendar, body: &Value) -> (u16, Value) {
    let sig = askpro_standins::calcom::signature(SECRET, &body.to_string());
    post_hook(c, body, Some(sig)).await
}

async fn webhooks_are_signed_deduplicated_and_order_proof(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let created = delivery(
        "BOOKING_CREATED",
        web_payload("web-1", "2026-12-01T12:00:00Z", "2026-12-01T12:45:00Z"),
        "2026-11-30T07:00:00Z",
    );
    let (status, _) = post_hook(&c, &created, Some("00".repeat(32))).await;
    assert_eq!(status, 401, "a wrong signature is refused");
    let (status, _) = post_hook(&c, &created, None).await;
    assert_eq!(status, 401, "so is none");
    assert!(c.local_rows().await.is_empty(), "nothing stored");
    let (status, first) = signed_hook(&c, &created).await;
    assert_eq!(
        (status, first["outcome"].as_str()),
        (200, Some("created")),
        "{first}"
    );
    let (status, again) = signed_hook(&c, &created).await;
    assert_eq!(
        (status, again["duplicate"].as_bool()),
        (200, Some(true)),
        "{again}"
    );
    let rows = c.local_rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].source.as_str(), rows[0].calcom_uid.as_deref()),
        ("calcom", Some("web-1"))
    );
    // Moved in Cal.com, announced as BOOKING_REQUESTED with the old uid (calcom#21169).
    let mut moved = web_payload("web-2", "2026-12-01T14:00:00Z", "2026-12-01T14:45:00Z");
    moved["rescheduleUid"] = json!("web-1");
    let (_, outcome) = signed_hook(
        &c,
        &delivery("BOOKING_REQUESTED", moved, "2026-11-30T07:01:00Z"),
    )
    .await;
    assert_eq!(outcome["outcome"], "moved", "{outcome}");
    let rows = c.local_rows().await;
    assert_eq!(
        (rows.len(), rows[0].calcom_uid.as_deref()),
        (1, Some("web-2"))
    );
    assert_eq!(
        rows[0].starts_at,
        at("2026-12-01T14:00:00Z").as_millisecond()
    );
    // Out of order: the cancellation of web-3 overtakes its creation.
    let cancelled = delivery(
        "BOOKING_CANCELLED",
        web_payload("web-3", "2026-12-01T16:00:00Z", "2026-12-01T16:45:00Z"),
        "2026-11-30T07:03:00Z",
    );
    signed_hook(&c, &cancelled).await;
    let late = delivery(
        "BOOKING_CREATED",
        web_payload("web-3", "2026-12-01T16:00:00Z", "2026-12-01T16:45:00Z"),
        "2026-11-30T07:02:00Z",
    );
    let (_, outcome) = signed_hook(&c, &late).await;
    assert_eq!(outcome["outcome"], "superseded", "{outcome}");
    assert_eq!(
        c.local_rows().await.len(),
        1,
        "no appointment for a cancelled booking"
    );
    let (status, bad) = signed_hook(
        &c,
        &json!({ "triggerEvent": "BOOKING_CREATED", "payload": { "uid": "x" } }),
    )
    .await;
    assert_eq!(status, 422, "a booking without times is named: {bad}");
}

async fn a_web_booking_on_a_taken_time_is_kept_as_a_conflict(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let (_, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    // Cal.com let someone book the same time anyway (its own race, calcom#…): a webhook.
    let collision = delivery(
        "BOOKING_CREATED",
        web_payload("web-9", "2026-12-01T09:15:00Z", "2026-12-01T10:00:00Z"),
        "2026-11-30T07:05:00Z",
    );
    let (_, outcome) = signed_hook(&c, &collision).await;
    assert_eq!(outcome["outcome"], "conflict", "{outcome}");
    let report = c.t.app.remove_duplicates(COMPANY, false).await.unwrap();
    assert_eq!(report.groups.len(), 1, "{report:?}");
    let group = &report.groups[0];
    assert_eq!(group.kind, "overlap");
    assert_eq!(
        group.keep.as_ref().map(|e| e.id.as_str()),
        booked["id"].as_str(),
        "the earlier booking stays"
    );
    assert_eq!(group.remove[0].id, "calcom:web-9");
    let alert = askpro_store::jobs::find_by_key(&c.t.app.db, "slack.alert:calcom_collision:web-9")
        .await
        .unwrap();
    assert!(
        alert.is_some_and(|j| j.payload.contains("Doppelbuchung")),
        "the operators hear of it"
    );
}

async fn force_sync_fixes_planted_drift_and_then_finds_nothing(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let (_, moved) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    let (_, cancelled) = c.t.book("anna", "2026-12-01T12:00:00+01:00").await;
    let (_, twice) = c.t.book("anna", "2026-12-01T14:00:00+01:00").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    c.fake.unsubscribe();
    // Drift behind AskPro's back: no webhook reaches it.
    c.fake
        .web_book(
            EVENT_TYPE,
            "anna",
            at("2026-12-01T08:00:00Z"),
            web_attendee("Nur Cal"),
        )
        .unwrap();
    c.fake
        .web_reschedule(
            moved["calcom_uid"].as_str().unwrap(),
            at("2026-12-01T10:00:00Z"),
        )
        .unwrap();
    c.fake
        .web_cancel(cancelled["calcom_uid"].as_str().unwrap())
        .unwrap();
    c.fake.silently(|bookings| {
        let mut copy = bookings
            .iter()
            .find(|b| b.metadata.get("askpro_id") == Some(&twice["id"]))
            .unwrap()
            .clone();
        copy.uid = "dup-uid".into();
        copy.id += 1000;
        copy.start += SignedDuration::from_hours(2);
        copy.end += SignedDuration::from_hours(2);
        bookings.push(copy);
    });
    c.fake.fail_all(Fault::Status(503));
    let (_, only_here) = c.t.book("anna", "2026-12-01T17:00:00+01:00").await;
    c.fake.heal();
    let dry = c.t.app.calcom_sync(COMPANY, None, true).await.unwrap();
    assert_eq!(dry.differences.len(), 5, "{:#?}", dry.differences);
    assert!(dry.differences.iter().all(|d| !d.fixed));
    let report = c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    let kinds: Vec<&str> = report.differences.iter().map(|d| d.kind).collect();
    for kind in [
        "missing_here",
        "missing_there",
        "time_differs",
        "cancelled_there",
        "duplicate",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(report.remaining(), 0, "{:#?}", report.differences);
    let again = c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    assert!(
        again.differences.is_empty(),
        "a second run finds nothing: {:#?}",
        again.differences
    );
    let moved_now = c.appointment(moved["id"].as_str().unwrap()).await;
    assert_eq!(
        moved_now["start"], "2026-12-01T11:00:00+01:00",
        "Cal.com's time wins"
    );
    assert_eq!(
        c.appointment(cancelled["id"].as_str().unwrap()).await["status"],
        "cancelled"
    );
    assert_eq!(c.fake.booking("dup-uid").unwrap().status, "cancelled");
    let pushed = c.appointment(only_here["id"].as_str().unwrap()).await;
    assert_eq!(pushed["sync"], "synced");
    assert!(
        c.local_rows()
            .await
            .iter()
            .any(|r| r.source == "calcom" && r.status == "booked"),
        "the web booking is mirrored"
    );
}

async fn a_key_that_stops_working_is_alerted_and_callers_still_served(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    c.fake.set_key("cal_rotated_key");
    let slots = c.tuesday_slots().await;
    assert!(
        slots.contains(&"2026-12-01T10:00:00+01:00".to_owned()),
        "AskPro answers alone: {slots:?}"
    );
    let (status, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    assert_eq!(
        (status, booked["sync"].as_str()),
        (201, Some("pending")),
        "{booked}"
    );
    let hour = c.t.app.now_ms() / 3_600_000;
    let alert = askpro_store::jobs::find_by_key(
        &c.t.app.db,
        &format!("slack.alert:calcom_key:{COMPANY}:{hour}"),
    )
    .await
    .unwrap()
    .expect("one alert for the dead key");
    assert!(
        alert.payload.contains("SALON_CALCOM_KEY") && !alert.payload.contains(KEY),
        "{}",
        alert.payload
    );
    // The key is renewed: the queued push delivers the booking.
    c.fake.set_key(KEY);
    c.t.app.clock.advance(SignedDuration::from_secs(10));
    c.work_calcom(Duration::from_millis(300)).await;
    assert_eq!(
        c.appointment(booked["id"].as_str().unwrap()).await["sync"],
        "synced"
    );
}

async fn a_cache_signal_empties_a_running_servers_slot_cache(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let loops = askpro_app::background::start(
        &c.t.app,
        askpro_app::background::Loops {
            cache_signals: true,
            ..Default::default()
        },
    );
    c.tuesday_slots().await;
    assert!(
        !c.t.app.calendars.slots.is_empty(),
        "Cal.com's answer is cached"
    );
    // What `askpro cache:forget availability:*` does from another process.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let name = format!(
        "{}availability:*",
        askpro_app::background::CACHE_SIGNAL_PREFIX
    );
    askpro_store::workers::raise_signal(&c.t.app.db, &name, c.t.app.now_ms() + 1)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while !c.t.app.calendars.slots.is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "dropped within five seconds"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        loops.stop(Duration::from_secs(5)).await,
        "the loop stops when asked"
    );
}

async fn a_move_to_another_host_survives_the_old_bookings_cancellation(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    c.map_jonas().await;
    // A slow Cal.com: its webhook about the old booking's cancellation arrives while the
    // new host's booking is still being made.
    c.fake.set_latency(Some(Duration::from_millis(150)));
    let (_, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    let old_uid = booked["calcom_uid"].as_str().unwrap().to_owned();
    let id = booked["id"].as_str().unwrap().to_owned();
    let (status, moved) =
        c.t.post(
            &format!("/appointments/{id}/reschedule"),
            json!({ "start": "2026-12-01T10:00:00+01:00", "staff": "jonas" }),
        )
        .await;
    assert_eq!(
        (status, moved["sync"].as_str()),
        (200, Some("synced")),
        "{moved}"
    );
    let new_uid = moved["calcom_uid"].as_str().unwrap().to_owned();
    assert_eq!(c.fake.booking(&new_uid).unwrap().host, "jonas");
    assert_eq!(c.fake.booking(&old_uid).unwrap().status, "cancelled");
    eventually("Cal.com's webhooks are delivered", async || {
        c.fake.delivered().len() >= 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let now = c.appointment(&id).await;
    assert_eq!(
        (now["status"].as_str(), now["staff"].as_str()),
        (Some("booked"), Some("jonas")),
        "{now}"
    );
    assert_eq!(now["calcom_uid"].as_str(), Some(new_uid.as_str()));
    let check = c.t.app.calcom_sync(COMPANY, None, true).await.unwrap();
    assert!(check.differences.is_empty(), "{:#?}", check.differences);
}

async fn a_move_out_of_calcom_frees_the_old_booking(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let (_, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    let uid = booked["calcom_uid"].as_str().unwrap().to_owned();
    let id = booked["id"].as_str().unwrap();
    // Jonas keeps no Cal.com calendar here.
    let (status, moved) =
        c.t.post(
            &format!("/appointments/{id}/reschedule"),
            json!({ "start": "2026-12-01T12:00:00+01:00", "staff": "jonas" }),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert!(
        moved.get("sync").is_none() && moved.get("calcom_uid").is_none(),
        "AskPro-only now: {moved}"
    );
    assert_eq!(
        c.fake.booking(&uid).unwrap().status,
        "cancelled",
        "the old time is free in Cal.com"
    );
    let report = c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    assert!(
        report.differences.is_empty(),
        "nothing moves it back: {:#?}",
        report.differences
    );
}

async fn webhook_and_sync_mirroring_one_booking_at_once_see_no_double_booking(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    for hour in 9..14 {
        let start = at(&format!("2026-12-01T{:02}:00:00Z", hour - 1));
        c.fake
            .web_book(EVENT_TYPE, "anna", start, web_attendee("Web Kunde"))
            .unwrap();
        c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let model = c.t.app.company(COMPANY).await.unwrap();
    let open = askpro_store::calcom::open_conflicts(&c.t.app.db, model.id())
        .await
        .unwrap();
    assert!(
        open.is_empty(),
        "a booking is no conflict with itself: {open:?}"
    );
    let booked = c
        .local_rows()
        .await
        .into_iter()
        .filter(|r| r.status == "booked")
        .count();
    assert_eq!(booked, 5);
}

/// `book_appointment` as Retell sends it, signed, in call `call_id` to the Mitte branch.
async fn phone_booking(c: &Calendar, call_id: &str, start: &str) -> Value {
    let call = json!({ "call_type": "phone_call", "call_id": call_id, "agent_id": "agent_unknown",
        "call_status": "ongoing", "direction": "inbound", "from_number": "+4915112345678",
        "to_number": "+493012345678", "start_timestamp": c.t.app.now_ms() });
    let args = json!({ "service": "Damenschnitt", "start": start, "staff": "Anna",
        "customer_name": "Eva Schmidt", "customer_email": "eva@example.org" });
    let body = json!({ "name": "book_appointment", "args": args, "call": call }).to_string();
    let (status, text) = crate::retell::post_signed(
        &c.t,
        "/retell/functions/book_appointment",
        &body,
        crate::common::RETELL_KEY,
        c.t.app.now_ms(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn a_caller_who_lost_to_the_web_hears_alternatives_on_the_phone(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    // Offered a minute ago, booked on the web since (no webhook reached AskPro yet).
    assert!(
        c.tuesday_slots()
            .await
            .contains(&"2026-12-01T10:00:00+01:00".to_owned())
    );
    c.fake.unsubscribe();
    c.fake
        .web_book(
            EVENT_TYPE,
            "anna",
            at("2026-12-01T09:00:00Z"),
            web_attendee("Web Kundin"),
        )
        .unwrap();
    let answer = phone_booking(&c, "call-lost", "morgen um 10 Uhr").await;
    assert_eq!(answer["ok"], false, "nobody is told `gebucht`: {answer}");
    let text = answer["result"].as_str().unwrap();
    assert!(
        text.starts_with("Um 10 Uhr ist leider schon belegt. Ich kann Ihnen "),
        "{text}"
    );
    let offered: Vec<&str> = answer["slots"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["start"].as_str())
        .collect();
    assert!(!offered.is_empty(), "{answer}");
    for taken in [
        "2026-12-01T09:30:00+01:00",
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T10:30:00+01:00",
    ] {
        assert!(
            !offered.contains(&taken),
            "{taken} is taken in Cal.com: {offered:?}"
        );
    }
    // Retell delivers the function call again: the same answer, nothing booked.
    assert_eq!(
        phone_booking(&c, "call-lost", "morgen um 10 Uhr").await,
        answer
    );
    let booked = c
        .local_rows()
        .await
        .into_iter()
        .filter(|r| r.status == "booked")
        .count();
    assert_eq!(booked, 0);
    // The caller takes the first alternative offered: booked in both calendars.
    let second = phone_booking(&c, "call-lost", offered[0]).await;
    assert_eq!(
        (
            second["ok"].as_bool(),
            second["appointment"]["sync"].as_str()
        ),
        (Some(true), Some("synced")),
        "{second}"
    );
}

async fn the_job_and_a_reconciliation_pushing_at_once_book_once(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    c.fake.fail_all(Fault::Status(503));
    let mut ids = Vec::new();
    for hour in [10, 12, 14] {
        let (status, booked) =
            c.t.book("anna", &format!("2026-12-01T{hour}:00:00+01:00"))
                .await;
        assert_eq!(
            (status, booked["sync"].as_str()),
            (201, Some("pending")),
            "{booked}"
        );
        ids.push(booked["id"].as_str().unwrap().to_owned());
    }
    c.fake.heal();
    // A slow Cal.com widens the window in which both look, find nothing and create, and
    // its check-then-insert lets both creations in: only AskPro can keep it to one.
    c.fake.set_latency(Some(Duration::from_millis(60)));
    c.fake.let_double_bookings_through(true);
    c.t.app.clock.advance(SignedDuration::from_secs(10));
    let (report, ()) = tokio::join!(
        c.t.app.calcom_sync(COMPANY, None, false),
        c.work_calcom(Duration::from_millis(1500))
    );
    report.unwrap();
    for id in &ids {
        let ours = c
            .fake
            .bookings()
            .into_iter()
            .filter(|b| b.status == "accepted" && b.metadata.get("askpro_id") == Some(&json!(id)))
            .count();
        assert_eq!(ours, 1, "appointment {id} is in Cal.com exactly once");
    }
    c.t.app.clock.advance(SignedDuration::from_mins(5));
    c.work_calcom(Duration::from_millis(500)).await;
    let again = c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    assert!(again.differences.is_empty(), "{:#?}", again.differences);
    for id in &ids {
        assert_eq!(c.appointment(id).await["sync"], "synced");
    }
}

async fn an_attendee_marked_absent_in_calcom_becomes_a_no_show(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    let (status, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    assert_eq!(status, 201, "{booked}");
    let uid = booked["calcom_uid"]
        .as_str()
        .expect("in Cal.com")
        .to_owned();
    // The next day the host marks Eva absent in Cal.com.
    c.t.app.clock.advance(SignedDuration::from_hours(28));
    c.fake.set_now(Some(c.t.app.now()));
    c.fake.silently(|bookings| {
        let booking = bookings.iter_mut().find(|b| b.uid == uid).unwrap();
        booking.attendee["absent"] = json!(true);
    });
    let dry = c.t.app.calcom_sync(COMPANY, None, true).await.unwrap();
    assert_eq!(dry.differences.len(), 1, "{dry:?}");
    assert_eq!(dry.differences[0].kind, "absent");
    let report = c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    assert_eq!(report.differences[0].action, "marked as a no-show");
    let (_, after) =
        c.t.get(&format!("/appointments/{}", booked["id"].as_str().unwrap()))
            .await;
    assert_eq!(after["status"], "no_show", "{after}");
    // Cal.com's booking stays as it is, and the next run finds nothing.
    assert!(c.fake.booking(&uid).unwrap().status == "accepted");
    let again = c.t.app.calcom_sync(COMPANY, None, false).await.unwrap();
    assert!(again.differences.is_empty(), "{again:?}");
}

/// Fault drill (issue 16, part 2): Cal.com accepts connections and never answers. Callers
/// still hear free times and get their booking within the caller's deadline
/// (`calcom.timeout_ms`, from AskPro's own calendar); the push job hits its deadline and
/// waits for its retry, saying why; the worker stops when asked; a reconciliation ends
/// with an error that names the timeout instead of hanging.
async fn a_calcom_that_never_answers_holds_up_no_caller_and_no_worker(backend: Backend) {
    let Some(c) = Calendar::start(backend).await else {
        return;
    };
    c.fake.set_latency(Some(Duration::from_secs(600)));
    let asked = std::time::Instant::now();
    let slots = c.tuesday_slots().await;
    assert!(!slots.is_empty(), "free times from AskPro's own calendar");
    let (status, booked) = c.t.book("anna", "2026-12-01T10:00:00+01:00").await;
    let answered = asked.elapsed();
    assert_eq!(
        (status, booked["sync"].as_str()),
        (201, Some("pending")),
        "{booked}"
    );
    assert!(
        answered < Duration::from_secs(8),
        "both answered within the deadlines: {answered:?}"
    );

    // The push job (due a little after the booking's own attempt): its ten-second
    // deadline fires, and the job waits for a retry.
    c.t.app.clock.advance(SignedDuration::from_mins(10));
    let worked = std::time::Instant::now();
    c.work_calcom(Duration::from_secs(11)).await;
    assert!(
        worked.elapsed() < Duration::from_secs(25),
        "the worker stopped when asked: {:?}",
        worked.elapsed()
    );
    let sql = "SELECT status, attempts, last_error FROM jobs WHERE kind = 'calcom.push'";
    let (job_status, attempts, error): (String, i64, Option<String>) =
        askpro_store::on_pool!(&c.t.app.db, |pool| sqlx::query_as(sql)
            .fetch_one(pool)
            .await)
        .unwrap();
    let error = error.unwrap_or_default().to_lowercase();
    assert_eq!((job_status.as_str(), attempts), ("pending", 1), "{error}");
    assert!(
        ["timed out", "timeout", "deadline", "did not answer"]
            .iter()
            .any(|w| error.contains(w)),
        "the job says why: {error}"
    );

    let reconciling = std::time::Instant::now();
    let outcome = c.t.app.sync_all_calendars(None).await;
    assert!(
        reconciling.elapsed() < Duration::from_secs(25),
        "{:?}",
        reconciling.elapsed()
    );
    let error = outcome
        .expect_err("no reconciliation without Cal.com")
        .to_string()
        .to_lowercase();
    assert!(
        ["timed out", "timeout", "deadline", "did not answer"]
            .iter()
            .any(|w| error.contains(w)),
        "the reconciliation says why: {error}"
    );
}

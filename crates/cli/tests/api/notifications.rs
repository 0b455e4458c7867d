//! A booking and its mail are one unit: the job is written in the booking's own
//! transaction, the worker turns it into a German e-mail once, and a refused booking
//! leaves nothing to send.

use crate::common::{Backend, TestApp};
use askpro_store::{emails, jobs};
use serde_json::json;
use std::time::Duration;

crate::on_both_databases!(
    each_change_of_an_appointment_mails_the_customer_once,
    reminders_follow_moves_and_die_with_cancellations
);

async fn mails(t: &TestApp) -> Vec<emails::Email> {
    let mut all = emails::recent(&t.app.db, None, 50).await.unwrap();
    all.reverse();
    all
}

/// Runs a worker over the e-mail queue until `count` mails exist, or `patience` ends.
async fn work_until(t: &TestApp, count: usize, patience: Duration) {
    crate::common::work_emails(&t.app, patience, async || mails(t).await.len() >= count).await;
}

async fn each_change_of_an_appointment_mails_the_customer_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    assert_eq!(status, 201);
    // Refused and mail-less bookings enqueue nothing.
    assert_eq!(t.book("anna", "2026-12-01T09:30:00+01:00").await.0, 409);
    let no_mail = json!({"branch": "mitte", "service": "damenhaarschnitt", "staff": "jonas", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": "Ida"}});
    assert_eq!(t.post("/appointments", no_mail).await.0, 201);
    // The confirmation, and the reminder 24 hours ahead.
    let queued = jobs::stats(&t.app.db, crate::common::now_ms())
        .await
        .unwrap();
    assert_eq!(
        queued
            .iter()
            .map(|q| (q.queue.as_str(), q.pending))
            .collect::<Vec<_>>(),
        [("emails", 2)]
    );
    work_until(&t, 1, Duration::from_secs(10)).await;
    let confirmation = &mails(&t).await[0];
    assert_eq!(confirmation.to_address, "eva@example.org");
    assert_eq!(
        confirmation.reply_to.as_deref(),
        Some("info@salon-sonnenschein.example")
    );
    assert_eq!(
        confirmation.subject,
        "Ihr Termin am Dienstag, 1. Dezember 2026 um 9 Uhr"
    );
    assert!(confirmation.body_text.starts_with("Guten Tag Eva Schmidt,\n\nhiermit bestätigen wir Ihren Termin am Dienstag, 1. Dezember 2026 um 9 Uhr bei Anna Müller für Damenhaarschnitt."), "{}", confirmation.body_text);
    assert!(
        confirmation
            .body_text
            .contains("Adresse: Salon Sonnenschein Mitte, Torstraße 1, 10119 Berlin")
    );
    assert!(
        confirmation
            .body_text
            .ends_with("Viele Grüße\nSalon Sonnenschein")
    );
    assert_eq!(confirmation.transport, "outbox");
    // A move and a cancellation each mail once more; the mail names the new time.
    let id = booked["id"].as_str().unwrap();
    t.post(
        &format!("/appointments/{id}/reschedule"),
        json!({"start": "2026-12-01T14:15:00+01:00"}),
    )
    .await;
    t.post(&format!("/appointments/{id}/cancel"), json!({}))
        .await;
    t.post(&format!("/appointments/{id}/cancel"), json!({}))
        .await;
    work_until(&t, 3, Duration::from_secs(10)).await;
    let all = mails(&t).await;
    assert_eq!(all.len(), 3, "{all:#?}");
    assert_eq!(
        all[1].subject,
        "Ihr Termin wurde verschoben: Dienstag, 1. Dezember 2026, 14:15 Uhr"
    );
    assert!(all[1].body_text.contains(
        "Der neue Termin ist am Dienstag, 1. Dezember 2026 um 14:15 Uhr bei Anna Müller"
    ));
    assert_eq!(
        all[2].subject,
        "Termin abgesagt: Dienstag, 1. Dezember 2026, 14:15 Uhr"
    );
    // Nothing left to send, nothing sent twice.
    work_until(&t, 4, Duration::from_millis(500)).await;
    assert_eq!(mails(&t).await.len(), 3);
}

/// Moves the application's clock (and so the worker's) to `local`, Berlin time.
fn clock_reaches(t: &TestApp, local: &str) {
    let at = local
        .parse::<jiff::civil::DateTime>()
        .unwrap()
        .in_tz("Europe/Berlin")
        .unwrap()
        .timestamp();
    t.app.clock.set(at);
}

async fn reminders_follow_moves_and_die_with_cancellations(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let reminder_at =
        |start: &str| start.parse::<jiff::Timestamp>().unwrap().as_millisecond() - 24 * 3_600_000;
    let pending = jobs::stats(&t.app.db, crate::common::now_ms())
        .await
        .unwrap()[0]
        .pending;
    assert_eq!(pending, 2);
    // Moved before its time came: the old reminder finds the appointment moved.
    t.post(
        &format!("/appointments/{id}/reschedule"),
        json!({"start": "2026-12-01T15:00:00+01:00"}),
    )
    .await;
    let sql = "SELECT run_at FROM jobs WHERE kind = 'email.appointment_reminder' ORDER BY run_at";
    let times: Vec<i64> = askpro_store::on_pool!(&t.app.db, |pool| sqlx::query_scalar(sql)
        .fetch_all(pool)
        .await)
    .unwrap();
    assert_eq!(
        times,
        [
            reminder_at("2026-12-01T09:00:00+01:00"),
            reminder_at("2026-12-01T15:00:00+01:00")
        ]
    );
    // The next morning both reminders are due; only the one for the new time is sent.
    clock_reaches(&t, "2026-12-01T07:00");
    work_until(&t, 3, Duration::from_secs(10)).await;
    let all = mails(&t).await;
    let reminders: Vec<_> = all
        .iter()
        .filter(|m| m.kind == "email.appointment_reminder")
        .collect();
    assert_eq!(reminders.len(), 1, "{all:#?}");
    assert_eq!(
        reminders[0].subject,
        "Erinnerung: Ihr Termin am Dienstag, 1. Dezember 2026 um 15 Uhr"
    );
    assert!(reminders[0].body_text.contains(
        "wir erinnern Sie an Ihren Termin am Dienstag, 1. Dezember 2026 um 15 Uhr bei Anna Müller"
    ));
    // A cancelled appointment's reminder sends nothing.
    let (_, other) = t.book("jonas", "2026-12-02T10:00:00+01:00").await;
    t.post(
        &format!("/appointments/{}/cancel", other["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    clock_reaches(&t, "2026-12-01T11:00");
    work_until(&t, 6, Duration::from_secs(3)).await;
    let kinds: Vec<String> = mails(&t).await.iter().map(|m| m.kind.clone()).collect();
    assert_eq!(
        kinds.iter().filter(|k| k.ends_with("reminder")).count(),
        1,
        "{kinds:?}"
    );
    // A reminder its worker reaches only after the appointment began sends nothing:
    // a reminder of the past is noise.
    let (_, late) = t.book("jonas", "2026-12-03T10:00:00+01:00").await;
    assert!(late["id"].is_string(), "{late}");
    clock_reaches(&t, "2026-12-03T10:30");
    let before = mails(&t).await.len();
    work_until(&t, before + 1, Duration::from_secs(10)).await;
    work_until(&t, before + 2, Duration::from_millis(500)).await;
    let sent: Vec<String> = mails(&t).await[before..]
        .iter()
        .map(|m| m.kind.clone())
        .collect();
    assert_eq!(
        sent,
        ["email.appointment_booked"],
        "the confirmation, no reminder"
    );
    // Back to Tuesday for the last case, which books on Thursday.
    clock_reaches(&t, "2026-12-01T11:00");
    // Reminders a week ahead for a booking in three days would be in the past: none.
    t.app
        .set_setting(
            "notifications.reminder_hours=168",
            Some("salon-sonnenschein"),
            &askpro_app::Actor::cli(None),
        )
        .await
        .unwrap();
    let (status, soon) = t.book("jonas", "2026-12-03T11:00:00+01:00").await;
    assert_eq!(status, 201, "{soon}");
    let key = format!(
        "email.appointment_reminder:{}:%",
        soon["id"].as_str().unwrap()
    );
    let sql = "SELECT COUNT(*) FROM jobs WHERE idempotency_key LIKE $1";
    let count: i64 = askpro_store::on_pool!(&t.app.db, |pool| sqlx::query_scalar(sql)
        .bind(&key)
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(count, 0);
}

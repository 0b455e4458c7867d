//! E-mail through real SMTP server processes on loopback (aiosmtpd): the confirmation
//! arrives with its German text and calendar entry, the backup takes over when the
//! primary is down, `mail.mailer=backup_smtp` forces the backup, and an address refused
//! for good ends dead until `email retry-failed`.

use crate::common::now_ms;
use crate::common::smtp::{Sink, free_port};
use crate::common::{Backend, TestApp, booking};
use askpro_app::Actor;
use askpro_connectors::smtp::Mailer;
use askpro_store::{emails, jobs};
use std::time::Duration;

crate::on_both_databases!(
    a_confirmation_arrives_through_the_primary_with_text_and_calendar_entry,
    with_the_primary_down_the_backup_delivers_at_once,
    an_address_refused_for_good_ends_dead_and_can_be_retried,
);

/// Runs a worker with these SMTP servers until `done`, at most `patience`.
async fn deliver_within(
    t: &TestApp,
    primary: Option<String>,
    backup: Option<String>,
    patience: Duration,
    done: impl Fn() -> bool,
) {
    let mailer = Mailer::from_urls(
        primary.as_deref(),
        backup.as_deref(),
        Duration::from_secs(5),
    )
    .unwrap();
    let app = t.app.clone().with_mailer(mailer, "termine@askpro.example");
    crate::common::work_emails(&app, patience, async || done()).await;
}

async fn deliver(
    t: &TestApp,
    primary: Option<String>,
    backup: Option<String>,
    done: impl Fn() -> bool,
) {
    deliver_within(t, primary, backup, Duration::from_secs(10), done).await;
}

async fn a_confirmation_arrives_through_the_primary_with_text_and_calendar_entry(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (Some(primary), Some(backup)) = (Sink::start(), Sink::start()) else {
        return;
    };
    let (status, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    assert_eq!(status, 201);
    deliver(&t, Some(primary.url()), Some(backup.url()), || {
        primary.messages().len() == 1
    })
    .await;
    assert!(backup.messages().is_empty());
    let raw = &primary.messages()[0];
    let stored = &emails::recent(&t.app.db, None, 5).await.unwrap()[0];
    assert_eq!(stored.transport, "smtp-primary");
    assert!(
        raw.contains(&format!("Message-ID: {}", stored.message_id)),
        "{raw}"
    );
    assert!(raw.contains("To: eva@example.org"));
    assert!(raw.contains("Reply-To: info@salon-sonnenschein.example"));
    assert!(raw.contains("termine@askpro.example"));
    assert!(raw.contains("termin.ics"));
    assert!(
        raw.contains("Content-Type: text/plain") && raw.contains("Content-Type: text/html"),
        "text and HTML alternatives: {raw}"
    );
    assert!(
        raw.contains("DTSTART:20261201T080000Z") && raw.contains("DTEND:20261201T084500Z"),
        "09:00 in Berlin is 08:00 UTC: {raw}"
    );
    assert!(raw.contains(&format!("UID:{}@askpro", booked["id"].as_str().unwrap())));
    assert!(stored.body_text.contains(
        "hiermit bestätigen wir Ihren Termin am Dienstag, 1. Dezember 2026 um 9 Uhr bei Anna Müller"
    ));
    // Delivered once: another worker run sends nothing again.
    deliver_within(
        &t,
        Some(primary.url()),
        None,
        Duration::from_millis(700),
        || false,
    )
    .await;
    assert_eq!(primary.messages().len(), 1);
}

async fn with_the_primary_down_the_backup_delivers_at_once(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(backup) = Sink::start() else { return };
    let closed = format!("smtp://127.0.0.1:{}", free_port());
    t.book("anna", "2026-12-01T09:00:00+01:00").await;
    deliver(&t, Some(closed), Some(backup.url()), || {
        backup.messages().len() == 1
    })
    .await;
    assert_eq!(backup.messages().len(), 1);
    assert_eq!(
        emails::recent(&t.app.db, None, 5).await.unwrap()[0].transport,
        "smtp-backup"
    );
    // The operators hear of the failing primary from an alert on the `slack` queue.
    let alerts = jobs::claim(&t.app.db, "slack", "test", 10, 60_000, now_ms())
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].kind, askpro_app::notify::ALERT);
    assert!(
        alerts[0]
            .payload
            .contains("Der Primärserver nimmt keine E-Mails an, der Backup-Server springt ein"),
        "{}",
        alerts[0].payload
    );
    // Forced to the backup by the operator, while the primary is up and well.
    let Some(primary) = Sink::start() else { return };
    t.app
        .set_setting("mail.mailer=backup_smtp", None, &Actor::cli(None))
        .await
        .unwrap();
    t.book("jonas", "2026-12-01T09:00:00+01:00").await;
    deliver(&t, Some(primary.url()), Some(backup.url()), || {
        backup.messages().len() == 2
    })
    .await;
    assert!(primary.messages().is_empty());
    assert_eq!(backup.messages().len(), 2);
}

async fn an_address_refused_for_good_ends_dead_and_can_be_retried(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let Some(primary) = Sink::start() else { return };
    let mut body = booking("anna", "2026-12-01T09:00:00+01:00");
    body["customer"]["email"] = "bounce@example.org".into();
    assert_eq!(t.post("/appointments", body).await.0, 201);
    let db = t.app.db.clone();
    let dead = || {
        let db = db.clone();
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(jobs::stats(&db, now_ms()))
                .unwrap()
        })
        .join()
        .unwrap()
        .iter()
        .any(|q| q.dead == 1)
    };
    deliver(&t, Some(primary.url()), None, dead).await;
    let stats = jobs::stats(&t.app.db, now_ms()).await.unwrap();
    assert_eq!(stats[0].dead, 1, "550 is permanent: no retry storm");
    assert!(primary.messages().is_empty());
    assert_eq!(
        jobs::retry_dead(&t.app.db, "emails", now_ms() - 86_400_000, false, now_ms())
            .await
            .unwrap(),
        1,
        "dry run counts"
    );
    assert_eq!(
        jobs::retry_dead(&t.app.db, "emails", now_ms() - 86_400_000, true, now_ms())
            .await
            .unwrap(),
        1
    );
    let stats = jobs::stats(&t.app.db, now_ms()).await.unwrap();
    // The confirmation is back in the queue, beside the reminder that waits for its day.
    assert_eq!((stats[0].dead, stats[0].pending), (0, 2));
}

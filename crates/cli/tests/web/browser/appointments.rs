//! Appointments as the team meets them: a booking made by phone on its day, cancelling
//! from the calendar (with the customer's mail), and moving to another free time.

use super::support::{COMPANY, Dashboard};
use askpro_store::emails;
use std::time::Duration;

/// Wednesday 2 December 2026, 10:00 in Berlin: two days after the tests' "now".
const WEDNESDAY_TEN: &str = "2026-12-02T10:00:00+01:00";

#[tokio::test]
async fn a_booking_made_by_a_simulated_call_appears_on_heute_for_its_day() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    d.simulate_call("termin-buchen.toml").await;
    let (status, listed) = d.t.get("/appointments?from=2026-11-30&to=2027-01-31").await;
    assert_eq!(status, 200, "{listed}");
    let booked = listed["appointments"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["source"] == "phone"))
        .unwrap_or_else(|| panic!("the call booked nothing: {listed}"))
        .clone();
    let id = booked["id"].as_str().expect("an id");
    let day = &booked["start"].as_str().expect("a start")[..10];

    d.sign_in_as_owner().await;
    d.open(&Dashboard::company_path(&format!("/heute?tag={day}")))
        .await;
    let link = d
        .browser
        .find(&format!(
            "ul.timeline a[href='{}']",
            Dashboard::company_path(&format!("/termine/{id}"))
        ))
        .await;
    assert_eq!(link.text().await, "Eva Schmidt");
    // "Nächsten Dienstag" seen from Monday 30 November.
    assert_eq!(day, "2026-12-01");
    assert_eq!(d.heading().await, "Dienstag, 1. Dezember 2026");
    let timeline = d.browser.find("ul.timeline li.booked").await.text().await;
    assert!(
        timeline.contains("10:00–10:45") && timeline.contains("Damenhaarschnitt"),
        "{timeline}"
    );
}

#[tokio::test]
async fn cancelling_from_the_calendar_shows_the_notice_and_mails_the_customer() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    let id = d.book("anna", WEDNESDAY_TEN).await;
    let page = Dashboard::company_path(&format!("/termine/{id}"));
    d.sign_in_as_owner().await;
    d.open(&Dashboard::company_path("/kalender?woche=2026-11-30"))
        .await;
    let entry = d.browser.find(&format!(".week a[href='{page}']")).await;
    let text = entry.text().await;
    assert!(
        text.contains("10:00 Eva Schmidt") && text.contains("Anna Müller"),
        "{text}"
    );
    entry.click().await;
    d.browser
        .wait_for_path("the appointment", |p| p == page)
        .await;
    d.browser
        .wait_for("#grund")
        .await
        .send_keys("Anna ist krank")
        .await;
    d.browser
        .find("form[action$='/absagen'] button[type='submit']")
        .await
        .click()
        .await;
    let notice = d
        .browser
        .wait_for_text(".notice", "Der Termin ist abgesagt")
        .await;
    assert_eq!(
        notice,
        "Der Termin ist abgesagt. Der Kunde bekommt eine Nachricht."
    );
    let facts = d.browser.find("dl.facts").await.text().await;
    assert!(
        facts.contains("Abgesagt") && facts.contains("Anna ist krank"),
        "{facts}"
    );
    let mut history = Vec::new();
    for row in d.browser.find_all("table tbody tr").await {
        history.push(row.text().await);
    }
    assert!(
        history.iter().any(|r| r.contains("Gebucht"))
            && history
                .iter()
                .any(|r| r.contains("Abgesagt") && r.contains("Dashboard")),
        "{history:#?}"
    );
    let stored = d.t.app.appointment(COMPANY, &id).await.expect("stored");
    assert_eq!(stored.status, "cancelled");
    assert_eq!(stored.cancel_reason.as_deref(), Some("Anna ist krank"));

    let mail = cancellation_mail(&d).await;
    assert_eq!(mail.to_address, "eva@example.org");
    assert_eq!(
        mail.subject,
        "Termin abgesagt: Mittwoch, 2. Dezember 2026, 10 Uhr"
    );
    assert!(
        mail.body_text.starts_with("Guten Tag Eva Schmidt,\n\nIhren Termin am Mittwoch, 2. Dezember 2026 um 10 Uhr bei Anna Müller für Damenhaarschnitt ist abgesagt."),
        "{}",
        mail.body_text
    );
    assert_eq!(mail.transport, "outbox");
}

/// Runs the e-mail queue until the cancellation mail is in the outbox.
async fn cancellation_mail(d: &Dashboard) -> emails::Email {
    let find = async || {
        emails::recent(&d.t.app.db, None, 20)
            .await
            .expect("read the outbox")
            .into_iter()
            .find(|m| m.subject.starts_with("Termin abgesagt"))
    };
    crate::common::work_emails(&d.t.app, Duration::from_secs(10), async || {
        find().await.is_some()
    })
    .await;
    find()
        .await
        .expect("the cancellation mail is in the outbox within 10 s")
}

#[tokio::test]
async fn moving_to_another_free_slot_shows_the_notice_and_stores_the_new_start() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    let id = d.book("anna", WEDNESDAY_TEN).await;
    let page = Dashboard::company_path(&format!("/termine/{id}"));
    d.sign_in_as_owner().await;
    d.open(&page).await;
    d.browser
        .find("a[href$='/verschieben']")
        .await
        .click()
        .await;
    d.browser
        .wait_for_path("the move page", |p| p.ends_with("/verschieben"))
        .await;
    assert_eq!(d.heading().await, "Termin verschieben");
    // Friday 11:00, one of Anna's free times (she has Thursdays off), chosen by what the page says.
    let slot = d
        .browser
        .find_xpath(
            "//fieldset[legend='Freitag, 4. Dezember 2026']\
             //label[normalize-space()='11:00']/input[@type='radio']",
        )
        .await;
    let wanted: jiff::Timestamp = "2026-12-04T11:00:00+01:00".parse().expect("valid");
    let offered = slot.attribute("data-start").await.unwrap_or_default();
    assert_eq!(
        offered.parse::<jiff::Timestamp>().ok(),
        Some(wanted),
        "{offered}"
    );
    slot.click().await;
    d.browser
        .find("form[action$='/verschieben'] button[type='submit']")
        .await
        .click()
        .await;
    let notice = d
        .browser
        .wait_for_text(".notice", "Der Termin ist verschoben")
        .await;
    assert_eq!(
        notice,
        "Der Termin ist verschoben. Der Kunde bekommt eine Nachricht."
    );
    assert_eq!(d.browser.path().await, format!("{page}?hinweis=verschoben"));
    let facts = d.browser.find("dl.facts").await.text().await;
    assert!(
        facts.contains("Freitag, 4. Dezember 2026, 11:00–11:45 Uhr"),
        "{facts}"
    );
    let stored = d.t.app.appointment(COMPANY, &id).await.expect("stored");
    let start: jiff::Timestamp = stored.start.parse().expect("an RFC 3339 start");
    assert_eq!(start, wanted, "{}", stored.start);
    assert_eq!(
        (stored.status.as_str(), stored.staff.as_str()),
        ("booked", "anna")
    );
}

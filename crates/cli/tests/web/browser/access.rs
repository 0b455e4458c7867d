//! Who gets in, and how far: signing in through the form, a wrong password, another
//! company's pages and the operators' pages, and a form whose CSRF token was tampered
//! with.

use super::support::{COMPANY, Dashboard, OWNER, OWNER_PASSWORD};
use crate::common::{OPERATOR_TOKEN, apply, fixture};
use serde_json::json;

/// The second company of the isolation test (tests/fixtures/other-company.toml).
const OTHER: &str = "praxis-berg";

#[tokio::test]
async fn signing_in_through_the_form_lands_on_heute() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    d.submit_sign_in(OWNER, OWNER_PASSWORD).await;
    let path = d
        .browser
        .wait_for_path("Heute", |p| p.ends_with("/heute"))
        .await;
    assert_eq!(path, Dashboard::company_path("/heute"));
    assert_eq!(d.heading().await, "Heute");
    let current = d.browser.find("nav a[aria-current='page']").await;
    assert_eq!(current.text().await, "Heute");
    assert!(
        d.browser.body_text().await.contains(OWNER),
        "the header names who is signed in"
    );
}

#[tokio::test]
async fn a_wrong_password_is_named_and_the_browser_stays_on_anmelden() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    d.submit_sign_in(OWNER, "not-the-password-7").await;
    let error = d
        .browser
        .wait_for_text(".notice.error", "stimmt nicht")
        .await;
    assert_eq!(error, "E-Mail-Adresse oder Passwort stimmt nicht.");
    assert!(d.browser.path().await.starts_with("/anmelden"));
    assert_eq!(d.browser.response_status().await, Some(401));
    // The address stays filled in; the password does not.
    let email = d.browser.find("#email").await;
    assert_eq!(email.attribute("value").await.as_deref(), Some(OWNER));
    let password = d.browser.find("#password").await;
    assert_eq!(password.attribute("value").await, None);
    // And there is no session: a company page sends the browser back to sign in.
    d.open(&Dashboard::company_path("/heute")).await;
    assert!(d.browser.path().await.starts_with("/anmelden?weiter="));
}

#[tokio::test]
async fn a_company_user_gets_not_found_for_another_company_and_the_operator_pages() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    apply(&d.t.app, &fixture("other-company.toml")).await;
    let theirs = book_at_the_other_company(&d).await;
    d.sign_in_as_owner().await;
    let refused = [
        format!("/firmen/{OTHER}/heute"),
        format!("/firmen/{OTHER}/kalender"),
        format!("/firmen/{OTHER}/anrufe"),
        format!("/firmen/{OTHER}/nachrichten"),
        format!("/firmen/{OTHER}/kennzahlen"),
        format!("/firmen/{OTHER}/einstellungen"),
        format!("/firmen/{OTHER}/termine/{theirs}"),
        // Their appointment under one's own company is no way round.
        format!("/firmen/{COMPANY}/termine/{theirs}"),
        "/betrieb".to_owned(),
        format!("/betrieb/{COMPANY}"),
        format!("/betrieb/{OTHER}"),
    ];
    for path in &refused {
        d.open(path).await;
        assert_eq!(d.heading().await, "Nicht gefunden", "{path}");
        assert_eq!(d.browser.response_status().await, Some(404), "{path}");
        let text = d.browser.body_text().await;
        assert!(
            text.contains("gehört zu einem anderen Betrieb"),
            "{path}: {text}"
        );
        assert!(
            !text.contains("Physiotherapie Berg") && !text.contains("Klara"),
            "{path} shows the other company: {text}"
        );
    }
    // The own pages still open.
    d.open(&Dashboard::company_path("/kalender")).await;
    assert_eq!(d.browser.response_status().await, Some(200));
}

/// An appointment of the other company, booked over the API; its id.
async fn book_at_the_other_company(d: &Dashboard) -> String {
    let body = json!({
        "branch": "zentrum", "service": "massage", "staff": "klara",
        "start": "2026-12-01T09:00:00+01:00", "customer": { "name": "Klaus Gruber" }
    });
    let request =
        d.t.client
            .post(d.t.url(&format!("/api/v1/companies/{OTHER}/appointments")))
            .bearer_auth(OPERATOR_TOKEN)
            .json(&body);
    let (status, booked) = d.t.send(request).await;
    assert_eq!(status, 201, "{booked}");
    booked["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn a_form_with_a_tampered_csrf_token_is_refused_and_changes_nothing() {
    let Some(d) = Dashboard::start().await else {
        return;
    };
    let id = d.book("anna", "2026-12-02T10:00:00+01:00").await;
    d.sign_in_as_owner().await;
    d.open(&Dashboard::company_path(&format!("/termine/{id}")))
        .await;
    let form = "form[action$='/absagen']";
    let field = d.browser.find(&format!("{form} input[name='csrf']")).await;
    d.browser
        .execute(
            "arguments[0].value = 'forged-token-0000'; return arguments[0].value;",
            json!([field.as_arg()]),
        )
        .await;
    d.browser.find("#grund").await.send_keys("Test").await;
    d.browser
        .find(&format!("{form} button[type='submit']"))
        .await
        .click()
        .await;
    d.browser.wait_for_text("h1", "Formular abgelaufen").await;
    assert_eq!(d.browser.response_status().await, Some(403));
    let appointment = d.t.app.appointment(COMPANY, &id).await.expect("stored");
    assert_eq!(appointment.status, "booked");
    assert_eq!(appointment.cancel_reason, None);
}

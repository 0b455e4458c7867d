//! Text messages through a local server that speaks Twilio's Messages API as documented:
//! form POST with basic auth, 201 with a message sid, 400 with an error code for a bad
//! number, 429 with Retry-After when throttled.

use crate::common::now_ms;
use crate::common::{Backend, TestApp};
use askpro_app::Actor;
use askpro_connectors::twilio::{SmsError, Twilio};
use askpro_core::Tenant;
use askpro_store::{jobs, sms};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

crate::on_both_databases!(
    a_booking_texts_its_customer_through_twilio,
    a_message_for_the_team_is_texted_to_the_branch_mobile,
);

#[derive(Clone, Default)]
pub(crate) struct FakeTwilio {
    pub(crate) received: Arc<Mutex<Vec<HashMap<String, String>>>>,
    throttle_next: Arc<Mutex<bool>>,
}

async fn create_message(
    State(fake): State<FakeTwilio>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    // "AC123:secret" in basic auth.
    if account != "AC123"
        || headers.get("authorization").and_then(|v| v.to_str().ok())
            != Some("Basic QUMxMjM6c2VjcmV0")
    {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"code":20003,"message":"Authenticate","status":401}"#,
        )
            .into_response();
    }
    if std::mem::take(&mut *fake.throttle_next.lock().unwrap()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            r#"{"code":20429,"message":"Too Many Requests","status":429}"#,
        )
            .into_response();
    }
    if !form.get("To").is_some_and(|to| to.starts_with('+')) {
        return (StatusCode::BAD_REQUEST, r#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#).into_response();
    }
    let count = {
        let mut received = fake.received.lock().unwrap();
        received.push(form);
        received.len()
    };
    (
        StatusCode::CREATED,
        format!(r#"{{"sid":"SM{count:032}","status":"queued","error_code":null}}"#),
    )
        .into_response()
}

pub(crate) async fn start_fake() -> (String, FakeTwilio) {
    let fake = FakeTwilio::default();
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(create_message),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

#[tokio::test]
async fn the_client_speaks_twilios_protocol_and_classifies_its_errors() {
    let (base, fake) = start_fake().await;
    let twilio = Twilio::new(&base, "AC123", "secret", "+4930111").unwrap();
    let receipt = twilio.send("+4915112345678", "Hallo").await.unwrap();
    assert_eq!((receipt.sid.len(), receipt.status.as_str()), (34, "queued"));
    let sent = fake.received.lock().unwrap()[0].clone();
    assert_eq!(
        (
            sent["To"].as_str(),
            sent["From"].as_str(),
            sent["Body"].as_str()
        ),
        ("+4915112345678", "+4930111", "Hallo")
    );
    *fake.throttle_next.lock().unwrap() = true;
    let throttled = twilio.send("+4915112345678", "Hallo").await.unwrap_err();
    assert_eq!(
        throttled,
        SmsError::Retryable {
            message: "Twilio 429 Too Many Requests, error 20429: Too Many Requests".into(),
            retry_after: Some(Duration::from_secs(1))
        }
    );
    let bad = twilio.send("0151 123", "Hallo").await.unwrap_err();
    assert!(
        matches!(&bad, SmsError::Permanent(m) if m.contains("21211")),
        "{bad:?}"
    );
    let wrong_key = Twilio::new(&base, "AC123", "wrong", "+4930111")
        .unwrap()
        .send("+4915112345678", "x")
        .await
        .unwrap_err();
    assert!(matches!(wrong_key, SmsError::Permanent(_)));
    assert!(
        !format!("{twilio:?}").contains("secret"),
        "the auth token never shows"
    );
}

async fn a_booking_texts_its_customer_through_twilio(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (base, fake) = start_fake().await;
    let actor = Actor::cli(None);
    t.app
        .set_setting(
            "notifications.sms.enabled=true",
            Some("salon-sonnenschein"),
            &actor,
        )
        .await
        .unwrap();
    assert_eq!(t.book("anna", "2026-12-01T09:00:00+01:00").await.0, 201);
    let sms_queue = jobs::stats(&t.app.db, now_ms())
        .await
        .unwrap()
        .into_iter()
        .find(|q| q.queue == "sms")
        .unwrap();
    assert_eq!(
        sms_queue.pending, 2,
        "the confirmation now, the reminder 24 hours ahead"
    );
    let app = t.app.clone().with_sms(Some(
        Twilio::new(&base, "AC123", "secret", "+4930111").unwrap(),
    ));
    crate::common::work_texts(&app, 1).await;
    let sent = sms::recent(&t.app.db, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body,
        "Salon Sonnenschein: Ihr Termin am 1.12. um 9 Uhr bei Anna Müller ist bestätigt."
    );
    assert_eq!(
        (
            sent[0].to_number.as_str(),
            sent[0].status.as_str(),
            sent[0].provider.as_str()
        ),
        ("+4915112345678", "queued", "twilio")
    );
    assert!(sent[0].provider_id.starts_with("SM"));
    assert_eq!(fake.received.lock().unwrap().len(), 1);
}

async fn a_message_for_the_team_is_texted_to_the_branch_mobile(backend: Backend) {
    let (base, fake) = start_fake().await;
    let Some(t) = TestApp::spawn_with_sms(backend, &base).await else {
        return;
    };
    let tenant = crate::common::EXAMPLE.replacen(
        "phone = \"+493012345678\"",
        "phone = \"+493012345678\"\nsms_number = \"+4917099998888\"",
        1,
    );
    crate::common::apply(&t.app, &tenant).await;
    let c = crate::retell::call("c-team-sms", crate::retell::MITTE, now_ms());
    let args = serde_json::json!({ "name": "Eva Schmidt", "concern": "Frage zur Farbe vom letzten Mal",
                                   "callback_when": "morgen ab 10 Uhr", "urgent": true });
    let taken = crate::retell::function(&t, "take_message", args, &c).await;
    assert_eq!(taken["ok"], true, "{taken}");
    crate::common::work_texts(&t.app, 1).await;
    let sent = sms::recent(&t.app.db, 10).await.unwrap();
    assert_eq!(sent.len(), 1, "one text to the team, none to the caller");
    assert_eq!(sent[0].to_number, "+4917099998888");
    assert_eq!(
        sent[0].body,
        "DRINGEND: Rückrufbitte von Eva Schmidt (+4915112345678), Rückruf morgen ab 10 Uhr: Frage zur Farbe vom letzten Mal"
    );
    assert_eq!(fake.received.lock().unwrap().len(), 1);
    // A mobile that is no E.164 number is refused with the key named.
    let broken = Tenant::from_toml(&crate::common::EXAMPLE.replacen(
        "phone = \"+493012345678\"",
        "phone = \"+493012345678\"\nsms_number = \"0170 9999\"",
        1,
    ));
    let error = broken.expect_err("not E.164").to_string();
    assert!(error.contains("sms_number"), "{error}");
}

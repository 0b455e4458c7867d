//! Bad input gets a 4xx with a precise code, and nothing is written.

use crate::common::{Backend, OPERATOR_TOKEN, TestApp, booking};
use serde_json::json;

crate::on_both_databases!(
    malformed_requests_are_refused_and_write_nothing,
    unknown_names_answer_404_in_the_error_format,
    nul_characters_are_refused_not_a_server_error
);

async fn malformed_requests_are_refused_and_write_nothing(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let url = t.company_url("/appointments");
    let raw = |body: &str| {
        t.client
            .post(&url)
            .bearer_auth(OPERATOR_TOKEN)
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (raw("{\"service\": "), 400, "invalid_json"),
        (raw("[]"), 422, "invalid_request"),
        (
            raw(r#"{"service":"damenhaarschnitt","start":5,"customer":{"name":"Eva"}}"#),
            422,
            "invalid_request",
        ),
        (
            raw(r#"{"service":"damenhaarschnitt","start":"2026-12-01T09:00:00+01:00"}"#),
            422,
            "invalid_request",
        ),
        (
            t.client
                .post(&url)
                .bearer_auth(OPERATOR_TOKEN)
                .body(booking("anna", "2026-12-01T09:00:00+01:00").to_string()),
            415,
            "unsupported_media_type",
        ),
        (
            raw(&format!(r#"{{"service":"{}"}}"#, "x".repeat(70_000))),
            413,
            "payload_too_large",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body) = t.send(request).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let invalid = [
        booking("anna", "2026-02-30T10:00:00+01:00"),
        booking("anna", "nächsten Dienstag"),
        json!({"branch": "mitte", "service": "damenhaarschnitt", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": "  "}}),
        json!({"branch": "mitte", "service": "damenhaarschnitt", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": "Eva", "phone": "0151 123"}}),
        json!({"branch": "mitte", "service": "damenhaarschnitt", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": "Eva", "email": "eva@"}}),
        json!({"service": "damenhaarschnitt", "start": "2026-12-01T09:00:00+01:00", "customer": {"name": "Eva"}}),
    ];
    for body in invalid {
        let (status, answer) = t.post("/appointments", body.clone()).await;
        assert_eq!(status, 422, "{body} → {answer}");
    }
    let cancel = t.company_url("/appointments/some-id/cancel");
    let (status, body) = t
        .send(
            t.client
                .post(&cancel)
                .bearer_auth(OPERATOR_TOKEN)
                .body("x".repeat(70_000)),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large")),
        "{body}"
    );
    let (status, body) = t
        .send(
            t.client
                .get(t.url("/api/v1/companies/%FF/availability?service=x"))
                .bearer_auth(OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_path")),
        "{body}"
    );
    let (status, body) = t
        .get("/availability?service=damenhaarschnitt&days=abc")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_request"))
    );
    for days in ["0", "32"] {
        assert_eq!(
            t.get(&format!(
                "/availability?service=damenhaarschnitt&from=2026-12-01&days={days}"
            ))
            .await
            .0,
            422
        );
    }
    assert_eq!(
        t.get("/availability?service=damenhaarschnitt&from=2026-13-01")
            .await
            .0,
        422
    );
    assert_eq!(t.get("/availability?from=2026-12-01").await.0, 422);
    let (_, list) = t.get("/appointments?from=2026-11-01&to=2027-12-31").await;
    assert_eq!(
        list["appointments"],
        json!([]),
        "nothing may have been written"
    );
}

async fn unknown_names_answer_404_in_the_error_format(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, body) = t
        .get("/availability?service=dauerwelle&from=2026-12-01")
        .await;
    assert_eq!(status, 404);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("damenhaarschnitt"),
        "known services are listed: {body}"
    );
    assert_eq!(
        t.get("/availability?service=damenhaarschnitt&branch=nowhere")
            .await
            .0,
        404
    );
    assert_eq!(t.book("nobody", "2026-12-01T09:00:00+01:00").await.0, 404);
    assert_eq!(t.get("/appointments/0190-unknown").await.0, 404);
    let url = t.url("/api/v1/companies/no-such-company/availability?service=x");
    let (status, body) = t.send(t.client.get(url).bearer_auth(OPERATOR_TOKEN)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = t.send(t.client.get(t.url("/api/v2/nothing"))).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = t
        .send(
            t.client
                .delete(t.company_url("/appointments"))
                .bearer_auth(OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
}

/// PostgreSQL refuses NUL in text; AskPro must say so as a 4xx, never fail with a 500.
async fn nul_characters_are_refused_not_a_server_error(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    for path in [
        "/appointments/ab%00cd",
        "/calls/ab%00cd",
        "/appointments?from=2026-12-01&to=2026-12-01&staff=an%00na",
    ] {
        let (status, body) = t.get(path).await;
        assert!((400..500).contains(&status), "{path}: {status} {body}");
    }
    let (status, body) = t
        .post(
            "/appointments",
            serde_json::json!({
                "branch": "mitte", "service": "damenhaarschnitt", "staff": "anna",
                "start": "2026-12-01T09:00:00+01:00",
                "customer": { "name": "Eva\u{0}Schmidt", "phone": "+4915112345678" }
            }),
        )
        .await;
    assert!((400..500).contains(&status), "{status} {body}");
    let (status, _) = t.get("/appointments?from=2026-12-01&to=2026-12-01").await;
    assert_eq!(status, 200);
}

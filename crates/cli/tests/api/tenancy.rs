//! Authentication, tenant isolation, health and metrics.

use crate::common::{Backend, OPERATOR_TOKEN, TestApp, apply, booking, fixture};

crate::on_both_databases!(
    requests_without_a_valid_token_are_refused,
    a_company_token_sees_only_its_own_company,
    health_and_metrics_report_the_server,
);

async fn requests_without_a_valid_token_are_refused(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let url = t.company_url("/availability?service=damenhaarschnitt");
    for request in [
        t.client.get(&url),
        t.client.get(&url).bearer_auth("wrong"),
        t.client.get(&url).bearer_auth("apk_0000"),
        t.client.get(&url).header("authorization", "Basic abc"),
    ] {
        let (status, body) = t.send(request).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unauthorized"))
        );
    }
}

async fn a_company_token_sees_only_its_own_company(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    apply(&t.app, &fixture("other-company.toml")).await;
    let (_, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    let salon_id = booked["id"].as_str().unwrap();
    let praxis = t
        .app
        .create_company_token("praxis-berg", "praxis-frontdesk")
        .await
        .unwrap();
    let salon = t
        .app
        .create_company_token("salon-sonnenschein", "salon-web")
        .await
        .unwrap();
    let foreign = [
        t.client
            .get(t.company_url("/availability?service=damenhaarschnitt&from=2026-12-01")),
        t.client
            .get(t.company_url(&format!("/appointments/{salon_id}"))),
        t.client
            .get(t.company_url("/appointments?from=2026-12-01&to=2026-12-31")),
        t.client
            .post(t.company_url(&format!("/appointments/{salon_id}/cancel"))),
        t.client
            .post(t.company_url("/appointments"))
            .json(&booking("anna", "2026-12-01T11:00:00+01:00")),
    ];
    for request in foreign {
        let (status, body) = t.send(request.bearer_auth(&praxis)).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(
            body["error"]["message"], "unknown company `salon-sonnenschein`",
            "same answer as for a company that does not exist"
        );
    }
    let (_, still) = t.get(&format!("/appointments/{salon_id}")).await;
    assert_eq!(still["status"], "booked");
    let own =
        t.url("/api/v1/companies/praxis-berg/availability?service=massage&from=2026-11-30&days=1");
    let (status, body) = t.send(t.client.get(&own).bearer_auth(&praxis)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["slots"][0]["start"], "2026-11-30T09:00:00+01:00",
        "Vienna, one hour notice after 08:00"
    );
    // The scheme name is case-insensitive, as HTTP says.
    let lower = t
        .client
        .get(t.company_url("/availability?service=damenhaarschnitt&from=2026-12-01&days=1"))
        .header("authorization", format!("bearer {salon}"));
    assert_eq!(t.send(lower).await.0, 200);
    let (status, body) = t
        .send(
            t.client
                .post(t.company_url("/appointments"))
                .bearer_auth(&salon)
                .json(&booking("anna", "2026-12-01T11:00:00+01:00")),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let history =
        askpro_store::audit::history(&t.app.db, "appointment", body["id"].as_str().unwrap())
            .await
            .unwrap();
    assert_eq!(history[0].origin.as_deref(), Some("salon-web"));
}

async fn health_and_metrics_report_the_server(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, body) = t.send(t.client.get(t.url("/healthz"))).await;
    assert_eq!((status, body), (200, serde_json::json!({"status": "ok"})));
    t.get("/availability?service=damenhaarschnitt&from=2026-12-01")
        .await;
    t.get("/availability?service=nope&from=2026-12-01").await;
    let text = t
        .client
        .get(t.url("/metrics"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let route = "route=\"/api/v1/companies/{company}/availability\"";
    assert!(
        text.contains(&format!(
            "askpro_http_requests_total{{method=\"GET\",{route},status=\"200\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "askpro_http_requests_total{{method=\"GET\",{route},status=\"404\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "askpro_http_request_duration_seconds_count{{method=\"GET\",{route}}} 2"
        )),
        "{text}"
    );
    assert!(text.contains("route=\"/healthz\""));
}

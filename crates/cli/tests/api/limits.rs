//! The API's rate limit: each token has its own budget, requests without a token count
//! per client address, a caller over it gets 429 with `Retry-After`, and Retell's
//! webhooks are never limited (Retell would only retry harder).

use crate::common::{Backend, OPERATOR_TOKEN, TestApp};

const PER_MINUTE: u32 = 30;

#[tokio::test]
async fn each_caller_has_a_budget_and_hears_when_to_come_back() {
    let Some(t) = TestApp::spawn_with_rate_limit(Backend::Sqlite, PER_MINUTE).await else {
        return;
    };
    let url = t.company_url("/appointments?from=2026-12-01&to=2026-12-01");
    // The bucket refills half a request a second while the burst runs.
    let started = std::time::Instant::now();
    let mut taken = 0;
    let over = loop {
        let response = t
            .client
            .get(&url)
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap();
        if response.status() != 200 {
            break response;
        }
        taken += 1;
        assert!(taken <= 3 * PER_MINUTE, "the limit never applied");
    };
    let refilled = (started.elapsed().as_secs_f64() / 2.0).ceil() as u32;
    assert!(
        (PER_MINUTE..=PER_MINUTE + refilled).contains(&taken),
        "{taken} requests went through"
    );
    assert_eq!(over.status(), 429);
    let wait: u64 = over.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let body: serde_json::Value = over.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");

    // Another token has its own budget.
    let company = t
        .app
        .create_company_token("salon-sonnenschein", "kasse")
        .await
        .unwrap();
    let other = t
        .client
        .get(&url)
        .bearer_auth(&company)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);

    // Without a token the client's address counts: refused as unauthorised, then limited.
    let mut refused = 0;
    loop {
        let status = t.client.get(&url).send().await.unwrap().status().as_u16();
        if status == 429 {
            break;
        }
        assert_eq!(status, 401);
        refused += 1;
        assert!(
            refused <= 3 * PER_MINUTE,
            "the limit never applied without a token"
        );
    }
    assert!(refused >= PER_MINUTE, "{refused}");

    // Webhooks are answered on their merits, however many come.
    for _ in 0..PER_MINUTE + 5 {
        let response = t
            .client
            .post(t.url("/webhooks/retell"))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
}

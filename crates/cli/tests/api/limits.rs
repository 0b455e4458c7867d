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
    for i in 0..PER_MINUTE {
        let response = t
            .client
            .get(&url)
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "request {i} of the burst");
    }
    let over = t
        .client
        .get(&url)
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
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
    let mut statuses = Vec::new();
    for _ in 0..=PER_MINUTE {
        statuses.push(t.client.get(&url).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses[..PER_MINUTE as usize], [401; PER_MINUTE as usize]);
    assert_eq!(statuses[PER_MINUTE as usize], 429);

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

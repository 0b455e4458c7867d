//! The tenant-isolation matrix (issue 16, part 5): every company route of the API, with
//! every method it takes, asked by another company's token — and a company's own routes
//! asked about another company's objects. All answer 404 exactly like things that do
//! not exist, and nothing changes. The route list is read from the router's source, so a
//! new route without a row here fails this test.

use crate::common::{Backend, TestApp, apply, fixture};
use crate::retell::{MITTE, call, function, now_call_ms};
use serde_json::{Value, json};

crate::on_both_databases!(every_company_route_refuses_other_companies);

/// Each route pattern of the router with the methods it takes.
const MATRIX: [(&str, &[&str]); 14] = [
    ("/availability", &["GET"]),
    ("/appointments", &["GET", "POST"]),
    ("/appointments/{id}", &["GET"]),
    ("/appointments/{id}/cancel", &["POST"]),
    ("/appointments/{id}/reschedule", &["POST"]),
    ("/appointments/{id}/no-show", &["POST", "DELETE"]),
    ("/messages", &["GET"]),
    ("/messages/{id}/done", &["POST"]),
    ("/waitlist", &["GET", "POST"]),
    ("/waitlist/{id}", &["DELETE"]),
    ("/waitlist/{id}/take", &["POST"]),
    ("/waitlist/{id}/decline", &["POST"]),
    ("/calls", &["GET"]),
    ("/calls/{call_id}", &["GET"]),
];

#[test]
fn the_matrix_covers_every_company_route_of_the_router() {
    let source = include_str!("../../../server/src/routes/mod.rs");
    let routes: Vec<String> = source
        .split("&format!(\"{company}")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|route| route.replace("{{", "{").replace("}}", "}"))
        .collect();
    assert_eq!(
        routes.len(),
        MATRIX.len(),
        "routes in the router: {routes:?}"
    );
    for route in routes {
        assert!(
            MATRIX.iter().any(|(r, _)| *r == route),
            "{route} has no row in the matrix"
        );
    }
}

/// The salon's objects: an appointment, a message, a waiting-list entry and a call.
struct Objects {
    appointment: String,
    message: String,
    entry: String,
    call: String,
}

async fn salon_objects(t: &TestApp) -> Objects {
    let (_, booked) = t.book("anna", "2026-12-01T09:00:00+01:00").await;
    let c = call("call-isolation", MITTE, now_call_ms());
    let message = function(
        t,
        "take_message",
        json!({ "name": "Eva Schmidt", "concern": "Rückruf bitte" }),
        &c,
    )
    .await;
    assert_eq!(message["ok"], true, "{message}");
    let messages = t
        .app
        .messages("salon-sonnenschein", Some("open"))
        .await
        .unwrap();
    let (_, entry) = t
        .post(
            "/waitlist",
            json!({ "service": "damenhaarschnitt", "branch": "mitte",
            "from": "2026-12-02T09:00:00+01:00", "until": "2026-12-02T12:00:00+01:00",
            "customer": { "name": "Alma Adler", "phone": "+4915199990000" } }),
        )
        .await;
    Objects {
        appointment: booked["id"].as_str().unwrap().to_owned(),
        message: messages[0]["id"].as_str().unwrap().to_owned(),
        entry: entry["id"].as_str().unwrap().to_owned(),
        call: "call-isolation".to_owned(),
    }
}

fn path(route: &str, objects: &Objects) -> String {
    let id = if route.starts_with("/messages") {
        &objects.message
    } else if route.starts_with("/waitlist") {
        &objects.entry
    } else {
        &objects.appointment
    };
    let query = match route {
        "/availability" => "?service=damenhaarschnitt&from=2026-12-01",
        "/appointments" => "?from=2026-12-01&to=2026-12-31",
        _ => "",
    };
    format!(
        "{}{query}",
        route
            .replace("{id}", id)
            .replace("{call_id}", &objects.call)
    )
}

fn body(route: &str) -> Value {
    match route {
        "/appointments" => {
            json!({ "branch": "mitte", "service": "damenhaarschnitt", "staff": "anna",
            "start": "2026-12-01T11:00:00+01:00", "customer": { "name": "Mallory" } })
        }
        "/appointments/{id}/reschedule" => json!({ "start": "2026-12-01T12:00:00+01:00" }),
        "/waitlist" => {
            json!({ "service": "damenhaarschnitt", "when": "morgen", "customer": { "name": "Mallory" } })
        }
        _ => json!({}),
    }
}

async fn every_company_route_refuses_other_companies(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    apply(&t.app, &fixture("other-company.toml")).await;
    let objects = salon_objects(&t).await;
    let praxis = t
        .app
        .create_company_token("praxis-berg", "praxis")
        .await
        .unwrap();
    let mut asked = 0;
    for (route, methods) in MATRIX {
        for method in methods {
            let method: reqwest::Method = method.parse().unwrap();
            // Another company's token on the salon's routes.
            let url = t.url(&format!(
                "/api/v1/companies/salon-sonnenschein{}",
                path(route, &objects)
            ));
            let request = t
                .client
                .request(method.clone(), url)
                .bearer_auth(&praxis)
                .json(&body(route));
            let (status, answer) = t.send(request).await;
            assert_eq!(status, 404, "{method} {route}: {answer}");
            assert_eq!(
                answer["error"]["message"], "unknown company `salon-sonnenschein`",
                "{method} {route}"
            );
            // The salon's objects under the other company's own routes.
            if route.contains('{') {
                let url = t.url(&format!(
                    "/api/v1/companies/praxis-berg{}",
                    path(route, &objects)
                ));
                let request = t
                    .client
                    .request(method.clone(), url)
                    .bearer_auth(&praxis)
                    .json(&body(route));
                let (status, answer) = t.send(request).await;
                assert_eq!(
                    status, 404,
                    "own route, foreign object: {method} {route}: {answer}"
                );
            }
            asked += 1;
        }
    }
    assert_eq!(asked, 17);
    // Nothing of the salon's changed.
    let (_, appointment) = t
        .get(&format!("/appointments/{}", objects.appointment))
        .await;
    assert_eq!(
        (
            appointment["status"].as_str(),
            appointment["start"].as_str()
        ),
        (Some("booked"), Some("2026-12-01T09:00:00+01:00"))
    );
    let (_, entries) = t.get("/waitlist").await;
    // Still on the list (the sweep may have held a free slot for it meanwhile).
    let status = entries["entries"][0]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(["waiting", "held"].contains(&status.as_str()), "{entries}");
    let open = t
        .app
        .messages("salon-sonnenschein", Some("open"))
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    let (_, list) = t.get("/appointments?from=2026-12-01&to=2026-12-31").await;
    let mallory = list["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["customer"]["name"] == "Mallory")
        .count();
    assert_eq!(mallory, 0, "no booking slipped in: {list}");
}

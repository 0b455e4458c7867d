//! `GET …/availability`: hours, staff, holidays, closed days, horizon, DST.

use crate::common::{Backend, OPERATOR_TOKEN, TestApp, apply, fixture};
use serde_json::Value;

crate::on_both_databases!(
    slots_follow_opening_hours_and_carry_the_local_offset,
    holidays_and_closed_days_offer_nothing,
    nothing_is_offered_beyond_the_horizon,
    an_opening_at_nine_stays_at_nine_across_the_march_change,
    a_staff_filter_narrows_and_an_unqualified_staff_member_is_refused,
);

fn starts(body: &Value) -> Vec<(String, String)> {
    body["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap().to_owned(),
                s["staff"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn slots_follow_opening_hours_and_carry_the_local_offset(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, body) = t
        .get("/availability?service=damenhaarschnitt&branch=mitte&from=2026-12-01&days=1")
        .await;
    assert_eq!(status, 200, "{body}");
    let slots = starts(&body);
    // Anna and Jonas both work Tuesdays 09:00-18:00; 45 min + 15 min buffer → 33 starts each.
    assert_eq!(slots.len(), 66);
    assert_eq!(
        slots[0],
        ("2026-12-01T09:00:00+01:00".into(), "anna".into())
    );
    assert_eq!(
        slots[1],
        ("2026-12-01T09:00:00+01:00".into(), "jonas".into())
    );
    assert_eq!(slots.last().unwrap().0, "2026-12-01T17:00:00+01:00");
    let first = &body["slots"][0];
    assert_eq!(first["end"], "2026-12-01T09:45:00+01:00");
    assert_eq!(first["branch"], "mitte");
}

async fn holidays_and_closed_days_offer_nothing(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // Schwabing (DE-BY): 24th closed by the file, 25th/26th Christmas, Sunday and Monday closed.
    let (status, body) = t
        .get("/availability?service=damenhaarschnitt&branch=schwabing&from=2026-12-24&days=6")
        .await;
    assert_eq!(status, 200, "{body}");
    let slots = starts(&body);
    assert!(!slots.is_empty());
    assert!(
        slots
            .iter()
            .all(|(start, _)| start.starts_with("2026-12-29")),
        "{slots:?}"
    );
    // Epiphany (6 January) is a holiday in Bavaria but not in Berlin.
    let (_, munich) = t
        .get("/availability?service=damenhaarschnitt&branch=schwabing&from=2027-01-06&days=1")
        .await;
    let (_, berlin) = t
        .get("/availability?service=damenhaarschnitt&branch=mitte&from=2027-01-06&days=1")
        .await;
    assert!(starts(&munich).is_empty());
    assert!(!starts(&berlin).is_empty());
}

async fn nothing_is_offered_beyond_the_horizon(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    // Now is 2026-11-30 08:00 and the horizon 90 days: the last start is 2027-02-28 08:00.
    let (_, body) = t
        .get("/availability?service=damenhaarschnitt&branch=mitte&from=2027-02-26&days=5")
        .await;
    let slots = starts(&body);
    assert!(slots.iter().any(|(s, _)| s.starts_with("2027-02-27")));
    assert!(
        slots
            .iter()
            .all(|(s, _)| s.as_str() < "2027-02-28T08:00:00+01:00"),
        "{slots:?}"
    );
}

async fn an_opening_at_nine_stays_at_nine_across_the_march_change(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    apply(&t.app, &fixture("dst-studio.toml")).await;
    let url =
        t.url("/api/v1/companies/dst-studio/availability?service=beratung&from=2027-03-27&days=3");
    let (status, body) = t.send(t.client.get(url).bearer_auth(OPERATOR_TOKEN)).await;
    assert_eq!(status, 200, "{body}");
    let firsts: Vec<String> = starts(&body)
        .into_iter()
        .map(|(s, _)| s)
        .filter(|s| s.contains("T09:"))
        .collect();
    assert_eq!(
        firsts,
        [
            "2027-03-27T09:00:00+01:00",
            "2027-03-28T09:00:00+02:00",
            "2027-03-29T09:00:00+02:00"
        ]
    );
    let url =
        t.url("/api/v1/companies/dst-studio/availability?service=beratung&from=2027-10-30&days=2");
    let (_, body) = t.send(t.client.get(url).bearer_auth(OPERATOR_TOKEN)).await;
    let all: Vec<String> = starts(&body).into_iter().map(|(s, _)| s).collect();
    assert_eq!(all[0], "2027-10-30T09:00:00+02:00");
    assert_eq!(all[3], "2027-10-31T09:00:00+01:00");
}

async fn a_staff_filter_narrows_and_an_unqualified_staff_member_is_refused(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, body) = t.get("/availability?service=damenhaarschnitt&branch=mitte&staff=jonas&from=2026-12-01&days=1").await;
    assert!(starts(&body).iter().all(|(_, staff)| staff == "jonas"));
    assert_eq!(starts(&body).len(), 33);
    let (status, body) = t
        .get("/availability?service=damenhaarschnitt&staff=sepp&from=2026-12-01")
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("sepp"));
}
